"""Cross-case linking through ``filet network cross-case``, on SQLite and PostgreSQL: a
seized phone's contact held by another case is shown with its source where the reader
may see that case, and only as whom to call (a deconfliction notice) where not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from filet.cli import app

PASSWORD = "Brise-lames-du-Havre-7\n"
UNTIL = "2099-12-31"


def _entity(entity_id: str, schema: str, **properties: list[str]) -> str:
    return json.dumps({"id": entity_id, "schema": schema, "properties": properties})


CASES = {
    # case, chief, service, dataset, lines
    "2026-117": ("chef.douane", "douane", "douane-117", [
        _entity("d-contact", "Phone", number=["+33 6 12 34 56 78"]),  # in the seized phone
        _entity("d-other", "Phone", number=["+33 6 11 11 11 11"]),
    ]),
    "2026-204": ("chef.ofast", "ofast", "ofast-204", [
        _entity("o-person", "Person", name=["Le Chimiste"], phone=["+33612345678"]),
    ]),
    "2026-300": ("chef.pj", "police-judiciaire", "pj-300", [
        _entity("p-line", "Phone", number=["+33 6 98 76 54 32"]),
        _entity("p-fadette", "Phone", number=["+33612345678"]),
    ]),
}  # fmt: skip


class World:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.runner = CliRunner()

    def ok(self, *args: str, actor: str, stdin: str | None = None) -> Result:
        command = [*args, "--actor", actor, "--home", str(self.home)]
        result = self.runner.invoke(app, command, input=stdin)
        assert result.exit_code == 0, (args, actor, result.output)
        return result

    def links(self, actor: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = json.loads(
            self.ok("network", "cross-case", "--json", actor=actor).stdout
        )
        return found


@pytest.fixture
def world(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("FILET_DATABASE_URL", database_url)
    monkeypatch.delenv("FILET_ACTOR", raising=False)
    built = World(tmp_path / "ws")

    def account(name: str, role: str, service: str) -> None:
        built.ok("accounts", "create", name, "--role", role, "--service", service,
                 "--clearance", "secret", "--display-name", name.upper(), "--password-stdin",
                 actor="admin", stdin=PASSWORD)  # fmt: skip

    account("admin", "administrator", "ofast")
    account("inspection", "inspector", "douane")
    for case, (chief, service, dataset, lines) in CASES.items():
        account(chief, "supervisor", service)
        built.ok("compartments", "create", case, "--title", case, "--until", UNTIL,
                 "--clearance", "secret", actor=chief)  # fmt: skip
        built.ok("compartments", "assign", case, dataset, "--reason", "saisie", actor=chief)
        path = tmp_path / f"{dataset}.ftm.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        built.ok("ingest", str(path), "--format", "ftm", "--dataset", dataset, actor=chief)
    # Customs work 2026-300 with the judicial police; the anti-narcotics case stays closed.
    built.ok("compartments", "grant", "2026-300", "chef.douane", "--reason", "co-saisine",
             "--until", UNTIL, actor="chef.pj")  # fmt: skip
    yield built


def test_contact_shown_where_readable_and_notified_where_not(world: World) -> None:
    [link] = world.links("chef.douane")
    assert (link["kind"], link["value"]) == ("phone", "+33612345678")
    seen = [(s["case"], s["entity_id"], s["source_record"]) for s in link["seen"]]
    assert seen == [
        ("2026-117", "d-contact", "douane-117.ftm.jsonl:1"),
        ("2026-300", "p-fadette", "pj-300.ftm.jsonl:2"),
    ]
    assert link["closed_cases"] == 1
    assert link["contacts"] == [["ofast", "CHEF.OFAST"]]
    told = json.dumps(link)
    for secret in ("Chimiste", "o-person", "ofast-204", "2026-204"):
        assert secret not in told, secret


def test_the_closed_case_owner_is_told_too(world: World) -> None:
    world.links("chef.douane")
    notices = json.loads(world.ok("deconfliction", "notices", "--json", actor="chef.ofast").stdout)
    assert {(n["own_entity"], n["other_service"]) for n in notices} == {
        ("o-person", "douane"),
        ("o-person", "police-judiciaire"),
    }
    [link] = world.links("chef.ofast")
    assert [s["entity_id"] for s in link["seen"]] == ["o-person"]
    assert link["closed_cases"] == 2
    assert sorted(link["contacts"]) == [["douane", "CHEF.DOUANE"], ["police-judiciaire", "CHEF.PJ"]]


def test_the_reading_is_audited_by_entity_ids(world: World) -> None:
    world.links("chef.douane")
    command = ["audit", "list", "--json", "--limit", "1000", "--as", "inspection"]
    result = world.runner.invoke(app, [*command, "--home", str(world.home)])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    [read] = [entry for entry in listed if entry["action"] == "network.cross_case"]
    assert read["actor"] == "chef.douane" and read["results"] == 1
    assert read["objects"] == ["d-contact", "p-fadette"]
    assert "+33612345678" not in json.dumps(read)


def test_text_output_names_cases_and_whom_to_call(world: World) -> None:
    shown = world.ok("network", "cross-case", actor="chef.douane").stdout
    assert "phone +33612345678" in shown and "2026-300: pj-300.ftm.jsonl:2" in shown
    assert "contact CHEF.OFAST (ofast)" in shown


def test_without_accounts_every_dataset_is_a_case(tmp_path: Path) -> None:
    home = str(tmp_path / "ws")
    runner = CliRunner()
    for dataset in ("fadettes-a", "repertoire-b"):
        path = tmp_path / f"{dataset}.ftm.jsonl"
        line = _entity(f"{dataset}-1", "Phone", number=["+33 6 12 34 56 78"])
        path.write_text(line + "\n", encoding="utf-8")
        command = ["ingest", str(path), "--format", "ftm", "--dataset", dataset, "--home", home]
        assert runner.invoke(app, command).exit_code == 0
    result = runner.invoke(app, ["network", "cross-case", "--json", "--home", home])
    assert result.exit_code == 0, result.output
    [link] = json.loads(result.stdout)
    assert [s["case"] for s in link["seen"]] == ["dataset:fadettes-a", "dataset:repertoire-b"]
    assert link["closed_cases"] == 0
