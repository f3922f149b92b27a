"""Container release anomalies and seal mismatches at port terminals.

Hand-made visits check each rule and the legitimate cases that look like it; the seeded
Le Havre world (filet.demo.terminal) checks, through ingestion, that the planted PIN
misuse, gate-out without release and rip-off are found and nothing else; the same
alerts come out of DuckDB and Spark; the ``terminal`` reader never keeps a PIN.
"""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iso6346
from typer.testing import CliRunner

from engines import BothEngines, write_event_tables
from filet.alerts import Alert, get_detector
from filet.alerts.runner import run_detectors
from filet.cli import app
from filet.demo.terminal import (
    EVENT_HEADER,
    TerminalWorld,
    flagged,
    generate,
    rules_of,
    write_events,
    write_manifests,
)
from filet.engine.duckdb_engine import DuckDBEngine
from filet.ingest import ingest_file
from filet.ingest.quarantine import list_quarantined
from filet.ingest.readers import parse_raw
from filet.ingest.records import IngestError, RecordError
from filet.ingest.replay import fix_quarantined, replay
from filet.security.pin_key import PinKeyError, load_pin_key, pin_key
from filet.store import Workspace
from filet.store.events import EVENT_TABLES
from filet.targeting.release_anomalies import ReleaseThresholds
from filet.targeting.seal_mismatch import SealThresholds
from filet.targeting.terminal_events import WITHHELD, csv_line, pin_digest, terminal_fields

RELEASE = "targeting.release_anomalies"
SEAL = "targeting.seal_mismatch"
DISCHARGE = datetime(2024, 3, 5, 8, tzinfo=UTC)
BOX = "CSQU3054383"
OTHER_BOX = "MSCU1234566"
_MANIFEST_FIELDS = [f.name for f in EVENT_TABLES["manifests"]]
Tables = dict[str, list[dict[str, Any]]]
TEST_KEY = b"a service key of the tests, 32 b"
runner = CliRunner()


def _event(box: str, hours: float, event: str, **values: Any) -> dict[str, Any]:
    row = dict.fromkeys(EVENT_TABLES["terminal_events"].names)
    row.update(container=box, ts=DISCHARGE + timedelta(hours=hours), event=event,
               terminal="TPO", source_file="terminal.csv")  # fmt: skip
    row.update(values)
    return row


def _visit(box: str, out_hours: float = 72, **pickup: Any) -> list[dict[str, Any]]:
    """A normal stay: release before arrival nominating Martin, PIN to Normand, pick-up
    by Martin presenting it."""
    gate = {"party": "Transitaire Normand", "haulier": "Transports Martin",
            "truck_plate": "AB-123-CD", "pin_digest": "pin-" + box, **pickup}  # fmt: skip
    return [
        _event(box, -20, "release_issued", party="Transitaire Normand",
               haulier="Transports Martin"),
        _event(box, 0, "discharge", seal="ML123456"),
        _event(box, 1, "pin_issued", party="Transitaire Normand", pin_digest="pin-" + box),
        _event(box, out_hours, "gate_out", **gate),
    ]  # fmt: skip


def _numbered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "source_line": n} for n, row in enumerate(rows, start=2)]


def _run(tmp_path: Path, detector_id: str, tables: Tables, thresholds: Any = None) -> list[Alert]:
    store = write_event_tables(tmp_path, {k: _numbered(v) for k, v in tables.items()})
    with DuckDBEngine() as engine:
        store.register(engine)
        return get_detector(detector_id).run(engine, thresholds)


def _rules(alert: Alert) -> list[str]:
    """The rule ids an alert names, ``[fast_pickup]`` in its reasons, in order."""
    return [part.split("]")[0] for part in alert.reason_en.split("[")[1:]]


def test_a_normal_visit_raises_nothing(tmp_path: Path) -> None:
    """Release before arrival, PIN presented by the forwarder or by the nominated haulier
    (names typed in other cases and spacing), three days' dwell: no alert."""
    rows = _visit(BOX) + _visit(OTHER_BOX, party=" TRANSPORTS MARTIN", haulier="transports martin")
    assert _run(tmp_path, RELEASE, {"terminal_events": rows}) == []


