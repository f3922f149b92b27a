"""The JSON API through the policy: each case's reader sees its own case only, and a
refused entity or alert reads exactly like an absent one; inspectors alone read the
audit log; every read is in the audit log. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from filet.security.audit.log import read_entries
from filet.store import Workspace
from web_support import World, api_client, logged_in_client, seed_world


@pytest.fixture
def world(workspace: Workspace, tmp_path: Path) -> Iterator[World]:
    yield seed_world(workspace, tmp_path)


def _actions(world: World, actor: str) -> list[str]:
    with world.workspace.db.connect() as conn:
        return [entry.action for entry in read_entries(conn, actor=actor)]


def test_an_entity_of_another_case_reads_as_absent(world: World) -> None:
    reader = api_client(world, world.token_a)
    refused = reader.get("/api/entities/b-bravo")
    absent = reader.get("/api/entities/no-such-id")
    assert refused.status_code == absent.status_code == 404
    assert refused.json() == absent.json()
    assert api_client(world, world.token_b).get("/api/entities/b-bravo").status_code == 200
    browser = logged_in_client(world, "ana-a")
    assert browser.get("/api/entities/b-bravo").status_code == 404
    assert browser.get("/entities/b-bravo").text == browser.get("/entities/no-such-id").text


def test_entity_has_values_with_provenance_relations_and_alerts(world: World) -> None:
    body = api_client(world, world.token_a).get("/api/entities/a-alice").json()
    assert body["schema"] == "Person" and body["caption"] == "Alice Martinez"
    (name,) = [value for value in body["values"] if value["prop"] == "name"]
    assert name["dataset"] == "ds-a" and name["grading"] == "X4"
    assert name["source_record"].endswith(":1")
    assert body["relations"] == [
        {
            "outgoing": False,
            "prop": "owner",
            "other_id": "a-own",
            "other_schema": "Ownership",
            "other_caption": "Ownership",
        }
    ]
    named = {alert["id"] for alert in body["alerts"]}
    assert named == {world.alerts_a[0], world.alerts_a[2]}


def test_alert_list_filters_and_pages_within_the_readers_case(world: World) -> None:
    reader = api_client(world, world.token_a)
    listed = reader.get("/api/alerts").json()
    assert listed["total"] == 3
    assert [a["id"] for a in listed["items"]] == [
        world.alerts_a[0],
        world.alerts_a[2],
        world.alerts_a[1],
    ]
    assert reader.get("/api/alerts", params={"domain": "finance"}).json()["total"] == 1
    assert reader.get("/api/alerts", params={"min_score": 0.6}).json()["total"] == 2
    dated = {"since": "2026-03-02T00:00:00Z", "until": "2026-03-02T23:00:00Z"}
    assert [a["id"] for a in reader.get("/api/alerts", params=dated).json()["items"]] == [
        world.alerts_a[1]
    ]
    second = reader.get("/api/alerts", params={"per_page": 2, "page": 2}).json()
    assert second["total"] == 3 and len(second["items"]) == 1
    other = api_client(world, world.token_b).get("/api/alerts").json()
    assert {a["id"] for a in other["items"]} == set(world.alerts_b)
    assert reader.get(f"/api/alerts/{world.alerts_b[0]}").status_code == 404
    detail = reader.get(f"/api/alerts/{world.alerts_a[0]}").json()
    assert detail["thresholds"][0]["source"].startswith("Welch")


def test_triage_one_and_bulk_only_within_the_case(world: World) -> None:
    reader = api_client(world, world.token_a)
    done = reader.post(f"/api/alerts/{world.alerts_a[0]}/triage", json={"status": "escalated"})
    assert done.status_code == 200 and done.json()["status"] == "escalated"
    refused = reader.post(f"/api/alerts/{world.alerts_b[0]}/triage", json={"status": "dismissed"})
    assert refused.status_code == 404
    bulk = reader.post(
        "/api/alerts/triage",
        json={"ids": [world.alerts_a[1], world.alerts_b[1]], "status": "dismissed"},
    ).json()
    assert bulk == {"updated": [world.alerts_a[1]], "not_found": [world.alerts_b[1]]}
    statuses = {
        a["id"]: a["status"]
        for a in api_client(world, world.token_b).get("/api/alerts").json()["items"]
    }
    assert set(statuses.values()) == {"new"}
    assert "web.alert.triage" in _actions(world, "svc-a")


def test_search_shows_no_value_of_another_case(world: World) -> None:
    reader = api_client(world, world.token_a)
    assert reader.get("/api/search", params={"q": "Bravo Star"}).json() == []
    assert reader.get("/api/search", params={"q": "9074729", "kind": "imo"}).json() == []
    hits = reader.get("/api/search", params={"q": "Alice Martinez"}).json()
    assert hits[0]["entity_id"] == "a-alice"
    other = api_client(world, world.token_b).get("/api/search", params={"q": "Bravo Star"})
    assert [hit["entity_id"] for hit in other.json()] == ["b-bravo"]


def test_only_inspectors_read_the_audit_log(world: World) -> None:
    assert logged_in_client(world, "ana-a").get("/api/audit").status_code == 403
    assert api_client(world, world.token_a).get("/api/audit").status_code == 403
    inspector = logged_in_client(world, "insp")
    entries = inspector.get("/api/audit", params={"limit": 5}).json()
    assert len(entries) == 5 and entries[0]["index"] > entries[-1]["index"]
    assert "web.audit.list" in _actions(world, "insp")


def test_every_read_is_audited_with_its_purpose(world: World) -> None:
    reader = api_client(world, world.token_a)
    headers = {"X-Filet-Purpose": "affaire 2026/114"}
    reader.get("/api/entities/a-alice", headers=headers)
    reader.get("/api/entities/b-bravo", headers=headers)
    with world.workspace.db.connect() as conn:
        shown = [
            e.values()
            for e in read_entries(conn, actor="svc-a")
            if e.action in ("web.entity.show", "policy.read")
        ]
    assert [(v["action"], v["objects"][0]) for v in shown] == [
        ("policy.read", "entity:a-alice"),
        ("web.entity.show", "a-alice"),
        ("policy.read", "entity:b-bravo"),
        ("web.entity.show", "b-bravo"),
    ]
    assert {v["justification"] for v in shown} == {"affaire 2026/114"}
    assert [v["allowed"] for v in shown if v["action"] == "policy.read"] == [True, False]


def test_no_token_or_a_bad_one_is_401(world: World) -> None:
    assert api_client(world, "filet_nope_nope").get("/api/alerts").status_code == 401
    response = api_client(world, "").get("/api/alerts")
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
