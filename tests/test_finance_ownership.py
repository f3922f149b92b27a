"""Beneficial owners through chains of holdings, on small graphs with known answers.

Effective shares are products along chains summed over chains (the 25 % rule of EU
Directive 2015/849 art. 3(6) and CMF art. R.561-1 reads "more than 25 %").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from filet.cli import app
from filet.finance import ownership
from filet.finance.ownership import (
    DECLARED_UNKNOWN,
    Report,
    Share,
    beneficial_owners,
    load_graph,
    parse_percentage,
)
from filet.model import Provenance, model
from filet.store import Workspace
from filet.store.entities import put_entities

REGISTRY = Provenance(dataset="registre")


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("75", Share(75, 75)),
        ("12,5 %", Share(12.5, 12.5)),
        ("33.33%", Share(33.33, 33.33)),
        ("25-50%", Share(25, 50)),
        ("> 25 %", Share(25, 100)),
        ("plus de 50 %", Share(50, 100)),
        ("la moitié", None),
        ("150%", None),
    ],
)
def test_percentages_are_read_as_intervals(text: str, share: Share | None) -> None:
    assert parse_percentage(text) == share


def _put(ws: Workspace, parties: dict[str, str], holdings: list[tuple[Any, ...]]) -> None:
    """``parties``: id -> schema; ``holdings``: (owner, asset, percentage[, kind])."""
    entities = []
    for party_id, schema in parties.items():
        proxy = model.make_entity(schema.split(":")[0])
        proxy.id = party_id
        proxy.add("name", party_id.title())
        if schema.endswith(":declared"):
            proxy.add("notes", f"{DECLARED_UNKNOWN}subjectUnableToConfirmOrIdentifyBeneficialOwner")
        entities.append(proxy)
    for number, (owner, asset, percentage, *kind) in enumerate(holdings):
        edge = model.make_entity("Ownership")
        edge.id = f"own-{number}"
        edge.add("owner", owner)
        edge.add("asset", asset)
        edge.add("percentage", percentage)
        edge.add("ownershipType", kind[0] if kind else "shareholding")
        entities.append(edge)
    with ws.db.begin() as conn:
        put_entities(conn, [(proxy, REGISTRY) for proxy in entities])


def _owners(ws: Workspace, subject: str, threshold: float = 25.0) -> Report:
    with ws.db.begin() as conn:
        return beneficial_owners(load_graph(conn, subject), subject, threshold)


def test_shares_multiply_along_chains_and_add_over_chains(workspace: Workspace) -> None:
    _put(
        workspace,
        {"cible": "Company", "holding": "Company", "paul": "Person", "rita": "Person"},
        [
            ("paul", "cible", "20"),
            ("holding", "cible", "80"),
            ("paul", "holding", "10"),
            ("rita", "holding", "90"),
        ],
    )
    report = _owners(workspace, "cible")
    shares = {h.party.id: h.share.low for h in report.holdings}
    assert shares == pytest.approx({"holding": 80, "rita": 72, "paul": 28})
    assert [h.party.id for h in report.beneficial_owners] == ["rita", "paul"]


def test_a_cycle_terminates_and_no_entity_owns_itself(sqlite_workspace: Workspace) -> None:
    # bods-v04-fixtures edge-cases/10: Alpha and Beta own each other 100 %.
    _put(
        sqlite_workspace,
        {"alpha": "Company", "beta": "Company"},
        [("alpha", "beta", "100"), ("beta", "alpha", "100")],
    )
    report = _owners(sqlite_workspace, "alpha")
    assert [h.party.id for h in report.holdings] == ["beta"]
    assert report.holdings[0].share.high == 100
    assert report.cycles == (("alpha", "beta", "alpha"),)
    assert not report.beneficial_owners


def test_a_cross_holding_is_counted_once(sqlite_workspace: Workspace) -> None:
    # S: 60 % Paul, 40 % C; C: 50 % held back by S, 50 % Quentin.
    _put(
        sqlite_workspace,
        {"s": "Company", "c": "Company", "paul": "Person", "quentin": "Person"},
        [("paul", "s", "60"), ("c", "s", "40"), ("s", "c", "50"), ("quentin", "c", "50")],
    )
    report = _owners(sqlite_workspace, "s")
    shares = {h.party.id: h.share.low for h in report.holdings}
    assert shares == pytest.approx({"paul": 60, "c": 40, "quentin": 20})
    assert report.cycles == (("s", "c", "s"),)
    assert [h.party.id for h in report.beneficial_owners] == ["paul"]


def test_exactly_the_threshold_is_not_more_than_it(sqlite_workspace: Workspace) -> None:
    _put(sqlite_workspace, {"cible": "Company", "paul": "Person"}, [("paul", "cible", "25")])
    assert not _owners(sqlite_workspace, "cible").beneficial_owners
    assert _owners(sqlite_workspace, "cible", threshold=10).beneficial_owners[0].status == "above"


def test_ranges_and_unknown_shares_are_possible_owners(sqlite_workspace: Workspace) -> None:
    _put(
        sqlite_workspace,
        {"cible": "Company", "paul": "Person", "rita": "Person", "zoe": "Person"},
        [("paul", "cible", "20-30%"), ("rita", "cible", None), ("zoe", "cible", "beaucoup")],
    )
    report = _owners(sqlite_workspace, "cible")
    statuses = {h.party.id: (h.status, h.share) for h in report.holdings}
    assert statuses["paul"] == ("possible", Share(20, 30))
    assert statuses["rita"] == ("possible", Share(0, 100))
    assert report.unreadable == (("own-2", "beaucoup"),)


def test_shares_and_votes_of_one_owner_count_once(sqlite_workspace: Workspace) -> None:
    _put(
        sqlite_workspace,
        {"cible": "Company", "paul": "Person"},
        [("paul", "cible", "75", "shareholding"), ("paul", "cible", "75", "votingRights")],
    )
    assert _owners(sqlite_workspace, "cible").holdings[0].share == Share(75, 75)


def test_declared_unknown_is_not_missing(sqlite_workspace: Workspace) -> None:
    _put(sqlite_workspace, {"opaque": "Company:declared", "vide": "Company"}, [])
    declared, empty = _owners(sqlite_workspace, "opaque"), _owners(sqlite_workspace, "vide")
    assert declared.declared_unknown == (
        ("opaque", "subjectUnableToConfirmOrIdentifyBeneficialOwner"),
    )
    assert not declared.missing
    assert empty.missing and not empty.declared_unknown


def test_a_chain_ending_in_a_company_without_owners_is_unresolved(
    sqlite_workspace: Workspace,
) -> None:
    _put(
        sqlite_workspace,
        {"cible": "Company", "offshore": "Company"},
        [("offshore", "cible", "100")],
    )
    assert _owners(sqlite_workspace, "cible").unresolved == ("offshore",)


def test_cli_prints_owners_as_json(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ws = Workspace.open(home)
    _put(ws, {"cible": "Company", "paul": "Person"}, [("paul", "cible", "40 %")])
    ws.close()
    result = CliRunner().invoke(app, ["finance", "owners", "cible", "--json", "--home", str(home)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["beneficial_owners"] == ["paul"]
    assert data["holdings"][0]["share_low"] == 40
    assert data["missing"] is False


def test_the_chain_bound_flags_a_truncated_walk(
    sqlite_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    parties = {"cible": "Company", "a": "Company", "b": "Company", "paul": "Person"}
    holdings = [("a", "cible", "50"), ("b", "cible", "50"), ("paul", "a", "100")]
    _put(sqlite_workspace, parties, [*holdings, ("paul", "b", "100")])
    assert not _owners(sqlite_workspace, "cible").truncated
    monkeypatch.setattr(ownership, "MAX_CHAINS", 2)
    report = _owners(sqlite_workspace, "cible")
    assert report.truncated
    # Paul is reached through a, not through b: 50 % of his 100 %, a lower bound.
    assert {h.party.id: h.share.low for h in report.holdings} == {"a": 50, "b": 50, "paul": 50}
