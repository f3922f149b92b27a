"""The command line in a workspace with accounts: every read goes through the policy.

Two services each open a case (compartment) holding one dataset ingested from a small
FtM file; the second case also holds AIS positions, on which the detectors find gaps.
An analyst of the first case must not see anything of the second, whatever command
asks: entity show, search by name and by identifier, export, alerts, quarantine,
detection. An administrator who is member of neither sees neither; a disabled or
unknown actor is refused; every decision is in the audit log. Runs on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from filet.cli import app
from filet.demo.world import generate

PASSWORD = "Brise-lames-du-Havre-7\n"
UNTIL = "2099-12-31"
IMO_B = "9074729"


def _entity(entity_id: str, schema: str, **properties: list[str]) -> str:
    return json.dumps({"id": entity_id, "schema": schema, "properties": properties})


# Case A: a person and a vessel known to both cases under different names.
FILE_A = [
    _entity("a-alice", "Person", name=["Alice Martinez"]),
    _entity("shared-vessel", "Vessel", name=["Charlie Horizon"]),
]
# Case B: its own vessel, the shared vessel's other name, and one unreadable line.
FILE_B = [
    _entity("b-bravo", "Vessel", name=["Bravo Star"], imoNumber=[IMO_B]),
    _entity("shared-vessel", "Vessel", alias=["Delta Secretum"]),
    "{ceci n'est pas du JSON",
]


@dataclass
class World:
    home: Path
    runner: CliRunner
    gaps_b: int

    def run(self, *args: str, actor: str | None = None, stdin: str | None = None) -> Result:
        acting = ["--actor", actor] if actor is not None else []
        return self.runner.invoke(app, [*args, *acting, "--home", str(self.home)], input=stdin)

    def ok(self, *args: str, actor: str | None = None, stdin: str | None = None) -> Result:
        result = self.run(*args, actor=actor, stdin=stdin)
        assert result.exit_code == 0, (args, actor, result.output)
        return result

    def audit(self) -> list[dict[str, object]]:
        reading = ["audit", "list", "--json", "--limit", "10000", "--as", "insp"]
        listed = self.runner.invoke(app, [*reading, "--home", str(self.home)])
        assert listed.exit_code == 0, listed.output
        entries: list[dict[str, object]] = json.loads(listed.stdout)
        return entries


@pytest.fixture
def world(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("FILET_DATABASE_URL", database_url)
    monkeypatch.delenv("FILET_ACTOR", raising=False)
    built = World(tmp_path / "ws", CliRunner(), 0)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "case-a.ftm.jsonl").write_text("\n".join(FILE_A) + "\n", encoding="utf-8")
    (inputs / "case-b.ftm.jsonl").write_text("\n".join(FILE_B) + "\n", encoding="utf-8")
    ocean = generate(seed=11)
    ais = ocean.write(tmp_path / "ocean")["ais"].rename(inputs / "case-b-ais.csv")
    built.gaps_b = len(ocean.planted_gaps)

    def account(name: str, role: str, service: str, *extra: str) -> None:
        built.ok("accounts", "create", name, "--role", role, "--service", service,
                 "--password-stdin", *extra, actor="admin", stdin=PASSWORD)  # fmt: skip

    account("admin", "administrator", "ofast")
    account("chef-a", "supervisor", "douane", "--clearance", "secret")
    account("chef-b", "supervisor", "ofast", "--clearance", "secret")
    account("ana-a", "analyst", "douane", "--clearance", "secret")
    account("inv-a", "investigator", "douane", "--clearance", "secret")
    account("ana-x", "analyst", "douane", "--clearance", "secret")
    account("insp", "inspector", "douane")
    for case, chief, dataset in (("case-a", "chef-a", "ds-a"), ("case-b", "chef-b", "ds-b")):
        built.ok("compartments", "create", case, "--title", case, "--until", UNTIL,
                 "--clearance", "secret", actor=chief)  # fmt: skip
        built.ok("compartments", "assign", case, dataset, "--reason", "saisie", actor=chief)
    for member in ("ana-a", "inv-a", "ana-x"):
        built.ok("compartments", "grant", "case-a", member, "--reason", "enquête",
                 "--until", UNTIL, actor="chef-a")  # fmt: skip
    built.ok("ingest", str(inputs / "case-a.ftm.jsonl"), "--format", "ftm",
             "--dataset", "ds-a", actor="ana-a")  # fmt: skip
    built.ok("ingest", str(inputs / "case-b.ftm.jsonl"), "--format", "ftm",
             "--dataset", "ds-b", actor="chef-b")  # fmt: skip
    built.ok("ingest", str(ais), "--format", "marinecadastre", "--dataset", "ds-b",
             actor="chef-b")  # fmt: skip
    built.ok("detect", "maritime.ais_gap", actor="chef-b")
    built.ok("accounts", "disable", "ana-x", actor="admin")
    yield built


def _said(result: Result) -> str:
    """The output with the terminal's line wrapping undone."""
    return " ".join(result.output.split())


