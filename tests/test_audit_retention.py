"""Retention: what outlived its period is erased, what remains stays searchable, and each
erasure is in the audit log without the erased values.

A hand-built world with known answers: one target file from 2022 (past the 2-year FNOS
period on 1 Jan 2026), one from 2025, criminal records from 2021 (20 years), and an
uncategorised OSINT dataset.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from followthemoney import EntityProxy
from typer.testing import CliRunner

from filet.cli import app
from filet.model import Provenance, model
from filet.search import search_entities
from filet.security.audit import Actor
from filet.security.audit.service import verify_workspace
from filet.security.retention import RetentionError, load_rules, purge, uncovered_datasets
from filet.store import Workspace
from filet.store.entities import load_entity, put_entities
from filet.store.tables import audit_entries, entities

NOW = datetime(2026, 1, 1, tzinfo=UTC)
OLD_TARGETS = Provenance(dataset="fnos-2022", collected_at=datetime(2022, 6, 1, tzinfo=UTC))
NEW_TARGETS = Provenance(dataset="fnos-2025", collected_at=datetime(2025, 6, 1, tzinfo=UTC))
RECORDS = Provenance(dataset="taj-extract", collected_at=datetime(2021, 6, 1, tzinfo=UTC))
OFFICER = Actor("dpo", "revue annuelle")


def _person(entity_id: str, name: str) -> EntityProxy:
    person = model.make_entity("Person")
    person.id = entity_id
    person.add("name", name)
    return person


@pytest.fixture
def stored(workspace: Workspace) -> Workspace:
    with workspace.db.begin() as conn:
        put_entities(
            conn,
            [
                (_person("gone", "Karim Benali"), OLD_TARGETS),
                (_person("kept", "Paolo Ferrante"), OLD_TARGETS),
                (_person("kept", "Paolo Ferranti"), NEW_TARGETS),
                (_person("record", "Jean Morel"), RECORDS),
                (_person("osint", "Lina Haddad"), Provenance(dataset="osint")),
            ],
        )
    return workspace


def _ids(conn: sa.Connection, query: str) -> set[str]:
    return {hit.entity_id for hit in search_entities(conn, query)}


def test_expired_values_are_erased_and_recorded(stored: Workspace) -> None:
    with stored.db.begin() as conn:
        done = purge(conn, load_rules(), OFFICER, dry_run=False, now=NOW)
    # Two entities from 2022, each a name and FtM's entity statement: four statements.
    assert [(p.rule.category, p.statements, p.entity_ids) for p in done] == [
        ("cibles-enquetes-stupefiants", 4, ("gone", "kept"))
    ]
    with stored.db.connect() as conn:
        assert load_entity(conn, "gone") is None
        assert "gone" not in set(conn.scalars(sa.select(entities.c.id)))
        kept = load_entity(conn, "kept")
        assert kept is not None and kept.get("name") == ["Paolo Ferranti"]
        assert _ids(conn, "Karim Benali") == set()
        assert "kept" in _ids(conn, "Paolo Ferranti")
        assert "record" in _ids(conn, "Jean Morel")
        (entry,) = conn.scalars(sa.select(audit_entries.c.entry))
    erasure = json.loads(entry)
    assert erasure["category"] == "erasure"
    assert (erasure["data_category"], erasure["erased"]) == ("cibles-enquetes-stupefiants", 4)
    assert erasure["objects"] == ["gone", "kept"]
    assert erasure["legal_basis"].startswith("Arrêté du 11 juillet 2012")
    assert "Benali" not in entry and "Ferrante" not in entry
    assert verify_workspace(stored).ok


def test_a_dry_run_erases_and_records_nothing(stored: Workspace) -> None:
    with stored.db.begin() as conn:
        done = purge(conn, load_rules(), OFFICER, dry_run=True, now=NOW)
    assert [p.statements for p in done] == [4]
    with stored.db.connect() as conn:
        assert load_entity(conn, "gone") is not None
        assert conn.scalar(sa.select(sa.func.count()).select_from(audit_entries)) == 0


def test_uncategorised_datasets_are_listed_and_kept(stored: Workspace) -> None:
    with stored.db.begin() as conn:
        assert uncovered_datasets(conn, load_rules()) == ["osint"]
        purge(conn, load_rules(), OFFICER, dry_run=False, now=datetime(2100, 1, 1, tzinfo=UTC))
        assert load_entity(conn, "osint") is not None
        assert load_entity(conn, "record") is None  # 20 years later


def test_a_bad_table_names_the_file_entry_and_field(tmp_path: Path) -> None:
    policy = tmp_path / "retention.yaml"
    policy.write_text(
        "- category: a\n  purpose: b\n  datasets: [x]\n  legal_basis: c\n", encoding="utf-8"
    )
    with pytest.raises(RetentionError, match=r"retention.yaml: .*category 1.*'retention_days'"):
        load_rules(policy)


def test_the_command_line_lists_the_table_and_dry_runs(tmp_path: Path) -> None:
    home = ["--home", str(tmp_path / "ws")]
    opened = Workspace.open(tmp_path / "ws")
    with opened.db.begin() as conn:
        put_entities(conn, [(_person("gone", "Karim Benali"), OLD_TARGETS)])
    opened.close()
    listed = CliRunner().invoke(app, ["retention", "list", "--json", *home])
    assert listed.exit_code == 0, listed.output
    categories = [rule["category"] for rule in json.loads(listed.stdout)["rules"]]
    assert categories == ["cibles-enquetes-stupefiants", "antecedents-judiciaires"]
    dry = CliRunner().invoke(app, ["retention", "run", "--dry-run", "--json", *home])
    assert dry.exit_code == 0, dry.output
    assert [item["statements"] for item in json.loads(dry.stdout)["purged"]] == [2]
