"""Logging in through the service's identity provider (OpenID Connect).

``/login/oidc`` sends the browser to the provider with a fresh state, nonce and PKCE
challenge, kept in the ``__Host-filet_oidc`` cookie; ``/login/oidc/callback`` checks the
provider's answer with ``filet.security.oidc`` and opens a session for the account it
maps to. The cookie is ``SameSite=Lax`` because the provider sends the browser back with
a cross-site navigation, which a ``Strict`` cookie would not follow; it is used once.
Whatever was refused, the answer is the same page: the reason is in the audit log.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from filet.security.oidc import (
    OidcConfigError,
    PendingLogin,
    ProviderSettings,
    client_for,
)
from filet.web.deps import Conn, Now
from filet.web.i18n import register_messages
from filet.web.login import safe_next
from filet.web.sessions import SESSION_COOKIE, start_session
from filet.web.templating import render

router = APIRouter(include_in_schema=False)

PENDING_COOKIE = "__Host-filet_oidc"

register_messages(
    {
        "oidc.failed": (
            "Connexion par le fournisseur d'identité refusée.",
            "Login through the identity provider refused.",
        ),
        "oidc.unavailable": (
            "Le fournisseur d'identité est injoignable ou mal configuré.",
            "The identity provider is unreachable or misconfigured.",
        ),
        "oidc.retry": ("Retour à la connexion", "Back to login"),
        "oidc.done": ("Connexion réussie", "Logged in"),
        "oidc.continue": ("Continuer", "Continue"),
    }
)


def _provider() -> ProviderSettings:
    """The configured provider; these pages do not exist when none is (404)."""
    provider = ProviderSettings.from_settings()
    if provider is None:
        raise HTTPException(404)
    return provider


@router.get("/login/oidc", response_class=HTMLResponse)
def oidc_start(request: Request, now: Now, next: str = "/alerts") -> Response:
    client = client_for(_provider())
    try:
        url, pending = client.begin(safe_next(next), now)
    except OidcConfigError:
        return _page(request, "oidc.unavailable", 503)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        PENDING_COOKIE,
        pending.encode(),
        max_age=client.policy.pending_minutes * 60,
        path="/",
        secure=True,
        httponly=True,
        samesite="lax",
    )
    return response


@router.get("/login/oidc/callback", response_class=HTMLResponse)
def oidc_callback(request: Request, conn: Conn, now: Now) -> Response:
    """Check the provider's answer and log the account in. Success answers with a page
    that moves on to ``next`` by itself: the session cookie is ``SameSite=Strict``, so a
    redirect still inside the provider's cross-site navigation would arrive without it."""
    client = client_for(_provider())
    pending = PendingLogin.decode(request.cookies.get(PENDING_COOKIE, ""))
    result = client.complete(conn, pending, dict(request.query_params), now)
    if result.account is None:
        key = "oidc.unavailable" if result.outcome == "provider_unavailable" else "oidc.failed"
        response = _page(request, key, 503 if key == "oidc.unavailable" else 401)
    else:
        target = safe_next(pending.next if pending is not None else "/alerts")
        response = render(request, "oidc_done.html", None, {"next": target})
        start_session(conn, result.account, response, now, request.cookies.get(SESSION_COOKIE))
    response.delete_cookie(PENDING_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    return response


def _page(request: Request, message_key: str, status_code: int) -> Response:
    return render(request, "oidc_failed.html", None, {"message_key": message_key}, status_code)