def _hits(world: World, query: str, actor: str, *extra: str) -> list[str]:
    found = world.ok("entity", "search", query, "--json", *extra, actor=actor)
    return [hit["entity_id"] for hit in json.loads(found.stdout)]


def _exported(world: World, actor: str, format: str = "statements") -> str:
    return world.ok("export", "--format", format, "--handling-max", "H3", actor=actor).stdout


def _alerts(world: World, actor: str) -> list[dict[str, object]]:
    listed = world.ok("alerts", "--format", "jsonl", actor=actor)
    return [json.loads(line) for line in listed.stdout.splitlines()]


def test_analyst_sees_nothing_of_the_other_case(world: World) -> None:
    refused = world.run("entity", "show", "b-bravo", actor="ana-a")
    absent = world.run("entity", "show", "no-such-id", actor="ana-a")
    assert refused.exit_code == absent.exit_code == 1
    assert refused.output.replace("b-bravo", "X") == absent.output.replace("no-such-id", "X")
    assert _hits(world, "Bravo Star", "ana-a") == []
    assert _hits(world, IMO_B, "ana-a", "--kind", "imo") == []
    assert _hits(world, "Delta Secretum", "ana-a") == []  # B's alias of a shared entity
    assert _hits(world, "Bravo Star", "chef-b")[0] == "b-bravo"
    assert _hits(world, IMO_B, "chef-b", "--kind", "imo") == ["b-bravo"]


def test_shared_entity_shows_only_the_readers_values(world: World) -> None:
    shown = json.loads(world.ok("entity", "show", "shared-vessel", "--json", actor="ana-a").stdout)
    assert [(v["prop"], v["value"], v["dataset"]) for v in shown["values"]] == [
        ("name", "Charlie Horizon", "ds-a")
    ]
    found = json.loads(world.ok("entity", "search", "Charlie Horizon", "--json",
                                actor="ana-a").stdout)  # fmt: skip
    assert [(hit["entity_id"], hit["caption"]) for hit in found] == [
        ("shared-vessel", "Charlie Horizon")
    ]


def test_export_carries_only_the_exporters_datasets(world: World) -> None:
    statements = [json.loads(line) for line in _exported(world, "inv-a").splitlines()]
    assert {row["dataset"] for row in statements} == {"ds-a"}
    assert {row["entity_id"] for row in statements} == {"a-alice", "shared-vessel"}
    entities = _exported(world, "inv-a", "ftm")
    assert "Bravo" not in entities and "Delta" not in entities and IMO_B not in entities
    assert world.run("export", actor="ana-a").exit_code == 1  # analysts may not export
    disclosures = [e for e in world.audit() if e["category"] == "disclosure"]
    assert [(e["actor"], e["records"]) for e in disclosures] == [
        ("inv-a", len(entities.splitlines())),
        ("inv-a", len(statements)),
    ]


def test_alerts_follow_their_evidence(world: World) -> None:
    assert len(_alerts(world, "chef-b")) == world.gaps_b > 0
    assert _alerts(world, "ana-a") == []
    alert_id = str(_alerts(world, "chef-b")[0]["id"])
    triaged = world.run("triage", alert_id[:10], "dismissed", actor="ana-a")
    assert triaged.exit_code == 1 and "aucune alerte" in _said(triaged)
    world.ok("triage", alert_id[:10], "escalated", actor="chef-b")
    # The analyst's own detection reads none of case B's positions.
    detected = json.loads(world.ok("detect", "--json", actor="ana-a").stdout)
    assert detected["detectors"] == []