def test_stolen_pin_breaks_three_rules_in_one_alert(tmp_path: Path) -> None:
    rows = _visit(BOX, out_hours=2, party="SARL Transit Express", haulier="Transports du Nord")
    [alert] = _run(tmp_path, RELEASE, {"terminal_events": rows})
    assert _rules(alert) == ["unexpected_haulier", "fast_pickup", "pin_other_party"]
    assert "Transports du Nord, where Transitaire Normand nominated Transports Martin" in (
        alert.reason_en
    )
    assert "out 120 min after discharge (threshold 360 min)" in alert.reason_en
    assert "PIN émis pour Transitaire Normand le 2024-03-05 09:00 UTC, présenté par SARL" in (
        alert.reason_fr
    )
    assert [e.key["source_line"] for e in alert.evidence] == [5, 2, 4, 3]
    assert {s.kind: s.value for s in alert.subjects} == {
        "container": BOX, "haulier": "Transports du Nord", "truck_plate": "AB-123-CD",
        "party": "SARL Transit Express",
    }  # fmt: skip
    assert alert.score == 0.75
    assert {t.name: t.value for t in alert.thresholds} == {
        "max_dwell_minutes": 360, "min_prior_pickups": 3, "visit_lookback_days": 60,
    }  # fmt: skip
    assert alert.start == DISCHARGE - timedelta(hours=20)


def test_a_pin_that_was_never_issued_is_named(tmp_path: Path) -> None:
    """The gate let out a box on a PIN unlike the one issued; with no PIN issued at all
    in the visit, the PIN log says nothing and neither does this rule."""
    rows = _visit(BOX, pin_digest="pin-guessed")
    [alert] = _run(tmp_path / "a", RELEASE, {"terminal_events": rows})
    assert _rules(alert) == ["pin_not_issued"]
    assert "not the one issued to Transitaire Normand on 2024-03-05 09:00 UTC" in alert.reason_en
    assert [e.key["source_line"] for e in alert.evidence] == [5, 2, 3, 4]
    no_pin_log = [row for row in rows if row["event"] != "pin_issued"]
    assert _run(tmp_path / "b", RELEASE, {"terminal_events": no_pin_log}) == []


def test_fast_pickup_bound_is_the_threshold(tmp_path: Path) -> None:
    """Seven hours after discharge is not fast at six; it is at eight."""
    rows = _visit(BOX, out_hours=7)
    assert _run(tmp_path / "a", RELEASE, {"terminal_events": rows}) == []
    [alert] = _run(tmp_path / "b", RELEASE, {"terminal_events": rows}, ReleaseThresholds(480))
    assert _rules(alert) == ["fast_pickup"]


def test_gate_out_needs_a_release_of_this_visit(tmp_path: Path) -> None:
    """The release of the box's previous visit does not cover this one; a release filed
    before the vessel arrived does (the normal visit)."""
    first = _visit(BOX)
    again = [_event(BOX, 24 * 20, "discharge"),
             _event(BOX, 24 * 23, "gate_out", party="Transitaire Normand",
                    haulier="Transports Martin")]  # fmt: skip
    [alert] = _run(tmp_path, RELEASE, {"terminal_events": first + again})
    assert _rules(alert) == ["no_release"]
    assert alert.end == DISCHARGE + timedelta(days=23)


def test_an_unseen_haulier_counts_only_for_a_known_party(tmp_path: Path) -> None:
    """No nomination: a forwarder with three pick-ups by Martin, then one by Dubois, is
    flagged; a newcomer's first pick-ups by anyone are not."""

    def unnominated(box: str, day: int, party: str, haulier: str) -> list[dict[str, Any]]:
        return [
            _event(box, 24 * day - 2, "release_issued", party=party),
            _event(box, 24 * day + 72, "gate_out", party=party, haulier=haulier),
        ]

    boxes = ["MSCU1000017", "MSCU1000022", "MSCU1000038", "MSCU1000043"]
    assert all(iso6346.is_valid(box) for box in boxes)
    regular = [row for n, box in enumerate(boxes[:3])
               for row in unnominated(box, n, "Havre Freight", "Transports Martin")]  # fmt: skip
    odd = unnominated(boxes[3], 5, "Havre Freight", "Transports Dubois")
    newcomer = unnominated(OTHER_BOX, 5, "Nouvelle Logistique", "Vexin Routier")
    [alert] = _run(tmp_path, RELEASE, {"terminal_events": regular + odd + newcomer})
    assert alert.subjects[0].value == boxes[3]
    assert "Transports Dubois never seen in Havre Freight's 3 earlier pick-ups" in alert.reason_en


