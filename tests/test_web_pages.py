"""The HTML pages and the browser protections: security headers, the cross-site check
on every state-changing request, French by default and English on request, and the
pages' content (queue, alert, entity, search, audit)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from filet.store import Workspace
from web_support import ORIGIN, World, anonymous_client, api_client, logged_in_client, seed_world


@pytest.fixture
def world(sqlite_workspace: Workspace, tmp_path: Path) -> Iterator[World]:
    yield seed_world(sqlite_workspace, tmp_path)


def test_every_answer_carries_the_security_headers(world: World) -> None:
    client = logged_in_client(world, "ana-a")
    for path in ("/login", "/alerts", "/api/alerts", "/entities/no-such-id", "/static/filet.css"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
    assert client.get("/alerts").headers["cache-control"] == "no-store"


def test_pages_have_no_inline_script(world: World) -> None:
    client = logged_in_client(world, "ana-a")
    for path in ("/login", "/alerts", f"/alerts/{world.alerts_a[0]}", "/entities/a-alice"):
        page = client.get(path).text
        assert "<script>" not in page and " style=" not in page and "onclick" not in page


def test_cross_site_writes_are_refused(world: World) -> None:
    client = logged_in_client(world, "ana-a")
    form = {"ids": [world.alerts_a[0]], "status": "dismissed"}
    for headers in (
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
    ):
        assert client.post("/alerts/triage", data=form, headers=headers).status_code == 403
    bare = TestClient(world.app, base_url=ORIGIN, cookies=dict(client.cookies))
    assert bare.post("/alerts/triage", data=form).status_code == 403  # no Origin at all
    assert bare.post("/logout").status_code == 403
    assert (
        api_client(world, world.token_a).get(f"/api/alerts/{world.alerts_a[0]}").json()["status"]
        == "new"
    )
    same = client.post(
        "/alerts/triage",
        data=form,
        headers={"Sec-Fetch-Site": "same-origin"},
        follow_redirects=False,
    )
    assert same.status_code == 303


def test_login_form_is_protected_against_cross_site_posting(world: World) -> None:
    evil = TestClient(world.app, base_url=ORIGIN, headers={"Origin": "https://evil.example"})
    world.clock.advance(seconds=30)
    form = {"name": "ana-a", "password": "x", "totp": world.code("ana-a")}
    assert evil.post("/login", data=form).status_code == 403


def test_french_by_default_english_on_request(world: World) -> None:
    client = logged_in_client(world, "ana-a")
    assert "File des alertes" in client.get("/alerts").text
    assert '<html lang="fr">' in client.get("/alerts").text
    english = client.get("/alerts", params={"lang": "en"})
    assert "Alert queue" in english.text and '<html lang="en">' in english.text
    assert "Alert queue" in client.get("/alerts").text  # remembered in a cookie
    stranger = anonymous_client(world)
    assert "Log in" in stranger.get("/login", headers={"Accept-Language": "en-GB,en"}).text
    assert "Connexion" in stranger.get("/login", headers={"Accept-Language": "de"}).text


def test_anonymous_pages_redirect_to_login(world: World) -> None:
    response = anonymous_client(world).get("/entities/a-alice", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fentities%2Fa-alice"
    logged = anonymous_client(world).get("/login", params={"next": "https://evil.example"})
    assert 'value="/"' in logged.text  # no redirect off the site


def test_queue_filters_sorts_and_triages_in_bulk(world: World) -> None:
    client = logged_in_client(world, "ana-a")
    page = client.get("/alerts").text
    assert "File des alertes (3)" in page and world.alerts_b[0] not in page
    assert "File des alertes (1)" in client.get("/alerts", params={"domain": "finance"}).text
    recent = client.get("/alerts", params={"sort": "recent"}).text
    assert recent.index(world.alerts_a[2]) < recent.index(world.alerts_a[0])
    form = {
        "ids": [*world.alerts_a[:2], world.alerts_b[0]],
        "status": "dismissed",
        "back": "/alerts?status=new",
    }
    done = client.post("/alerts/triage", data=form, follow_redirects=False)
    assert done.headers["location"] == "/alerts?status=new&triaged=2"
    assert "File des alertes (1)" in client.get(done.headers["location"]).text


def test_alert_page_explains_itself(world: World) -> None:
    client = logged_in_client(world, "ana-a")
    page = client.get(f"/alerts/{world.alerts_a[0]}").text
    for shown in (
        "0.90",
        "Silence AIS de 7 h",
        "7 h AIS gap",
        "min_gap_h",
        "Welch et al. 2022",
        "ais_positions",
        "source_file=ds-a.ftm.jsonl",
        'href="/entities/a-alice"',
    ):
        assert shown in page, shown
    assert client.get(f"/alerts/{world.alerts_b[0]}").status_code == 404


def test_entity_page_shows_provenance_grading_relations_and_alerts(world: World) -> None:
    page = logged_in_client(world, "ana-a").get("/entities/a-alice").text
    for shown in (
        "Alice Martinez",
        "ds-a",
        "X4",
        "H0",
        "Cotation 4x4",
        'href="/entities/a-own"',
        f'href="/alerts/{world.alerts_a[0]}"',
    ):
        assert shown in page, shown


def test_search_and_audit_pages(world: World) -> None:
    analyst = logged_in_client(world, "ana-a")
    assert 'href="/entities/a-alice"' in analyst.get("/search", params={"q": "Alice"}).text
    assert "Aucun résultat" in analyst.get("/search", params={"q": "Bravo Star"}).text
    assert analyst.get("/audit").status_code == 403
    assert 'href="/audit"' not in analyst.get("/alerts").text
    inspector = logged_in_client(world, "insp")
    audit = inspector.get("/audit", params={"actor": "ana-a"})
    assert audit.status_code == 200 and "web.entity.search" in audit.text
