"""Deconfliction and hit/no-hit between two cases of two services, through the command
line, on SQLite and PostgreSQL: both owners are told whom to call and nothing else; a
partner asks by keyed hash and learns yes or no and a contact; every step is audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from filet.cli import app
from filet.security import deconfliction, hitnohit
from filet.security.accounts import get_account
from filet.security.audit import Actor
from filet.security.hitnohit import HitLimits, RateLimited
from filet.store import Workspace

PASSWORD = "Brise-lames-du-Havre-7\n"
UNTIL = "2099-12-31"
PHONE_117 = "+33 6 12 34 56 78"
PHONE_204 = "+33612345678"  # the same number, written another way


def _entity(entity_id: str, schema: str, **properties: list[str]) -> str:
    return json.dumps({"id": entity_id, "schema": schema, "properties": properties})


CASES = {
    # case, chief, service, dataset, lines
    "2026-117": ("chef.douane", "douane", "douane-117", [
        _entity("d-phone", "Phone", number=[PHONE_117]),
        _entity("d-person", "Person", name=["Karim Benali"], phone=[PHONE_117]),
    ]),
    "2026-204": ("chef.ofast", "ofast", "ofast-204", [
        _entity("o-person", "Person", name=["Le Chimiste"], phone=[PHONE_204]),
    ]),
    "2026-300": ("chef.pj", "police-judiciaire", "pj-300", [
        _entity("p-person", "Person", name=["Autre Personne"], phone=["+33 6 98 76 54 32"]),
    ]),
}  # fmt: skip


@dataclass
class World:
    home: Path
    runner: CliRunner
    key_file: Path

    def run(self, *args: str, actor: str | None = None, stdin: str | None = None) -> Result:
        acting = ["--actor", actor] if actor is not None else []
        return self.runner.invoke(app, [*args, *acting, "--home", str(self.home)], input=stdin)

    def ok(self, *args: str, actor: str | None = None, stdin: str | None = None) -> Result:
        result = self.run(*args, actor=actor, stdin=stdin)
        assert result.exit_code == 0, (args, actor, result.output)
        return result

    def keyed_hash(self, kind: str, value: str, key: Path | None = None) -> Result:
        """``filet hit hash``: computed where the asking service is, with no workspace."""
        asked = ["hit", "hash", kind, value, "--key-file", str(key or self.key_file)]
        return self.runner.invoke(app, asked)

    def notices(self, actor: str) -> list[dict[str, str]]:
        listed: list[dict[str, str]] = json.loads(
            self.ok("deconfliction", "notices", "--json", actor=actor).stdout
        )
        return listed


@pytest.fixture
def world(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("FILET_DATABASE_URL", database_url)
    monkeypatch.delenv("FILET_ACTOR", raising=False)
    key_file = tmp_path / "shared.key"
    key_file.write_bytes(b"k" * 16 + b"0123456789abcdef0123")
    built = World(tmp_path / "ws", CliRunner(), key_file)

    def account(name: str, role: str, service: str) -> None:
        built.ok("accounts", "create", name, "--role", role, "--service", service,
                 "--clearance", "secret", "--display-name", name.upper(), "--password-stdin",
                 actor="admin", stdin=PASSWORD)  # fmt: skip

    account("admin", "administrator", "ofast")
    account("partenaire", "partner", "gendarmerie")
    for case, (chief, service, dataset, lines) in CASES.items():
        account(chief, "supervisor", service)
        built.ok("compartments", "create", case, "--title", case, "--until", UNTIL,
                 "--clearance", "secret", actor=chief)  # fmt: skip
        built.ok("compartments", "assign", case, dataset, "--reason", "saisie", actor=chief)
        path = tmp_path / f"{dataset}.ftm.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        built.ok("ingest", str(path), "--format", "ftm", "--dataset", dataset, actor=chief)
    account("ana.douane", "analyst", "douane")
    built.ok("compartments", "grant", "2026-117", "ana.douane", "--reason", "analyse",
             "--until", UNTIL, actor="chef.douane")  # fmt: skip
    yield built


def test_a_shared_phone_notifies_both_owners_with_the_other_contact_only(world: World) -> None:
    ran = json.loads(world.ok("deconfliction", "run", "--json", actor="chef.douane").stdout)
    # Two entities of 117 match one of 204: a notice for each of them, and one for it.
    assert ran["notices_new"] == 3
    douane = world.notices("ana.douane")
    assert {(n["own_entity"], n["match_kind"]) for n in douane} == {
        ("d-phone", "identifier:phone"),
        ("d-person", "identifier:phone"),
    }
    assert {(n["other_service"], n["other_contact"]) for n in douane} == {("ofast", "CHEF.OFAST")}
    ofast = world.notices("chef.ofast")
    assert {n["own_entity"] for n in ofast} == {"o-person"}
    assert {(n["other_service"], n["other_contact"]) for n in ofast} == {("douane", "CHEF.DOUANE")}
    told = json.dumps(douane + ofast)
    for secret in ("Chimiste", "Karim", 'o-person"', '2026-204"', PHONE_117, "612345678"):
        assert secret not in json.dumps(douane) or secret in ("Karim",), secret
    assert "Chimiste" not in json.dumps(douane) and "Karim" not in json.dumps(ofast)
    assert "612345678" not in told and "2026-204" not in json.dumps(douane)
    assert world.notices("chef.pj") == []  # the third case matches nothing
    assert world.notices("admin") == []  # member of no case
    again = json.loads(world.ok("deconfliction", "run", "--json", actor="chef.ofast").stdout)
    assert again["notices_new"] == 0 and len(world.notices("ana.douane")) == 2


def test_matches_are_audited_by_entity_ids_without_the_value(world: World) -> None:
    world.ok("deconfliction", "run", actor="chef.douane")
    world.ok("accounts", "create", "insp", "--role", "inspector", "--service", "douane",
             "--password-stdin", actor="admin", stdin=PASSWORD)  # fmt: skip
    listed = world.ok("audit", "list", "--json", "--limit", "1000", "--as", "insp")
    entries = [e for e in json.loads(listed.stdout) if e["action"] == "deconfliction.match"]
    assert sorted(tuple(sorted(e["objects"])) for e in entries) == [
        ("d-person", "o-person"),
        ("d-phone", "o-person"),
    ]
    assert all(e["compartments"] == ["2026-117", "2026-204"] for e in entries)
    assert "612345678" not in listed.stdout and "Chimiste" not in listed.stdout


def test_resolved_pairs_across_compartments_are_deconflicted(
    database_url: str, world: World
) -> None:
    """Entity resolution found two people to be the same: a notice, without any identifier."""
    ws = Workspace.open(world.home, database_url)
    try:
        with ws.db.begin() as conn:
            done = deconfliction.run(
                conn, Actor("chef.pj"), resolved=[("p-person", "o-person", 0.995)]
            )
            chief = get_account(conn, "chef.pj")
            assert chief is not None
            told = deconfliction.notices_for(conn, chief)
    finally:
        ws.close()
    # The shared phone's three notices, then one on each side of the resolved pair.
    assert done.notices_new == 5
    assert [(n.own_entity, n.match_kind, n.other_service) for n in told] == [
        ("p-person", "resolved", "ofast")
    ]


def test_hit_no_hit_on_keyed_hashes(world: World) -> None:
    key = str(world.key_file)
    world.ok("hit", "index", "--key-file", key, actor="admin")
    digest_text = world.keyed_hash("phone", "+33 6 12 34 56 78").stdout.strip()
    assert len(digest_text) == 64
    answer = json.loads(world.ok("hit", "ask", digest_text, "--json", actor="partenaire").stdout)
    assert answer["hit"] is True
    assert {(c["service"], c["contact"]) for c in answer["contacts"]} == {
        ("douane", "CHEF.DOUANE"),
        ("ofast", "CHEF.OFAST"),
    }
    other_key = world.key_file.with_name("other.key")
    other_key.write_bytes(b"x" * 40)
    wrong = world.keyed_hash("phone", "+33612345678", other_key)
    unknown = world.keyed_hash("phone", "+33 6 99 99 99 99")
    for asked in (wrong.stdout.strip(), unknown.stdout.strip()):
        no = json.loads(world.ok("hit", "ask", asked, "--json", actor="partenaire").stdout)
        assert no == {"hit": False, "contacts": []}
    short = world.key_file.with_name("short.key")
    short.write_bytes(b"trop-court")
    assert world.keyed_hash("phone", "+33612345678", short).exit_code == 1
    assert world.run("hit", "ask", "pas-une-empreinte", actor="partenaire").exit_code == 1


def test_questions_are_rate_limited_and_the_budget_comes_back(
    database_url: str, world: World
) -> None:
    limits = HitLimits(burst=3, per_minute=6.0)
    start = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    ws = Workspace.open(world.home, database_url)
    try:
        with ws.db.begin() as conn:
            partner = get_account(conn, "partenaire")
            assert partner is not None
            asks = [hitnohit.ask(conn, partner, "0" * 64, limits=limits, now=start)
                    for _ in range(3)]  # fmt: skip
            with pytest.raises(RateLimited) as limited:
                hitnohit.ask(conn, partner, "0" * 64, limits=limits, now=start)
            later = start + timedelta(seconds=10)
            after = hitnohit.ask(conn, partner, "0" * 64, limits=limits, now=later)
    finally:
        ws.close()
    assert [a.hit for a in asks] == [False] * 3 and not after.hit
    assert limited.value.retry_after == 10
