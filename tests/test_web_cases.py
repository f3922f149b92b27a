"""The case workspace over HTTP: a member sees the case, anyone else the same 404 as a
case that does not exist (and the refusal is audited); the dossier coffre shows to the
case's magistrate and named holders only; the report holds the escalated alerts with
their evidence and never a sealed item, and is recorded as a disclosure of its exact
bytes; escalating to a case needs a membership of it. On SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from filet.alerts.alert import TriageStatus
from filet.cases import Technique, grant_holder, seal, workspace_key
from filet.security.accounts import get_account
from filet.security.audit.log import read_entries
from filet.security.identity import Role
from filet.store import Workspace
from filet.web.alert_reads import triage_alerts
from web_support import UNTIL, World, add_member, api_client, logged_in_client, seed_world

SEALED_TITLE = "Balise posée sur le semi-remorque"
SEALED_TEXT = "Pose le 3 mars à 2 h 10, parking du MIN de Rungis, équipe technique T3"


@dataclass
class CaseWorld:
    world: World
    sealed_id: str


@pytest.fixture
def cases(workspace: Workspace, tmp_path: Path) -> Iterator[CaseWorld]:
    """The web world, with a magistrate in case A who sealed one item, and A's first
    alert escalated to case A by its analyst."""
    world = seed_world(workspace, tmp_path)
    add_member(world, "juge-a", Role.MAGISTRATE, "case-a", "chef-a")
    with workspace.db.begin() as conn:
        judge, analyst = get_account(conn, "juge-a"), get_account(conn, "ana-a")
        assert judge is not None and analyst is not None
        key = workspace_key(conn, workspace.home)
        item = seal(
            conn, key, judge, "case-a", Technique.GEOLOCALISATION, SEALED_TITLE, SEALED_TEXT
        )
        escalated = TriageStatus.ESCALATED
        triage_alerts(conn, analyst, "", world.alerts_a[:1], escalated, "case-a")
    yield CaseWorld(world, item.id)


def _entries(world: World, actor: str) -> list[dict[str, Any]]:
    with world.workspace.db.connect() as conn:
        return [entry.values() for entry in read_entries(conn, actor=actor)]


def test_a_member_sees_the_case_its_members_documents_and_alerts(cases: CaseWorld) -> None:
    world = cases.world
    analyst = logged_in_client(world, "ana-a")
    listed = analyst.get("/cases")
    assert 'href="/cases/case-a"' in listed.text and "case-b" not in listed.text
    assert 'href="/cases"' in listed.text  # in the navigation
    page = analyst.get("/cases/case-a").text
    for shown in ("chef-a", "juge-a", "saisine", "magistrate", "ds-a.ftm.jsonl", "Silence AIS"):
        assert shown in page, shown
    assert f'href="/alerts/{world.alerts_a[0]}"' in page
    assert f'href="/alerts/{world.alerts_a[1]}"' not in page  # not escalated to the case
    assert "<script>" not in page and " style=" not in page
    english = analyst.get("/cases", params={"lang": "en"}).text
    assert "My cases (1)" in english and 'aria-current="page">Cases</a>' in english
    body = api_client(world, world.token_a).get("/api/cases").json()
    assert [(c["name"], c["open_alerts"], c["datasets"]) for c in body] == [("case-a", 1, ["ds-a"])]
    assert body[0]["members"] == 4 and body[0]["clearance"] == "secret"
    detail = api_client(world, world.token_a).get("/api/cases/case-a").json()
    assert [a["id"] for a in detail["alerts"]] == world.alerts_a[:1]
    assert detail["alerts"][0]["case_id"] == "case-a"
    with world.workspace.db.connect() as conn:
        digest = conn.exec_driver_sql("SELECT sha256 FROM ingest_files").scalars().all()
    assert [d["sha256"] for d in detail["documents"]] == [
        d for d in digest if d in {doc["sha256"] for doc in detail["documents"]}
    ]
    assert detail["documents"][0]["name"] == "ds-a.ftm.jsonl"


def test_a_non_member_gets_the_404_of_no_case_and_the_refusal_is_audited(
    cases: CaseWorld,
) -> None:
    world = cases.world
    analyst = logged_in_client(world, "ana-a")
    refused, absent = analyst.get("/cases/case-b"), analyst.get("/cases/no-such-case")
    assert refused.status_code == absent.status_code == 404
    assert refused.text == absent.text and "Introuvable" in refused.text
    reader = api_client(world, world.token_a)
    assert reader.get("/api/cases/case-b").json() == reader.get("/api/cases/nope").json()
    assert reader.get("/api/cases/case-b").status_code == 404
    assert logged_in_client(world, "chef-b").get("/cases/case-a/report").status_code == 404
    decisions = [
        (entry["objects"], entry["allowed"])
        for entry in _entries(world, "ana-a")
        if entry["action"] == "policy.read" and entry["objects"][0].startswith("compartment:")
    ]
    assert (["compartment:case-b"], False) in decisions
    shown = [e for e in _entries(world, "ana-a") if e["action"] == "web.case.show"]
    assert {(tuple(e["objects"]), e["results"]) for e in shown} >= {(("case-b",), 0)}


def test_the_coffre_tab_shows_to_the_magistrate_and_holders_only(cases: CaseWorld) -> None:
    world = cases.world
    judge = logged_in_client(world, "juge-a")
    page = judge.get("/cases/case-a").text
    assert 'href="#coffre"' in page and cases.sealed_id in page and SEALED_TITLE in page
    assert SEALED_TEXT not in page and "Non probante" in page
    item = judge.get(f"/cases/case-a/coffre/{cases.sealed_id}")
    assert item.status_code == 200 and SEALED_TEXT in item.text and "non probante" in item.text
    assert "coffre.show" in {e["action"] for e in _entries(world, "juge-a")}
    assert judge.get(f"/cases/case-b/coffre/{cases.sealed_id}").status_code == 404

    analyst = logged_in_client(world, "ana-a")
    page = analyst.get("/cases/case-a").text
    assert 'href="#coffre"' not in page and SEALED_TITLE not in page
    assert analyst.get("/api/cases/case-a").json()["coffre"] is None
    assert analyst.get(f"/cases/case-a/coffre/{cases.sealed_id}").status_code == 404
    refusals = [e for e in _entries(world, "ana-a") if e["action"] == "policy.coffre.open"]
    assert refusals and not any(e["allowed"] for e in refusals)

    with world.workspace.db.begin() as conn:
        by = get_account(conn, "juge-a")
        assert by is not None
        grant_holder(conn, by, cases.sealed_id, "ana-a", "exploitation", UNTIL)
    coffre = analyst.get("/api/cases/case-a").json()["coffre"]
    assert [(e["id"], e["title"], e["non_evidentiary"]) for e in coffre] == [
        (cases.sealed_id, SEALED_TITLE, True)
    ]
    assert "content" not in coffre[0]
    read = analyst.get(f"/api/cases/case-a/coffre/{cases.sealed_id}").json()
    assert read["content"] == SEALED_TEXT and read["non_evidentiary"] is True


def test_the_report_holds_the_alerts_evidence_and_no_sealed_item(cases: CaseWorld) -> None:
    world = cases.world
    judge = logged_in_client(world, "juge-a")
    report = judge.get("/cases/case-a/report", params={"purpose": "réquisitoire 2026/114"})
    assert report.status_code == 200
    for shown in (
        "Rapport d&#39;affaire",
        "Silence AIS de 7 h (a-alice)",
        "7 h AIS gap (a-alice)",
        "ds-a.ftm.jsonl:1",
        "min_gap_h",
        "Welch et al. 2022",
        "Alice Martinez",
        "X4",
        "chef-a",
        "/static/css/cases.css",
    ):
        assert shown in report.text, shown
    assert SEALED_TITLE not in report.text and SEALED_TEXT not in report.text
    assert cases.sealed_id not in report.text
    disclosed = [e for e in _entries(world, "juge-a") if e["category"] == "disclosure"]
    assert len(disclosed) == 1
    entry = disclosed[0]
    assert entry["recipient"] == "web report" and entry["action"] == "web.case.report"
    assert entry["sha256"] == hashlib.sha256(report.content).hexdigest()
    assert entry["records"] == 1 + 1  # the alert and Alice's one readable value
    assert entry["objects"][:2] == ["case-a", world.alerts_a[0]]
    assert entry["justification"] == "réquisitoire 2026/114"
    assert logged_in_client(world, "ana-a").get("/cases/case-a/report").status_code == 403


def test_escalation_to_a_case_needs_its_membership(cases: CaseWorld) -> None:
    world = cases.world
    analyst = logged_in_client(world, "ana-a")
    second, third = world.alerts_a[1], world.alerts_a[2]
    alert_page = analyst.get(f"/alerts/{second}").text
    assert 'name="case"' in alert_page and 'value="case-a"' in alert_page
    assert 'value="case-b"' not in alert_page
    done = analyst.post(
        f"/alerts/{second}/triage",
        data={"status": "escalated", "case": "case-a"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    bulk = analyst.post(
        "/alerts/triage",
        data={"ids": [third], "status": "escalated", "case": "case-a", "back": "/alerts"},
        follow_redirects=False,
    )
    assert bulk.headers["location"] == "/alerts?triaged=1"
    reader = api_client(world, world.token_a)
    escalated = {a["id"] for a in reader.get("/api/cases/case-a").json()["alerts"]}
    assert escalated == set(world.alerts_a)
    assert 'href="/cases/case-a"' in analyst.get(f"/alerts/{second}").text

    refused = analyst.post(
        f"/alerts/{second}/triage", data={"status": "escalated", "case": "case-b"}
    )
    assert refused.status_code == 404
    api = reader.post(
        f"/api/alerts/{second}/triage", json={"status": "escalated", "case": "case-b"}
    )
    assert api.status_code == 404
    assert reader.get(f"/api/alerts/{second}").json()["case_id"] == "case-a"
    mixed = reader.post(
        "/api/alerts/triage", json={"ids": [second], "status": "new", "case": "case-a"}
    )
    assert mixed.status_code == 422
    wrong = analyst.post(
        "/alerts/triage", data={"ids": [second], "status": "new", "case": "case-a"}
    )
    assert wrong.status_code == 422 and "Demande invalide" in wrong.text
    changes = [e["change"] for e in _entries(world, "ana-a") if e["action"] == "web.alert.triage"]
    assert changes.count("status=escalated case=case-a") == 3


def test_the_entity_page_names_the_readers_cases_it_appears_in(cases: CaseWorld) -> None:
    """Alice's values are in ds-a, held by case A: its members see the case named on her
    page; case B's chief cannot open her at all."""
    world = cases.world
    member = logged_in_client(world, "ana-a")
    page = member.get("/entities/a-alice").text
    assert "Affaires où elle figure" in page and 'href="/cases/case-a"' in page
    assert member.get("/api/entities/a-alice").json()["cases"] == ["case-a"]
    assert logged_in_client(world, "chef-b").get("/entities/a-alice").status_code == 404
