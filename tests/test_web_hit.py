"""``POST /api/hit`` through the real app: yes/no and a contact for a keyed hash, 429 with
Retry-After once the account's budget is spent, and no identifier in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from filet.security import hitnohit
from filet.security.audit.log import read_entries
from filet.store import Workspace
from web_support import World, api_client, logged_in_client, seed_world

KEY = b"cle-partagee-entre-services-2026-12"
IMO = "9074729"  # case B's vessel


@pytest.fixture
def world(workspace: Workspace, tmp_path: Path) -> Iterator[World]:
    built = seed_world(workspace, tmp_path)
    with workspace.db.begin() as conn:
        hitnohit.build_index(conn, KEY)
    yield built


def test_a_known_identifier_is_a_hit_with_the_owners_contact(world: World) -> None:
    asked = api_client(world, world.token_a).post(
        "/api/hit", json={"digest": hitnohit.keyed_hash(KEY, "imo", f"IMO {IMO}")}
    )
    assert asked.status_code == 200
    assert asked.json() == {"hit": True, "contacts": [{"service": "ofast", "contact": "chef-b"}]}
    unknown = api_client(world, world.token_a).post(
        "/api/hit", json={"digest": hitnohit.keyed_hash(KEY, "imo", "9176187")}
    )
    assert unknown.json() == {"hit": False, "contacts": []}
    with world.workspace.db.connect() as conn:
        questions = [e.values() for e in read_entries(conn, "consultation")]
    asked_entries = [q for q in questions if q["action"] == "hit.ask"]
    assert len(asked_entries) == 2 and IMO not in str(questions)


def test_bad_digests_and_missing_credentials_are_refused(world: World) -> None:
    assert (
        api_client(world, world.token_a).post("/api/hit", json={"digest": "x"}).status_code == 422
    )
    anonymous = api_client(world, "filet_nope").post("/api/hit", json={"digest": "0" * 64})
    assert anonymous.status_code == 401
    inspector = logged_in_client(world, "insp").post("/api/hit", json={"digest": "0" * 64})
    assert inspector.status_code == 403


def test_the_budget_runs_out_then_comes_back(world: World) -> None:
    client = api_client(world, world.token_b)
    answers = [client.post("/api/hit", json={"digest": "0" * 64}).status_code for _ in range(31)]
    assert answers == [200] * 30 + [429]
    limited = client.post("/api/hit", json={"digest": "0" * 64})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    world.clock.advance(seconds=4)
    assert client.post("/api/hit", json={"digest": "0" * 64}).status_code == 200
