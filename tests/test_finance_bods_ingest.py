"""BODS v0.4 as an ingest format: statements in, bad ones quarantined by line and field,
and ``filet scan --format bods`` reporting beneficial owners with their percentages."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from filet.cli import app
from filet.finance.bods import _located_statements, entity_id
from filet.finance.ownership import beneficial_owners, load_graph
from filet.ingest import ingest_file
from filet.ingest.records import IngestError
from filet.ingest.replay import fix_quarantined, replay
from filet.store import Workspace
from filet.store.tables import quarantine

bods_fixtures = pytest.importorskip("bods_fixtures")


def _write(path: Path, statements: list[object]) -> Path:
    path.write_text(json.dumps(statements, indent=2), encoding="utf-8")
    return path


def _direct() -> list[dict[str, object]]:
    return list(bods_fixtures.load("core/01-direct-ownership").statements)


def test_a_bods_file_ingests_into_owners(workspace: Workspace, tmp_path: Path) -> None:
    report = ingest_file(workspace, _write(tmp_path / "own.json", _direct()), "bods")
    assert (report.rows_read, report.rows_stored, report.rows_quarantined) == (4, 4, 0)
    subject = entity_id("rec-acme-holdings-ltd")
    with workspace.db.begin() as conn:
        (jane,) = beneficial_owners(load_graph(conn, subject), subject).beneficial_owners
    assert jane.party.name == "Jane Smith"
    assert jane.share.low == jane.share.high == 75


def test_a_bad_statement_is_quarantined_with_its_line_and_field(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    statements = _direct()
    person = next(s for s in statements if s["recordType"] == "person")
    broken = dict(person, publicationDetails={"bodsVersion": "0.3"})
    statements[statements.index(person)] = broken
    path = _write(tmp_path / "own.json", statements)
    report = ingest_file(sqlite_workspace, path, "bods")
    assert report.rows_quarantined == 1
    with sqlite_workspace.db.begin() as conn:
        [(line, field, reason)] = conn.execute(
            sa.select(quarantine.c.line, quarantine.c.field, quarantine.c.reason)
        ).all()
    starts = [n for n, text in enumerate(path.read_text().splitlines(), 1) if text == "  {"]
    assert line == starts[statements.index(broken)]
    assert field == "publicationDetails.bodsVersion"
    assert "0.3" in reason


def test_bad_statements_of_a_one_line_file_are_all_kept(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    statements = [{k: v for k, v in s.items() if k != "recordId"} for s in _direct()[:2]]
    path = tmp_path / "own.json"
    path.write_text(json.dumps(statements), encoding="utf-8")  # one line
    assert ingest_file(sqlite_workspace, path, "bods").rows_quarantined == 2
    with sqlite_workspace.db.begin() as conn:
        kept = conn.execute(sa.select(quarantine.c.line, quarantine.c.raw)).all()
    assert len(kept) == 2 and {line for line, _ in kept} == {1}


def test_a_corrected_statement_replays(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    statements = _direct()
    person = next(s for s in statements if s["recordType"] == "person")
    statements[statements.index(person)] = {k: v for k, v in person.items() if k != "recordId"}
    ingest_file(sqlite_workspace, _write(tmp_path / "own.json", statements), "bods")
    with sqlite_workspace.db.begin() as conn:
        [(record_id, field)] = conn.execute(sa.select(quarantine.c.id, quarantine.c.field)).all()
    assert field == "recordId"
    fix_quarantined(sqlite_workspace, record_id, {"raw": json.dumps(person)})
    [outcome] = replay(sqlite_workspace, [record_id])
    assert outcome.stored
    subject = entity_id("rec-acme-holdings-ltd")
    with sqlite_workspace.db.begin() as conn:
        (jane,) = beneficial_owners(load_graph(conn, subject), subject).beneficial_owners
    assert jane.party.name == "Jane Smith"


def test_a_file_that_is_not_a_json_array_is_refused(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "own.json"
    path.write_text('[\n  {"statementId": "a"},\n  {"statementId": \n]', encoding="utf-8")
    with pytest.raises(IngestError, match="line 4"):
        ingest_file(sqlite_workspace, path, "bods")
    path.write_text('{"statementId": "a"}', encoding="utf-8")
    with pytest.raises(IngestError, match="JSON array"):
        ingest_file(sqlite_workspace, path, "bods")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


@given(
    statements=st.lists(st.dictionaries(st.text(max_size=6), json_values), max_size=6),
    indent=st.sampled_from([None, 1, 2, 4]),
)
def test_statements_are_found_with_their_text_and_line(
    statements: list[dict[str, object]], indent: int | None
) -> None:
    text = json.dumps(statements, indent=indent)
    located = list(_located_statements(text, Path("any.json")))
    assert [statement for _, _, statement in located] == statements
    for line, raw, statement in located:
        assert json.loads(raw) == statement
        assert raw.splitlines()[0] in text.splitlines()[line - 1]


def test_scan_reports_beneficial_owners_with_their_percentages(tmp_path: Path) -> None:
    files = []
    for case in bods_fixtures.list_cases():
        files.append(_write(tmp_path / f"{case.replace('/', '-')}.json", []))
        files[-1].write_text(json.dumps(bods_fixtures.load(case).statements), encoding="utf-8")
    owners = tmp_path / "owners.jsonl"
    args = ["scan", *map(str, files), "--format", "bods", "--owners", str(owners)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    reports = {
        line["subject"]: line for line in map(orjson.loads, owners.read_bytes().splitlines())
    }
    acme = reports[entity_id("rec-acme-holdings-ltd")]
    assert acme["beneficial_owners"] == [entity_id("rec-jane-smith-1975")]
    assert (acme["holdings"][0]["share_low"], acme["holdings"][0]["share_high"]) == (75, 75)
    alpha = reports[entity_id("rec-alpha-corp")]
    assert alpha["cycles"] and all(h["share_high"] <= 100 for h in alpha["holdings"])
    assert alpha["subject"] not in alpha["beneficial_owners"]
    opaque = reports[entity_id("rec-opaque-holdings-sa")]
    assert opaque["beneficial_owners"] == []
    assert opaque["declared_unknown"][0]["reason"].startswith(
        "subjectUnableToConfirmOrIdentifyBeneficialOwner"
    )
    printed = CliRunner().invoke(app, ["scan", str(files[0]), "--format", "bods"])
    assert printed.exit_code == 0, printed.output
    assert "Jane Smith" in printed.output and "75.00" in printed.output