def test_seal_mismatch_against_the_manifest(tmp_path: Path) -> None:
    """Declared ML-123 456 and CUS99: ML123456 read at discharge matches; ML999 read at a
    check and at the gate does not (one alert, both readings); after an inspection a
    customs seal is not judged; another consignment's manifest is not compared."""
    manifest = _manifest(BOX, "BL1", "ML-123 456;CUS99")
    events = [
        _event(BOX, 0, "discharge", seal="ML123456"),
        _event(BOX, 5, "seal_check", seal="ML999", consignment_id="BL1"),
        _event(BOX, 30, "gate_out", seal="ml-999"),
        _event(OTHER_BOX, 0, "discharge", seal="HL1"),
        _event(OTHER_BOX, 3, "inspection", party="Douane"),
        _event(OTHER_BOX, 4, "seal_check", seal="DOUANE42"),
        _event(OTHER_BOX, 5, "seal_check", seal="XX1", consignment_id="BL-OTHER"),
    ]
    tables = {
        "terminal_events": events,
        "manifests": [manifest, _manifest(OTHER_BOX, "BL2", "HL1")],
    }
    [alert] = _run(tmp_path, SEAL, tables)
    assert [s.value for s in alert.subjects] == [BOX, "ML999"]
    assert "seal ML999 read at the terminal (seal_check 2024-03-05 13:00 UTC, gate_out" in (
        alert.reason_en
    )
    assert "(BL1: ML-123 456;CUS99)" in alert.reason_en
    assert [(e.table, e.key["source_line"]) for e in alert.evidence] == [
        ("terminal_events", 3), ("terminal_events", 4), ("manifests", 2),
    ]  # fmt: skip
    assert alert.score == round(2 / 3, 3)


def test_seal_mismatch_finds_nothing_without_manifests(tmp_path: Path) -> None:
    """An empty manifests table: nothing to compare, no alert; with no manifests at all
    the detector does not run (its inputs are absent) and the release rules still do."""
    events = [_event(BOX, 0, "seal_check", seal="ML999")]
    assert _run(tmp_path / "a", SEAL, {"terminal_events": events, "manifests": []}) == []
    old = _manifest(BOX, "BL1", "ML1", filed=DISCHARGE - timedelta(days=61))
    assert _run(tmp_path / "b", SEAL, {"terminal_events": events, "manifests": [old]}) == []
    assert len(_run(tmp_path / "c", SEAL, {"terminal_events": events, "manifests": [old]},
                    SealThresholds(90))) == 1  # fmt: skip
    ws = Workspace.open(tmp_path / "ws")
    try:
        write_event_tables(ws.events.root, {"terminal_events": _numbered(_visit(BOX, 2))})
        with DuckDBEngine() as engine:
            alerts = run_detectors(ws, engine)
    finally:
        ws.close()
    assert {alert.detector_id for alert in alerts} == {RELEASE}


def _manifest(
    box: str, consignment: str, seals: str, filed: datetime | None = None
) -> dict[str, Any]:
    row = dict.fromkeys(_MANIFEST_FIELDS)
    row.update(consignment_id=consignment, ts=filed or DISCHARGE - timedelta(days=18),
               container=box, seals=seals, source_file="ens.csv")  # fmt: skip
    return row


def test_thresholds_are_checked() -> None:
    with pytest.raises(ValueError, match="max_dwell_minutes"):
        ReleaseThresholds(max_dwell_minutes=0)
    with pytest.raises(ValueError, match="min_prior_pickups"):
        ReleaseThresholds(min_prior_pickups=0)
    with pytest.raises(ValueError, match="max_manifest_age_days"):
        SealThresholds(max_manifest_age_days=0)


def _ingested(home: Path, seed: int) -> tuple[Workspace, Any]:
    world = generate(seed)
    home.mkdir(parents=True)
    write_events(world, home / "terminal.csv")
    write_manifests(world, home / "ens.csv")
    ws = Workspace.open(home / "ws")
    for name, fmt in (("terminal.csv", "terminal"), ("ens.csv", "ens")):
        report = ingest_file(ws, home / name, fmt)
        assert report.rows_quarantined == 0
    return ws, world


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_the_seeded_world_gives_the_planted_answers_and_nothing_else(
    tmp_path: Path, seed: int
) -> None:
    ws, world = _ingested(tmp_path / "world", seed)
    try:
        with DuckDBEngine() as engine:
            alerts = run_detectors(ws, engine, [RELEASE, SEAL])
    finally:
        ws.close()
    assert flagged(alerts, RELEASE) == {world.pin_misuse, world.no_release}
    assert rules_of(alerts, world.pin_misuse) == {
        "pin_other_party", "unexpected_haulier", "fast_pickup"
    }  # fmt: skip
    assert rules_of(alerts, world.no_release) == {"no_release"}
    assert flagged(alerts, SEAL) == {world.rip_off}
    assert len(world.look_alikes) == 6 and len(world.containers) > 150


