"""OpenID Connect login against a real provider over HTTP (tests/oidc_provider.py).

The browser is the workbench's TestClient plus one plain HTTP request to the provider's
authorize endpoint; Filet itself fetches discovery, keys and tokens over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from filet.security.accounts import disable_account, get_account
from filet.security.audit.log import read_entries
from filet.security.oidc import (
    OidcConfigError,
    PendingLogin,
    ProviderSettings,
)
from filet.store import Workspace
from filet.web.oidc import PENDING_COOKIE
from filet.web.sessions import SESSION_COOKIE
from oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    LocalProvider,
    Misbehaviour,
)
from web_support import World, anonymous_client, seed_world


@pytest.fixture(scope="module", params=["Ed25519", "RS256"])
def provider(request: pytest.FixtureRequest) -> Iterator[LocalProvider]:
    running = LocalProvider(algorithm=request.param)
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def world(
    workspace: Workspace,
    tmp_path: Path,
    provider: LocalProvider,
    monkeypatch: pytest.MonkeyPatch,
) -> World:
    """The workbench's test world, configured for the provider, which "logs in" ana-a."""
    secret = tmp_path / "oidc-secret"
    secret.write_text(CLIENT_SECRET + "\n", encoding="utf-8")
    for name, value in {
        "FILET_OIDC_ISSUER": provider.url,
        "FILET_OIDC_CLIENT_ID": CLIENT_ID,
        "FILET_OIDC_CLIENT_SECRET_FILE": str(secret),
        "FILET_OIDC_REDIRECT_URI": REDIRECT_URI,
    }.items():
        monkeypatch.setenv(name, value)
    provider.reset(preferred_username="ana-a", email="ana@example.org", email_verified=True)
    return seed_world(workspace, tmp_path)


