"""Workbench sessions: cookie attributes, a new id at each login, inactivity and
absolute timeouts, logout, disabled accounts, the login throttle, one answer for every
failure; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from filet.security.accounts import disable_account, get_account
from filet.security.audit.log import read_entries
from filet.store import Workspace
from filet.store.tables import web_sessions
from filet.web.sessions import SESSION_COOKIE
from web_support import (
    PASSWORD,
    World,
    anonymous_client,
    log_in,
    logged_in_client,
    seed_world,
)


@pytest.fixture
def world(workspace: Workspace, tmp_path: Path) -> Iterator[World]:
    yield seed_world(workspace, tmp_path)


def _live(client: TestClient, world: World) -> bool:
    """Whether the client's session still opens a page."""
    return client.get("/alerts", follow_redirects=False).status_code == 200


def test_session_cookie_is_host_only_secure_httponly_strict(world: World) -> None:
    client = anonymous_client(world)
    world.clock.advance(seconds=30)
    form = {"name": "ana-a", "password": PASSWORD, "totp": world.code("ana-a")}
    response = client.post("/login", data=form, follow_redirects=False)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite", "path"} <= attributes
    assert "samesite=strict" in cookie.lower() and "path=/" in cookie.lower()
    assert "domain" not in attributes
    with world.workspace.db.connect() as conn:
        stored = conn.scalar(sa.select(web_sessions.c.id_sha256))
    value = client.cookies[SESSION_COOKIE]
    assert len(value) >= 43 and stored != value  # random, and only its digest is kept


def test_each_login_issues_a_new_id_and_ends_the_previous(world: World) -> None:
    client = logged_in_client(world, "ana-a")
    first = client.cookies[SESSION_COOKIE]
    assert log_in(client, world, "ana-a") == 303
    second = client.cookies[SESSION_COOKIE]
    assert second != first
    replay = anonymous_client(world)
    replay.cookies.set(SESSION_COOKIE, first)
    assert not _live(replay, world)
    assert _live(client, world)


def test_inactivity_ends_the_session_after_30_minutes(world: World) -> None:
    client = logged_in_client(world, "ana-a")
    world.clock.advance(minutes=29)
    assert _live(client, world)  # activity resets the clock
    world.clock.advance(minutes=29)
    assert _live(client, world)
    world.clock.advance(minutes=30, seconds=1)
    response = client.get("/alerts", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert client.get("/api/alerts").status_code == 401


def test_absolute_timeout_after_12_hours_despite_activity(world: World) -> None:
    client = logged_in_client(world, "ana-a")
    for _ in range(28):  # 11 h 40 min of steady work
        world.clock.advance(minutes=25)
        assert _live(client, world)
    world.clock.advance(minutes=25)
    assert not _live(client, world)


def test_logout_ends_the_session_on_the_server(world: World) -> None:
    client = logged_in_client(world, "ana-a")
    kept = client.cookies[SESSION_COOKIE]
    assert client.post("/logout", follow_redirects=False).status_code == 303
    with world.workspace.db.connect() as conn:
        assert [e.action for e in read_entries(conn, actor="ana-a")][-1] == "web.logout"
    again = anonymous_client(world)
    again.cookies.set(SESSION_COOKIE, kept)
    assert not _live(again, world)


def test_disabling_an_account_ends_its_sessions_at_once(world: World) -> None:
    client = logged_in_client(world, "ana-a")
    assert _live(client, world)
    with world.workspace.db.begin() as conn:
        admin = get_account(conn, "admin")
        assert admin is not None
        disable_account(conn, admin, "ana-a")
    assert not _live(client, world)
    with world.workspace.db.connect() as conn:
        left = conn.scalar(sa.select(sa.func.count()).where(web_sessions.c.account == "ana-a"))
    assert left == 0


def test_every_failed_login_gets_the_same_answer(world: World) -> None:
    with world.workspace.db.begin() as conn:
        admin = get_account(conn, "admin")
        assert admin is not None
        disable_account(conn, admin, "chef-b")
    client = anonymous_client(world)
    world.clock.advance(seconds=30)
    attempts = {
        "unknown": {"name": "personne", "password": PASSWORD, "totp": "123456"},
        "bad_password": {"name": "ana-a", "password": "pas-le-bon", "totp": world.code("ana-a")},
        "bad_totp": {"name": "ana-a", "password": PASSWORD, "totp": "000000"},
        "disabled": {"name": "chef-b", "password": PASSWORD, "totp": world.code("chef-b")},
    }
    answers = {}
    for outcome, form in attempts.items():
        response = client.post("/login", data=form, follow_redirects=False)
        answers[outcome] = (response.status_code, response.text, "set-cookie" in response.headers)
    assert len(set(answers.values())) == 1, answers
    assert next(iter(answers.values()))[0] == 401
    with world.workspace.db.connect() as conn:
        logged = [e.values()["outcome"] for e in read_entries(conn, category="authentication")]
    assert {"unknown", "bad_password", "bad_totp", "disabled"} <= set(logged)


def test_one_address_is_throttled_across_accounts(world: World) -> None:
    client = anonymous_client(world)
    for attempt in range(20):
        form = {"name": f"personne-{attempt}", "password": "x", "totp": ""}
        assert client.post("/login", data=form).status_code == 401
    failed = client.post("/login", data={"name": "x", "password": "x"})
    assert log_in(client, world, "ana-a") == 401  # right password and code, too many tries
    assert client.post("/login", data={"name": "x", "password": "x"}).text == failed.text
    with world.workspace.db.connect() as conn:
        logged = [e.values()["outcome"] for e in read_entries(conn, category="authentication")]
    assert logged.count("throttled") >= 2
    world.clock.advance(minutes=16)
    assert log_in(client, world, "ana-a") == 303