def _world_tables(seed: int) -> tuple[Tables, TerminalWorld]:
    world = generate(seed, weeks=3, visits_per_day=3)
    events = [
        {**{k: v or None for k, v in vars(e).items() if k != "pin"},
         "pin_digest": pin_digest(e.pin, TEST_KEY) if e.pin else None,
         "source_file": "terminal.csv", "source_line": n}
        for n, e in enumerate(world.events, start=2)
    ]  # fmt: skip
    manifests = [
        {**dict.fromkeys(_MANIFEST_FIELDS), "consignment_id": m.consignment_id, "ts": m.ts,
         "container": m.container, "seals": m.seals, "source_file": "ens.csv", "source_line": n}
        for n, m in enumerate(world.manifests, start=2)
    ]  # fmt: skip
    return {"terminal_events": events, "manifests": manifests}, world


@pytest.mark.spark
def test_same_alerts_on_both_engines(both_engines: BothEngines) -> None:
    tables, world = _world_tables(3)
    released = both_engines(RELEASE, tables)
    assert flagged(released, RELEASE) == {world.pin_misuse, world.no_release}
    sealed = both_engines(SEAL, tables)
    assert flagged(sealed, SEAL) == {world.rip_off}
    inspected = both_engines(SEAL, {**tables, "manifests": []})
    assert inspected == []