def leave_for_provider(client: TestClient, next_path: str = "/alerts") -> str:
    """The browser asks Filet to log in through the provider: the provider's URL."""
    response = client.get("/login/oidc", params={"next": next_path}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def provider_answer(authorize_url: str) -> str:
    """The browser at the provider, which lets the person through: Filet's callback URL."""
    response = httpx.get(authorize_url, follow_redirects=False)
    assert response.status_code == 302, response.text
    return response.headers["location"]


def oidc_login(client: TestClient, next_path: str = "/alerts") -> httpx.Response:
    callback = provider_answer(leave_for_provider(client, next_path))
    return client.get(callback, follow_redirects=False)


def oidc_attempts(world: World) -> list[dict[str, object]]:
    with world.workspace.db.connect() as conn:
        entries = read_entries(conn, category="authentication")
        return [entry.values() for entry in entries if entry.action == "oidc.login"]


def test_success_opens_a_session_on_the_existing_account(
    world: World, provider: LocalProvider
) -> None:
    client = anonymous_client(world)
    response = oidc_login(client, "/search")
    assert response.status_code == 200
    assert SESSION_COOKIE in response.cookies
    assert 'content="0; url=/search"' in response.text
    assert client.get("/alerts", follow_redirects=False).status_code == 200
    assert provider.token_verdicts == ["issued"]
    [attempt] = oidc_attempts(world)
    assert (attempt["actor"], attempt["outcome"]) == ("ana-a", "success")
    assert attempt["objects"] == ["sub:sujet-123"]


def test_authorization_request_carries_pkce_s256_state_and_nonce(
    world: World, provider: LocalProvider
) -> None:
    client = anonymous_client(world)
    query = parse_qs(urlsplit(leave_for_provider(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["response_type"] == ["code"]
    assert query["scope"] == ["openid profile email"]
    pending = PendingLogin.decode(client.cookies[PENDING_COOKIE])
    assert pending is not None
    assert query["state"] == [pending.state] and query["nonce"] == [pending.nonce]
    assert len(pending.code_verifier) >= 43
    # The challenge is S256 of the verifier kept in the browser, not the verifier itself.
    assert query["code_challenge"] != [pending.code_verifier]


def test_unknown_account_is_refused_and_not_created(world: World, provider: LocalProvider) -> None:
    provider.claims["preferred_username"] = "personne"
    response = oidc_login(anonymous_client(world))
    assert response.status_code == 401
    assert SESSION_COOKIE not in response.cookies
    with world.workspace.db.connect() as conn:
        assert get_account(conn, "personne") is None
    assert [(a["actor"], a["outcome"]) for a in oidc_attempts(world)] == [("personne", "unknown")]


def test_service_account_is_refused(world: World, provider: LocalProvider) -> None:
    provider.claims["preferred_username"] = "svc-a"
    assert oidc_login(anonymous_client(world)).status_code == 401
    assert [a["outcome"] for a in oidc_attempts(world)] == ["unknown"]


def test_disabled_account_is_refused(world: World, provider: LocalProvider) -> None:
    with world.workspace.db.begin() as conn:
        admin = get_account(conn, "admin")
        assert admin is not None
        disable_account(conn, admin, "ana-a")
    response = oidc_login(anonymous_client(world))
    assert response.status_code == 401
    assert SESSION_COOKIE not in response.cookies
    assert [(a["actor"], a["outcome"]) for a in oidc_attempts(world)] == [("ana-a", "disabled")]


@pytest.mark.parametrize(
    ("misbehaviour", "outcome"),
    [
        (Misbehaviour.WRONG_AUDIENCE, "bad_audience"),
        (Misbehaviour.EXTRA_AUDIENCE, "bad_audience"),
        (Misbehaviour.WRONG_ISSUER, "bad_issuer"),
        (Misbehaviour.EXPIRED, "expired"),
        (Misbehaviour.BAD_SIGNATURE, "bad_signature"),
        (Misbehaviour.WRONG_NONCE, "bad_nonce"),
    ],
)
def test_bad_id_tokens_are_refused(
    world: World, provider: LocalProvider, misbehaviour: Misbehaviour, outcome: str
) -> None:
    provider.misbehave = misbehaviour
    client = anonymous_client(world)
    response = oidc_login(client)
    assert response.status_code == 401
    assert SESSION_COOKIE not in response.cookies
    assert client.get("/alerts", follow_redirects=False).status_code == 303
    assert provider.token_verdicts == ["issued"]  # the provider answered; Filet refused
    assert [a["outcome"] for a in oidc_attempts(world)] == [outcome]


def test_rotated_provider_key_is_fetched_again(world: World, provider: LocalProvider) -> None:
    assert oidc_login(anonymous_client(world)).status_code == 200  # keys now cached
    provider.misbehave = Misbehaviour.ROTATED_KEY
    assert oidc_login(anonymous_client(world)).status_code == 200
    assert [a["outcome"] for a in oidc_attempts(world)] == ["success", "success"]


def test_forged_state_is_refused_before_any_token_request(
    world: World, provider: LocalProvider
) -> None:
    client = anonymous_client(world)
    callback = provider_answer(leave_for_provider(client))
    forged = callback.replace("state=", "state=x", 1)
    assert client.get(forged, follow_redirects=False).status_code == 401
    assert provider.token_verdicts == []
    # A browser that never started a login (a link sent to a victim) is refused too.
    stranger = anonymous_client(world)
    assert stranger.get(callback, follow_redirects=False).status_code == 401
    assert [a["outcome"] for a in oidc_attempts(world)] == ["bad_state", "bad_state"]
    assert [a["actor"] for a in oidc_attempts(world)] == ["anonyme", "anonyme"]


def test_pending_login_is_used_once(world: World, provider: LocalProvider) -> None:
    client = anonymous_client(world)
    callback = provider_answer(leave_for_provider(client))
    assert client.get(callback, follow_redirects=False).status_code == 200
    client.cookies.delete(SESSION_COOKIE)
    assert client.get(callback, follow_redirects=False).status_code == 401
    assert [a["outcome"] for a in oidc_attempts(world)] == ["success", "bad_state"]


def test_pending_login_expires(world: World, provider: LocalProvider) -> None:
    client = anonymous_client(world)
    callback = provider_answer(leave_for_provider(client))
    world.clock.advance(minutes=11)
    assert client.get(callback, follow_redirects=False).status_code == 401
    assert provider.token_verdicts == []
    assert [a["outcome"] for a in oidc_attempts(world)] == ["pending_expired"]


def test_stolen_code_is_useless_without_its_pkce_verifier(
    world: World, provider: LocalProvider
) -> None:
    """Code injection: an attacker who got the victim's code replays it in a login they
    started themselves (so their state matches); the provider refuses the verifier."""
    victim, attacker = anonymous_client(world), anonymous_client(world)
    victim_callback = provider_answer(leave_for_provider(victim))
    attacker_state = parse_qs(urlsplit(leave_for_provider(attacker)).query)["state"][0]
    stolen_code = parse_qs(urlsplit(victim_callback).query)["code"][0]
    injected = f"{REDIRECT_URI}?code={stolen_code}&state={attacker_state}"
    response = attacker.get(injected, follow_redirects=False)
    assert response.status_code == 401
    assert SESSION_COOKIE not in response.cookies
    assert provider.token_verdicts == ["bad_code_verifier"]
    assert [a["outcome"] for a in oidc_attempts(world)] == ["token_error"]


def test_provider_error_is_refused(world: World, provider: LocalProvider) -> None:
    client = anonymous_client(world)
    state = parse_qs(urlsplit(leave_for_provider(client)).query)["state"][0]
    refused = f"{REDIRECT_URI}?error=access_denied&state={state}"
    assert client.get(refused, follow_redirects=False).status_code == 401
    assert [a["outcome"] for a in oidc_attempts(world)] == ["provider_error"]


def test_email_claim_counts_only_when_verified(
    world: World, provider: LocalProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FILET_OIDC_ACCOUNT_CLAIM", "email")
    provider.claims.update(email="ana-a", email_verified=False)
    assert oidc_login(anonymous_client(world)).status_code == 401
    provider.claims["email_verified"] = True
    assert oidc_login(anonymous_client(world)).status_code == 200
    outcomes = [a["outcome"] for a in oidc_attempts(world)]
    assert outcomes == ["email_unverified", "success"]


def test_missing_account_claim_is_refused(world: World, provider: LocalProvider) -> None:
    del provider.claims["preferred_username"]
    assert oidc_login(anonymous_client(world)).status_code == 401
    [attempt] = oidc_attempts(world)
    assert (attempt["actor"], attempt["outcome"]) == ("anonyme", "no_account_claim")


def test_oidc_pages_do_not_exist_without_a_provider(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FILET_OIDC_ISSUER")
    client = anonymous_client(world)
    assert client.get("/login/oidc", follow_redirects=False).status_code == 404
    assert client.get("/login/oidc/callback", follow_redirects=False).status_code == 404


def test_settings_refuse_plain_http_and_missing_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FILET_OIDC_ISSUER", "http://idp.example.org")
    monkeypatch.setenv("FILET_OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("FILET_OIDC_REDIRECT_URI", REDIRECT_URI)
    monkeypatch.setenv("FILET_OIDC_CLIENT_SECRET", CLIENT_SECRET)
    with pytest.raises(OidcConfigError, match="https"):
        ProviderSettings.from_settings()
    monkeypatch.setenv("FILET_OIDC_ISSUER", "https://idp.example.org")
    provider = ProviderSettings.from_settings()
    assert provider is not None and provider.client_secret == CLIENT_SECRET
    assert CLIENT_SECRET not in repr(provider)
    monkeypatch.setenv("FILET_OIDC_CLIENT_SECRET_FILE", str(tmp_path / "absent"))
    with pytest.raises(OidcConfigError, match="absent"):
        ProviderSettings.from_settings()
