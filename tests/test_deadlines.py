"""Deadlines of special investigative techniques and custody, from their articles of the
code de procédure pénale, recorded in a case through the policy, shown on its page and
listed by the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from filet.cases.deadlines import (
    LEGAL_PERIODS,
    DeadlineError,
    case_deadlines_of,
    record_authorization,
    renew,
    schedule,
)
from filet.cli import app
from filet.security.accounts import get_account
from filet.store import Workspace
from web_support import World, logged_in_client, seed_world

MARCH_10 = datetime(2026, 3, 10, 9, tzinfo=UTC)


def test_a_wiretap_in_an_inquiry_runs_a_month_renewable_once() -> None:
    """Art. 706-95: a month from 10 March ends on 10 April; one renewal to 10 May; none
    after."""
    wiretap = LEGAL_PERIODS["interception-enquete"]
    first = schedule(wiretap, MARCH_10, 0, MARCH_10)
    assert first.ends_at == datetime(2026, 4, 10, 9, tzinfo=UTC)
    assert first.latest_end == datetime(2026, 5, 10, 9, tzinfo=UTC)
    assert first.renewable and not first.expired
    renewed = schedule(wiretap, MARCH_10, 1, datetime(2026, 5, 10, 9, tzinfo=UTC))
    assert renewed.ends_at == renewed.latest_end and not renewed.renewable and renewed.expired
    with pytest.raises(DeadlineError, match="706-95"):
        schedule(wiretap, MARCH_10, 2, MARCH_10)


def test_geolocation_runs_fifteen_days_then_months_up_to_two_years() -> None:
    """Art. 230-33 1°: the prosecutor's 15 days, then the JLD's months, chained from
    the end of the previous period (31 January + 15 days + 1 month: 15 March)."""
    geolocation = LEGAL_PERIODS["geolocalisation-enquete"]
    start = datetime(2026, 1, 31, tzinfo=UTC)
    assert schedule(geolocation, start, 0, start).ends_at == datetime(2026, 2, 15, tzinfo=UTC)
    assert schedule(geolocation, start, 1, start).ends_at == datetime(2026, 3, 15, tzinfo=UTC)
    last = schedule(geolocation, start, 24, start)  # 15 days + 24 months: capped
    assert last.ends_at == last.latest_end == datetime(2028, 1, 31, tzinfo=UTC)
    assert not last.renewable


def test_custody_stops_at_96_hours_and_infiltration_has_no_total() -> None:
    custody = LEGAL_PERIODS["garde-a-vue"]
    assert schedule(custody, MARCH_10, 3, MARCH_10).ends_at == MARCH_10 + timedelta(hours=96)
    with pytest.raises(DeadlineError, match="durée totale"):
        schedule(custody, MARCH_10, 4, MARCH_10)
    infiltration = schedule(LEGAL_PERIODS["infiltration"], MARCH_10, 10, MARCH_10)
    assert infiltration.latest_end is None and infiltration.renewable


@pytest.fixture
def world(sqlite_workspace: Workspace, tmp_path: Path) -> World:
    return seed_world(sqlite_workspace, tmp_path)


def test_recorded_in_a_case_by_its_members_only(workspace: Workspace, tmp_path: Path) -> None:
    """chef-a records and renews a wiretap in case A; chef-b, no member, is refused both
    to record and to read; on SQLite and PostgreSQL."""
    world = seed_world(workspace, tmp_path)
    ws = world.workspace
    now = datetime.now(UTC)
    with ws.db.begin() as conn:
        chief, outsider = get_account(conn, "chef-a"), get_account(conn, "chef-b")
        assert chief is not None and outsider is not None
        wiretap = record_authorization(
            conn, chief, "case-a", "interception-enquete", "06 12 34 56 78", "JLD Marseille",
            now - timedelta(days=3),
        )  # fmt: skip
        renewed = renew(conn, chief, wiretap)
        assert renewed.renewals == 1 and not renewed.schedule.renewable
        with pytest.raises(DeadlineError, match="plus de renouvellement"):
            renew(conn, chief, wiretap)
        with pytest.raises(DeadlineError, match="refusé"):
            record_authorization(conn, outsider, "case-a", "infiltration", "x", "JI", now)
        with pytest.raises(DeadlineError, match="refusé"):
            case_deadlines_of(conn, outsider, "case-a", now)
        [listed] = case_deadlines_of(conn, chief, "case-a", now)
    assert (listed.id, listed.target, listed.renewals) == (wiretap, "06 12 34 56 78", 1)
    client = logged_in_client(world, "chef-a")
    page = client.get("/cases/case-a").text
    assert 'href="#deadlines">Échéances (1)</a>' in page
    assert "CPP art. 706-95" in page and "Dernière période" in page
    [shown] = client.get("/api/cases/case-a").json()["deadlines"]
    assert (shown["technique"], shown["renewals"], shown["renewable"]) == (
        "interception-enquete",
        1,
        False,
    )


def test_the_command_line_records_and_lists(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FILET_DATABASE_URL", f"sqlite:///{tmp_path / 'filet.db'}")
    runner = CliRunner()
    home = ["--home", str(world.workspace.home)]
    added = runner.invoke(
        app,
        ["deadlines", "add", "case-a", "--technique", "garde-a-vue", "--target", "M. X",
         "--by", "OPJ Durand", "--at", "2026-03-10T09:00:00", "--actor", "chef-a", *home],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = runner.invoke(
        app, ["deadlines", "list", "case-a", "--json", "--actor", "chef-a", *home]
    )
    assert listed.exit_code == 0, listed.output
    [row] = json.loads(listed.output)
    assert (row["ends_at"], row["latest_end"]) == (
        "2026-03-11T09:00+00:00",
        "2026-03-14T09:00+00:00",
    )
    assert row["status"] == "échue / expired"
    refused = runner.invoke(app, ["deadlines", "list", "case-a", "--actor", "chef-b", *home])
    assert refused.exit_code == 1 and "refusé" in refused.output
    unknown = runner.invoke(
        app,
        ["deadlines", "add", "case-a", "--technique", "perquisition", "--target", "x",
         "--by", "y", "--at", "2026-03-10", "--actor", "chef-a", *home],
    )  # fmt: skip
    assert unknown.exit_code == 1 and "technique inconnue" in unknown.output