def test_scan_through_the_command_line(tmp_path: Path) -> None:
    """``filet scan FILE --format terminal``: the stolen PIN's pick-up, explained, and the
    PIN itself nowhere in the output."""
    path = tmp_path / "terminal.csv"
    rows = [
        [BOX, "2024-03-04T18:00:00", "Release Issued", "TPO", "Transitaire Normand",
         "Transports Martin", "", "", "", "BL1"],
        [BOX, "2024-03-05T09:00:00", "DISCHARGE", "TPO", "", "", "", "", "ML123456", ""],
        [BOX, "2024-03-05T09:30:00", "pin_issued", "TPO", "Transitaire Normand", "", "",
         "483920", "", ""],
        [BOX, "2024-03-05T11:00:00", "gate-out", "TPO", "SARL Transit Express",
         "Transports du Nord", "GH-456-JK", "483920", "", ""],
        ["CSQU3054384", "2024-03-05T11:00:00", "gate_out", "TPO", "", "", "", "111111", "", ""],
    ]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([EVENT_HEADER, *rows])
    target = tmp_path / "alerts.jsonl"
    result = runner.invoke(app, ["scan", str(path), "--format", "terminal", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert "4 stockés / stored, 1 en quarantaine / quarantined" in " ".join(result.output.split())
    [alert] = [json.loads(line) for line in target.read_text().splitlines()]
    assert alert["detector_id"] == RELEASE
    assert "fast_pickup" in alert["reasons"]["en"] and "pin_other_party" in alert["reasons"]["en"]
    assert "out 120 min after discharge" in alert["reasons"]["en"]
    assert f"Pick-up of {BOX}, TPO, 2024-03-05 10:00 UTC" in alert["reasons"]["en"]  # UTC+1
    assert {e["key"]["source_line"] for e in alert["evidence"]} == {2, 3, 4, 5}
    assert "483920" not in target.read_text()


def test_the_digest_is_keyed_by_the_workspace_or_the_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the key, a six-digit PIN is not found by trying them all; two workspaces
    compare PINs only when they share the service's key."""
    first, second = load_pin_key(tmp_path / "a"), load_pin_key(tmp_path / "b")
    assert first != second and load_pin_key(tmp_path / "a") == first
    assert (tmp_path / "a" / "secrets" / "pin.key").stat().st_mode & 0o077 == 0
    assert pin_digest("483920", first) != pin_digest("483920", second)
    unkeyed = {hashlib.sha256(f"{n:06d}".encode()).hexdigest()[:32] for n in range(10**6)}
    assert pin_digest("483920", first).removeprefix("hmac-sha256:") not in unkeyed
    shared = tmp_path / "service.key"
    shared.write_text("0123456789abcdef0123456789abcdef\n")
    monkeypatch.setenv("FILET_PIN_KEY_FILE", str(shared))
    assert load_pin_key(tmp_path / "a") == load_pin_key(tmp_path / "b")
    shared.write_text("short")
    with pytest.raises(PinKeyError, match="16"):
        load_pin_key(tmp_path / "a")


def test_the_pin_is_kept_nowhere(tmp_path: Path) -> None:
    """Stored rows, the quarantine (parsed or not) and the raw text carry the digest."""
    path = tmp_path / "terminal.csv"
    path.write_text(
        ",".join(EVENT_HEADER) + "\n"
        f"{BOX},2024-03-05T09:30:00,pin_issued,TPO,Transitaire Normand,,,483920,,\n"
        f"{BOX},2024-03-05T09:30:00,bogus,TPO,Transitaire Normand,,,483920,,\n"
        "CSQU3054384,2024-03-05T09:30:00,pin_issued,TPO,,,,483920,,\n"
        f"{BOX},2024-03-05T09:30:00,gate_out,TPO,,,,483920\n",
        encoding="utf-8",
    )
    ws = Workspace.open(tmp_path / "ws")
    try:
        report = ingest_file(ws, path, "terminal")
    finally:
        ws.close()
    assert (report.rows_stored, report.rows_quarantined) == (1, 3)
    for stored in (tmp_path / "ws").rglob("*"):
        if stored.is_file():
            assert b"483920" not in stored.read_bytes(), stored
    assert WITHHELD in (tmp_path / "ws" / "filet.db").read_bytes().decode("utf-8", "replace")


def test_a_mistyped_container_is_fixed_in_the_raw_line_and_replayed(tmp_path: Path) -> None:
    """The quarantine names the container column and keeps the line with the PIN's
    digest; the corrected line is checked again, stored, and its PIN still matches."""
    path = tmp_path / "terminal.csv"
    path.write_text(
        ",".join(EVENT_HEADER) + "\n"
        f"{BOX},2024-03-05T09:30:00,pin_issued,TPO,Transitaire Normand,,,483920,,\n"
        "CSQU3054384,2024-03-05T11:00:00,gate_out,TPO,Transitaire Normand,,,483920,,\n",
        encoding="utf-8",
    )
    ws = Workspace.open(tmp_path / "ws")
    key = load_pin_key(ws.home)
    try:
        ingest_file(ws, path, "terminal")
        with ws.db.connect() as conn:
            [held] = list_quarantined(conn)
        assert (held.field, held.record) == ("container", None)
        assert pin_digest("483920", key) in held.raw and "483920," not in held.raw
        with pytest.raises(IngestError, match="chiffre de contrôle"):
            fix_quarantined(ws, held.id, {"raw": held.raw})
        fix_quarantined(ws, held.id, {"raw": held.raw.replace("CSQU3054384", BOX)})
        [outcome] = replay(ws, [held.id])
        assert outcome.stored
        rows = [row for part in ws.events.parts("terminal_events")
                for row in pq.read_table(part).to_pylist()]  # fmt: skip
    finally:
        ws.close()
    digest = pin_digest("483920", key)
    assert {(r["event"], r["container"], r["pin_digest"]) for r in rows} == {
        ("pin_issued", BOX, digest), ("gate_out", BOX, digest),
    }  # fmt: skip


_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n"))


_containers = st.builds(
    lambda owner, serial: owner + "U" + serial + iso6346.calc_check_digit(owner + "U" + serial),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3),
    st.text("0123456789", min_size=6, max_size=6),
)


@settings(max_examples=200, deadline=None)
@given(
    container=st.one_of(_containers, _containers.map(lambda box: f" {box[:4]} {box[4:]}"), _text),
    pin=_text.filter(lambda pin: pin.strip() != ""),
    event=_text,
    party=_text,
)
def test_safe_fields_round_trip_and_digest_once(
    container: str, pin: str, event: str, party: str
) -> None:
    """Whatever the values: the PIN becomes a digest of the same shape, digesting again
    changes nothing, and the rewritten line parses back to the same fields."""
    fields = {"container": container, "pin": pin, "event": event, "party": party}
    with pin_key(TEST_KEY):
        safe = terminal_fields(fields)
        assert safe["pin"].startswith("hmac-sha256:") and len(safe["pin"]) == 44
        assert terminal_fields(safe) == safe
    line = csv_line(list(safe.values()), ",")
    try:
        reparsed = parse_raw("terminal", line, list(safe), ",")
    except RecordError as error:  # a container that is not ISO 6346 is refused, by name
        assert error.field == "container"
        assert not iso6346.is_valid(safe["container"])
        return
    assert reparsed == safe
    assert reparsed["container"] == "" or iso6346.is_valid(reparsed["container"])