def test_quarantine_of_the_other_case_reads_as_absent(world: World) -> None:
    theirs = json.loads(world.ok("quarantine", "list", "--json", actor="chef-b").stdout)
    assert [record["line"] for record in theirs] == [3]
    assert json.loads(world.ok("quarantine", "list", "--json", actor="ana-a").stdout) == []
    shown = world.run("quarantine", "show", theirs[0]["id"][:12], actor="ana-a")
    assert shown.exit_code == 1 and "identifiant inconnu / unknown id" in _said(shown)
    dropped = world.run("quarantine", "drop", theirs[0]["id"], "--reason", "x", actor="ana-a")
    assert dropped.exit_code == 1


def test_administrator_without_membership_sees_neither_case(world: World) -> None:
    assert world.run("entity", "show", "a-alice", actor="admin").exit_code == 1
    assert _hits(world, "Alice Martinez", "admin") == []
    assert _hits(world, "Bravo Star", "admin") == []
    assert _alerts(world, "admin") == []


def test_writes_need_the_right_to_the_dataset(world: World, tmp_path: Path) -> None:
    extra = tmp_path / "more.ftm.jsonl"
    extra.write_text(_entity("a-bob", "Person", name=["Bob Durand"]) + "\n", encoding="utf-8")
    refused = world.run("ingest", str(extra), "--format", "ftm", "--dataset", "ds-b",
                        actor="ana-a")  # fmt: skip
    assert refused.exit_code == 1 and "refusé / denied: ds-b" in _said(refused)
    assert _hits(world, "Bob Durand", "chef-b") == []


def test_unknown_and_disabled_actors_are_refused_and_audited(world: World) -> None:
    disabled = world.run("entity", "search", "Alice", actor="ana-x")
    unknown = world.run("alerts", actor="nobody")
    assert disabled.exit_code == unknown.exit_code == 1
    assert "compte désactivé / account 'ana-x' is disabled" in _said(disabled)
    assert "compte inconnu / no account named 'nobody'" in _said(unknown)
    assert world.run("entity", "show", "a-alice").exit_code == 1  # no --actor: the OS user
    assert world.run("entity", "show", "b-bravo", actor="ana-a").exit_code == 1
    world.ok("entity", "show", "b-bravo", actor="chef-b")
    decisions = [e for e in world.audit() if e["category"] == "authorization"]
    refusals = {(e["actor"], e["action"]) for e in decisions if not e["allowed"]}
    assert {("ana-x", "policy.actor"), ("nobody", "policy.actor")} <= refusals
    shows = [(e["actor"], e["allowed"]) for e in decisions if e["objects"] == ["entity:b-bravo"]]
    assert shows == [("chef-b", True), ("ana-a", False)]  # newest first
    assert world.run("audit", "list", "--as", "ana-a", "--home", str(world.home)).exit_code == 1


def test_actor_from_the_environment(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FILET_ACTOR", "chef-b")
    found = world.runner.invoke(
        app, ["entity", "search", IMO_B, "--json", "--home", str(world.home)]
    )
    assert [hit["entity_id"] for hit in json.loads(found.stdout)] == ["b-bravo"]


def test_ownership_chains_stop_at_what_the_reader_may_see(world: World, tmp_path: Path) -> None:
    """Alice holds 60 % of a front company in case A; case B knows a 40 % holder."""
    holdings = {
        "ds-a": [
            _entity("a-front", "Company", name=["Front Négoce SARL"]),
            _entity("own-a", "Ownership", owner=["a-alice"], asset=["a-front"], percentage=["60"]),
        ],
        "ds-b": [
            _entity("b-boss", "Person", name=["Victor Secretum"]),
            _entity("own-b", "Ownership", owner=["b-boss"], asset=["a-front"], percentage=["40"]),
        ],
    }
    for dataset, actor in (("ds-a", "ana-a"), ("ds-b", "chef-b")):
        path = tmp_path / f"{dataset}-owners.ftm.jsonl"
        path.write_text("\n".join(holdings[dataset]) + "\n", encoding="utf-8")
        world.ok("ingest", str(path), "--format", "ftm", "--dataset", dataset, actor=actor)

    def holders(actor: str) -> set[str]:
        shown = world.ok("finance", "owners", "a-front", "--json", actor=actor)
        return {holding["id"] for holding in json.loads(shown.stdout)["holdings"]}

    assert holders("ana-a") == {"a-alice"}
    assert "Victor" not in world.ok("finance", "owners", "a-front", actor="ana-a").output
    assert holders("chef-b") == {"b-boss"}
