"""Brokerage roles (Gould & Fernandez 1989) on relays whose groups are known, in the
broker alert, and through ``filet network roles``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from filet.alerts import get_detector
from filet.cli import app
from filet.demo.network import generate, write_cdr
from filet.engine.duckdb_engine import DuckDBEngine
from filet.model.identifiers import phone
from filet.network.brokerage import Brokerage, Role, brokerage_roles
from filet.store import Workspace


def _roles_of_v(groups: tuple[int, int, int]) -> dict[Role, int]:
    a, v, c = groups
    found = brokerage_roles([("a", "v"), ("v", "c")], {"a": a, "v": v, "c": c})
    return found["v"].counts


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        ((0, 0, 0), Role.COORDINATOR),
        ((0, 1, 0), Role.ITINERANT),
        ((0, 1, 1), Role.GATEKEEPER),  # v in c's group: gatekeeper in G&F's terms
        ((0, 0, 1), Role.GATEKEEPER),  # v in a's group: representative
        ((0, 1, 2), Role.LIAISON),
    ],
)
def test_each_role_from_the_three_groups(groups: tuple[int, int, int], role: Role) -> None:
    assert _roles_of_v(groups) == {role: 1}


def test_ends_who_call_each_other_need_no_broker() -> None:
    groups = {"a": 0, "v": 1, "c": 2}
    closed = brokerage_roles([("a", "v"), ("v", "c"), ("c", "a")], groups)
    assert closed["v"].counts == {}


def test_direction_repeats_and_self_calls_do_not_count() -> None:
    """A call is a tie either way; ten calls are one tie; calling oneself is no tie."""
    groups = {"a": 0, "v": 1, "c": 2}
    calls = [("v", "a")] * 10 + [("c", "v"), ("v", "v"), ("a", "a")]
    assert brokerage_roles(calls, groups)["v"].counts == {Role.LIAISON: 1}
    assert brokerage_roles(calls, groups)["a"].counts == {}


def test_a_hub_between_two_cells_counts_every_pair_of_ends() -> None:
    """v talks to two members of cell 0 and three of cell 1 (v in cell 1); members of a
    cell talk among themselves. Open relays: 2 x 3 across (gatekeeper/representative),
    none inside the cells (they are closed)."""
    cell0, cell1 = ["x1", "x2"], ["y1", "y2", "y3"]
    calls = [("v", member) for member in cell0 + cell1]
    calls += [("x1", "x2"), ("y1", "y2"), ("y2", "y3"), ("y1", "y3")]
    groups = {"v": 1} | dict.fromkeys(cell0, 0) | dict.fromkeys(cell1, 1)
    found = brokerage_roles(calls, groups)["v"]
    assert found.counts == {Role.GATEKEEPER: 6}
    assert (found.total, found.between_groups) == (6, 6)


def test_main_roles_most_first_then_in_role_order() -> None:
    tied = Brokerage("v", {Role.LIAISON: 2, Role.COORDINATOR: 2, Role.ITINERANT: 5})
    assert tied.main_roles() == [(Role.ITINERANT, 5), (Role.COORDINATOR, 2)]
    assert Brokerage("w").main_roles() == []


SEED = 7


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("brokerage")
    write_cdr(generate(SEED), folder / "fadettes.csv", SEED)
    home = folder / "home"
    command = ["ingest", str(folder / "fadettes.csv"), "--format", "cdr", "--home", str(home)]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    return home


def test_broker_alert_gives_the_planted_brokers_roles(home: Path) -> None:
    """The demo's broker joins the second cell and the supplier cell: his relays are
    across groups, and the alert says which."""
    broker = phone.normalize(generate(SEED).broker)
    ws = Workspace.open(home)
    try:
        with DuckDBEngine() as engine:
            ws.events.register(engine)
            alerts = get_detector("network.broker").run(engine)
    finally:
        ws.close()
    [alert] = [a for a in alerts if a.subjects[0].value == broker]
    assert "relays (Gould & Fernandez): gatekeeper/representative" in alert.reason_en
    assert "relais (Gould & Fernandez) : portier/représentant" in alert.reason_fr
    assert alert.detector_version == "2"


def test_cli_roles_puts_the_broker_first(home: Path) -> None:
    broker = phone.normalize(generate(SEED).broker)
    result = CliRunner().invoke(app, ["network", "roles", "--json", "--home", str(home)])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown[0]["name"] == broker
    assert shown[0]["gatekeeper/representative"] + shown[0]["itinerant"] > 0
    table = CliRunner().invoke(app, ["network", "roles", "--top", "3", "--home", str(home)])
    assert table.exit_code == 0 and broker in table.stdout
