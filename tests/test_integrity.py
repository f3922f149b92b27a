"""Integrity detectors on lookups of police and customs files, and who sees their alerts.

Hand-made days check each rule and its bounds; the seeded world (filet.demo.integrity)
checks, through ingestion, that the planted seller and enumerator are found within the
alert budget the inspectorate can read (M26: at most 1 alert a day per 100 officers).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engines import BothEngines, write_event_tables
from filet.alerts import Alert, get_detector
from filet.alerts.runner import run_detectors
from filet.alerts.store import save_alerts
from filet.demo.integrity import flagged_days, generate, write_assignments, write_lookups
from filet.engine.duckdb_engine import DuckDBEngine
from filet.ingest import ingest_file
from filet.integrity.unjustified import UnjustifiedThresholds
from filet.integrity.volume import VolumeThresholds
from filet.store import Workspace
from web_support import logged_in_client, seed_world

MONDAY = datetime(2024, 3, 4, 9, tzinfo=UTC)
UNJUSTIFIED = "integrity.unjustified_lookups"
VOLUME = "integrity.lookup_volume"


def _lookup(
    officer: str, at: datetime, case_ref: str = "", reason: str = "", unit: str = "BRI-13"
) -> dict[str, Any]:
    return {
        "ts": at,
        "officer": officer,
        "unit": unit,
        "system": "TAJ",
        "subject": f"P{at.timestamp():.0f}",
        "subject_kind": "person",
        "reason": reason,
        "case_ref": case_ref or None,
        "source_file": "consultations.csv",
        "source_line": 0,
    }


def _numbered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "source_line": n} for n, row in enumerate(rows, start=2)]


def _assignment(officer: str, case_ref: str, end: datetime | None = None) -> dict[str, Any]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return {"officer": officer, "case_ref": case_ref, "start_ts": start, "end_ts": end,
            "source_file": "affectations.csv", "source_line": 2}  # fmt: skip


def _run(
    tmp_path: Path,
    detector_id: str,
    lookups: list[dict[str, Any]],
    assignments: list[dict[str, Any]] | None = None,
    thresholds: Any = None,
) -> list[Alert]:
    tables = {"lookups": _numbered(lookups), "assignments": assignments or []}
    store = write_event_tables(tmp_path, tables)
    with DuckDBEngine() as engine:
        store.register(engine)
        return get_detector(detector_id).run(engine, thresholds)


def test_unjustified_lookups_name_the_foreign_cases_and_bare_reasons(tmp_path: Path) -> None:
    """dupont: one lookup for another unit's case, two with « vérif » and no case, one
    for her own case, one field check with a written reason: three unjustified."""
    minute = timedelta(minutes=1)
    rows = [
        _lookup("dupont", MONDAY, "2024-OFA-001", "recoupement"),
        _lookup("dupont", MONDAY + minute, reason="vérif"),
        _lookup("dupont", MONDAY + 2 * minute, reason=""),
        _lookup("dupont", MONDAY + 3 * minute, "2024-BRI-002", "audition du témoin"),
        _lookup("dupont", MONDAY + 4 * minute, reason="contrôle routier RN568"),
        _lookup("martin", MONDAY, reason="info"),
        _lookup("martin", MONDAY + minute, reason="RAS"),
    ]
    assigned = [_assignment("dupont", "2024-BRI-002")]
    [alert] = _run(tmp_path, UNJUSTIFIED, rows, assigned)
    assert [subject.value for subject in alert.subjects] == ["dupont"]
    assert "3 consultations injustifiées sur 5 le 2024-03-04 (TAJ ×3)" in alert.reason_fr
    assert "1 cite a case the officer is not assigned to (2024-OFA-001)" in alert.reason_en
    assert "2 cite no case with a reason under 10 characters" in alert.reason_en
    assert [e.key["source_line"] for e in alert.evidence] == [2, 3, 4]
    assert alert.score == 0.5  # three of three needed
    assert {t.name: t.value for t in alert.thresholds} == {
        "min_unjustified": 3,
        "min_reason_chars": 10,
    }


def test_an_assignment_covers_only_its_period(tmp_path: Path) -> None:
    """Lookups for one's own case after leaving it are unjustified; two are not enough
    by default, one is with ``min_unjustified=1``."""
    rows = [_lookup("dupont", MONDAY + timedelta(minutes=n), "2024-BRI-002", "audition du témoin")
            for n in range(2)]  # fmt: skip
    ended = [_assignment("dupont", "2024-BRI-002", end=MONDAY - timedelta(days=1))]
    assert _run(tmp_path / "a", UNJUSTIFIED, rows, ended) == []
    [alert] = _run(tmp_path / "b", UNJUSTIFIED, rows, ended, UnjustifiedThresholds(1))
    assert "(2024-BRI-002)" in alert.reason_fr
    still_on = [_assignment("dupont", "2024-BRI-002")]
    assert _run(tmp_path / "c", UNJUSTIFIED, rows, still_on, UnjustifiedThresholds(1)) == []


def _days(officer: str, counts: list[int], unit: str = "BRI-13") -> list[dict[str, Any]]:
    """``counts[n]`` lookups by ``officer`` on the n-th day from MONDAY."""
    return [
        _lookup(officer, MONDAY + timedelta(days=day, seconds=30 * n), "2024-BRI-002", unit=unit)
        for day, count in enumerate(counts)
        for n in range(count)
    ]


def test_volume_spike_against_own_and_unit_baselines(tmp_path: Path) -> None:
    """Ten a day for five days, then 45: flagged, against her own mean and the unit's
    that day."""
    rows = _days("dupont", [10] * 5 + [45]) + _days("martin", [12] * 6)
    [alert] = _run(tmp_path / "a", VOLUME, rows)
    assert [subject.value for subject in alert.subjects] == ["dupont"]
    assert "45 lookups on 2024-03-09 (45 distinct subjects; TAJ ×45)" in alert.reason_en
    assert "4.5 times their mean of 10.0 over 5 days, unit BRI-13 that day 12.0" in alert.reason_en
    assert "4,5 fois sa moyenne de 10,0" in alert.reason_fr
    assert len(alert.evidence) == 10
    assert alert.score == round(1 - 3 / 7.5, 3)


def test_no_spike_without_history_or_on_the_units_busy_day(tmp_path: Path) -> None:
    """A newcomer (four days of history) is not judged; a day the whole unit is busy is
    the unit's, not one officer's; below ``min_lookups`` nothing is flagged."""
    newcomer = _days("dupont", [10] * 4 + [45])
    assert _run(tmp_path / "a", VOLUME, newcomer) == []
    raid = _days("dupont", [10] * 5 + [45]) + _days("martin", [10] * 5 + [40])
    assert _run(tmp_path / "b", VOLUME, raid) == []
    quiet = _days("dupont", [5] * 5 + [25])
    assert _run(tmp_path / "c", VOLUME, quiet) == []
    low = VolumeThresholds(min_lookups=20)
    assert len(_run(tmp_path / "d", VOLUME, quiet, thresholds=low)) == 1


def test_thresholds_are_checked() -> None:
    with pytest.raises(ValueError, match="factor"):
        VolumeThresholds(factor=1.0)
    with pytest.raises(ValueError, match="baseline_days"):
        VolumeThresholds(baseline_days=3)
    with pytest.raises(ValueError, match="min_unjustified"):
        UnjustifiedThresholds(min_unjustified=0)


def _ingested_world(home: Path, seed: int, officers_per_unit: int) -> tuple[Workspace, Any]:
    world = generate(seed, officers_per_unit=officers_per_unit, weeks=6)
    home.mkdir(parents=True)
    write_lookups(world, home / "consultations.csv")
    write_assignments(world, home / "affectations.csv")
    ws = Workspace.open(home / "ws")
    for name, fmt in (("consultations.csv", "lookups"), ("affectations.csv", "assignments")):
        report = ingest_file(ws, home / name, fmt)
        assert report.rows_quarantined == 0
    return ws, world


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_the_planted_misuses_are_found_within_the_alert_budget(tmp_path: Path, seed: int) -> None:
    """100 officers, six weeks: every seller day and the enumerator's day are found,
    the enumerator's only by volume (its lookups cite its own case), and all integrity
    alerts together stay under 1 a day per 100 officers."""
    ws, world = _ingested_world(tmp_path / "world", seed, officers_per_unit=25)
    try:
        with DuckDBEngine() as engine:
            alerts = run_detectors(ws, engine, [UNJUSTIFIED, VOLUME])
    finally:
        ws.close()
    unjustified, volume = flagged_days(alerts, UNJUSTIFIED), flagged_days(alerts, VOLUME)
    assert {(world.seller, day) for day in world.seller_days} <= unjustified
    assert volume == {(world.enumerator, day) for day in world.enumerator_days}
    officer_days = len(world.officers) * len(world.working_days)
    assert len(alerts) / officer_days * 100 <= 1.0


@pytest.mark.spark
def test_same_integrity_alerts_on_both_engines(both_engines: BothEngines) -> None:
    world = generate(7, officers_per_unit=3, weeks=6)
    lookups = [
        {**vars(lookup), "case_ref": lookup.case_ref or None,
         "source_file": "consultations.csv", "source_line": n}
        for n, lookup in enumerate(world.lookups, start=2)
    ]  # fmt: skip
    assignments = [
        {"officer": a.officer, "case_ref": a.case_ref,
         "start_ts": datetime.combine(a.start, datetime.min.time(), UTC), "end_ts": None,
         "source_file": "affectations.csv", "source_line": n}
        for n, a in enumerate(world.assignments, start=2)
    ]  # fmt: skip
    tables = {"lookups": lookups, "assignments": assignments}
    found = both_engines(UNJUSTIFIED, tables)
    assert {(world.seller, day) for day in world.seller_days} <= flagged_days(found, UNJUSTIFIED)
    [spike] = both_engines(VOLUME, tables)
    assert spike.subjects[0].value == world.enumerator


def test_integrity_alerts_show_to_inspectors_only(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    """An integrity alert on a lookup log of case A: its supervisor and analyst, members
    of the case, never see it; the inspector sees it, and only it, and may triage it."""
    world = seed_world(sqlite_workspace, tmp_path)
    rows = _days("ana-a", [10] * 5 + [45])
    store = write_event_tables(tmp_path / "events", {"lookups": _numbered(rows)})
    with DuckDBEngine() as engine:
        store.register(engine)
        [alert] = get_detector(VOLUME).run(engine)
    with sqlite_workspace.db.begin() as conn:
        save_alerts(conn, [alert])
    for member in ("chef-a", "ana-a"):
        client = logged_in_client(world, member)
        assert alert.id not in client.get("/alerts").text
        assert client.get(f"/alerts/{alert.id}").status_code == 404
        assert "Intégrité" not in client.get("/alerts").text
    inspector = logged_in_client(world, "insp")
    queue = inspector.get("/alerts")
    assert queue.status_code == 200 and f'href="/alerts/{alert.id}"' in queue.text
    assert not any(f"/alerts/{other}" in queue.text for other in world.alerts_a)
    assert 'href="/alerts" aria-current="page">Intégrité</a>' in queue.text
    assert inspector.get(f"/alerts/{world.alerts_a[0]}").status_code == 404
    listed = inspector.get("/api/alerts").json()
    assert [item["id"] for item in listed["items"]] == [alert.id]
    triaged = inspector.post(f"/api/alerts/{alert.id}/triage", json={"status": "dismissed"})
    assert triaged.status_code == 200, triaged.text
    assert inspector.get(f"/api/alerts/{alert.id}").json()["status"] == "dismissed"
    other = inspector.post(f"/api/alerts/{world.alerts_a[0]}/triage", json={"status": "dismissed"})
    assert other.status_code == 404
    assert inspector.get("/search?q=Alice").status_code == 403
