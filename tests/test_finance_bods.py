"""Every case of the ``bods-v04-fixtures`` package (Open Ownership BODS v0.4 fixtures,
code MIT, fixtures CC-BY-SA 4.0), imported into a workspace and queried for owners.

Each case's expectations are those of its ``.expected.md``: one hop and 75 % from Acme
to Jane, both interest types kept; the circular pair terminates, never sums past 100 %
and never returns an entity as its own owner; the declared-unknown owner keeps its
reason code and no placeholder person is made.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from filet.cli import app
from filet.finance.bods import BodsError, entity_id, to_entities
from filet.finance.bods_export import to_statements
from filet.finance.ownership import Report, beneficial_owners, load_graph
from filet.model import Provenance, model
from filet.store import Workspace
from filet.store.entities import iter_entities, put_entities

bods_fixtures = pytest.importorskip("bods_fixtures")

BODS = Provenance(dataset="bods-fixtures")


def _import(ws: Workspace, case: str) -> None:
    with ws.db.begin() as conn:
        put_entities(conn, [(p, BODS) for p, _ in to_entities(bods_fixtures.load(case).statements)])


def _owners(ws: Workspace, record_id: str) -> Report:
    with ws.db.begin() as conn:
        subject = entity_id(record_id)
        return beneficial_owners(load_graph(conn, subject), subject)


def _schemata(ws: Workspace) -> list[str]:
    with ws.db.begin() as conn:
        return sorted(entity.schema.name for entity in iter_entities(conn))


def direct_ownership(ws: Workspace) -> None:
    report = _owners(ws, "rec-acme-holdings-ltd")
    (jane,) = report.beneficial_owners
    assert jane.party.id == entity_id("rec-jane-smith-1975")
    assert jane.share.low == jane.share.high == 75
    assert jane.chains == ((entity_id("rec-acme-holdings-ltd"), jane.party.id),)
    assert _schemata(ws) == ["Company", "Ownership", "Ownership", "Person"]
    with ws.db.begin() as conn:
        kinds = sorted(e.first("ownershipType") or "" for e in iter_entities(conn, "Ownership"))
    assert kinds == ["shareholding", "votingRights"]


def circular_ownership(ws: Workspace) -> None:
    for record in ("rec-alpha-corp", "rec-beta-corp"):
        report = _owners(ws, record)
        assert not report.beneficial_owners
        assert report.cycles
        assert entity_id(record) not in {h.party.id for h in report.holdings}
        assert all(h.share.high <= 100 for h in report.holdings)
    assert _schemata(ws) == ["Company", "Company", "Ownership", "Ownership"]


def anonymous_person(ws: Workspace) -> None:
    report = _owners(ws, "rec-opaque-holdings-sa")
    ((subject, reason),) = report.declared_unknown
    assert subject == entity_id("rec-opaque-holdings-sa")
    assert reason.startswith("subjectUnableToConfirmOrIdentifyBeneficialOwner — The subject")
    assert not report.missing and not report.holdings
    assert "Person" not in _schemata(ws)


EXPECTATIONS: dict[str, Callable[[Workspace], None]] = {
    "core/01-direct-ownership": direct_ownership,
    "edge-cases/10-circular-ownership": circular_ownership,
    "edge-cases/11-anonymous-person": anonymous_person,
}


def test_every_fixture_case_has_its_expectations() -> None:
    assert sorted(EXPECTATIONS) == bods_fixtures.list_cases()


@pytest.mark.parametrize("case", sorted(EXPECTATIONS))
def test_fixture_case(case: str, workspace: Workspace) -> None:
    _import(workspace, case)
    EXPECTATIONS[case](workspace)


@pytest.mark.parametrize("case", sorted(EXPECTATIONS))
def test_import_is_stable(case: str) -> None:
    statements = bods_fixtures.load(case).statements
    first, again = to_entities(statements), to_entities(statements)
    assert [p.id for p, _ in first] == [p.id for p, _ in again]
    assert {s for _, s in first} <= set(bods_fixtures.load(case).statement_ids)


def test_a_statement_of_another_version_is_refused() -> None:
    statements = json.loads(json.dumps(bods_fixtures.load("core/01-direct-ownership").statements))
    statements[1]["publicationDetails"]["bodsVersion"] = "0.4.0"
    with pytest.raises(BodsError, match=r"statement 1: field 'publicationDetails\.bodsVersion'"):
        to_entities(statements)


def test_cli_imports_a_bods_file_then_finds_the_owner(tmp_path: Path) -> None:
    source = tmp_path / "acme.json"
    source.write_text(json.dumps(bods_fixtures.load("core/01-direct-ownership").statements))
    home = tmp_path / "home"
    runner = CliRunner()
    imported = runner.invoke(app, ["finance", "import-bods", str(source), "--home", str(home)])
    assert imported.exit_code == 0, imported.output
    subject = entity_id("rec-acme-holdings-ltd")
    shown = runner.invoke(app, ["finance", "owners", subject, "--json", "--home", str(home)])
    assert json.loads(shown.output)["beneficial_owners"] == [entity_id("rec-jane-smith-1975")]


def _as_dicts(statements: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted(
        (p.id or "", p.schema.name, json.dumps(p.to_dict()["properties"], sort_keys=True))
        for p, _ in to_entities(statements)
    )


@pytest.mark.parametrize("case", sorted(EXPECTATIONS))
def test_export_round_trips_every_case(case: str) -> None:
    fixture = bods_fixtures.load(case)
    exported = to_statements([p for p, _ in to_entities(fixture.statements)], "2026-11-26")
    assert _as_dicts(exported) == _as_dicts(fixture.statements)
    assert {s["publicationDetails"]["bodsVersion"] for s in exported} == {"0.4"}
    assert exported == to_statements([p for p, _ in to_entities(fixture.statements)], "2026-11-26")
    kinds = sorted(str(s["recordType"]) for s in exported)
    assert kinds == sorted(str(s["recordType"]) for s in fixture.statements)


def test_export_keeps_interests_record_ids_and_the_unknown_reason() -> None:
    acme = bods_fixtures.load("core/01-direct-ownership")
    (relationship,) = [
        s
        for s in to_statements([p for p, _ in to_entities(acme.statements)], "2026-11-26")
        if s["recordType"] == "relationship"
    ]
    assert relationship["recordId"] == "rec-rel-jane-acme"
    interests = relationship["recordDetails"]["interests"]
    assert [(i["type"], i["share"], i["beneficialOwnershipOrControl"]) for i in interests] == [
        ("shareholding", {"exact": 75}, True),
        ("votingRights", {"exact": 75}, True),
    ]
    opaque = bods_fixtures.load("edge-cases/11-anonymous-person")
    exported = to_statements([p for p, _ in to_entities(opaque.statements)], "2026-11-26")
    (unknown,) = [s for s in exported if s["recordType"] == "relationship"]
    party = unknown["recordDetails"]["interestedParty"]
    assert party["reason"] == "subjectUnableToConfirmOrIdentifyBeneficialOwner"
    assert party["description"].startswith("The subject entity has reported")


def test_export_leaves_out_parties_without_holdings() -> None:
    bystander = model.make_entity("Person")
    bystander.id = "temoin"
    bystander.add("name", "Témoin Sans Parts")
    acme = [p for p, _ in to_entities(bods_fixtures.load("core/01-direct-ownership").statements)]
    exported = to_statements([*acme, bystander], "2026-11-26")
    assert "temoin" not in {s["recordId"] for s in exported}


def test_cli_exports_the_workspace_as_bods(tmp_path: Path) -> None:
    source, out, home = tmp_path / "in.json", tmp_path / "out.json", tmp_path / "home"
    source.write_text(json.dumps(bods_fixtures.load("edge-cases/10-circular-ownership").statements))
    runner = CliRunner()
    imported = runner.invoke(app, ["finance", "import-bods", str(source), "--home", str(home)])
    assert imported.exit_code == 0, imported.output
    result = runner.invoke(app, ["finance", "export-bods", str(out), "--home", str(home)])
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(s["recordId"] for s in exported if s["recordType"] == "relationship") == [
        "rec-rel-alpha-owns-beta",
        "rec-rel-beta-owns-alpha",
    ]
