"""Server-rendered pages: Jinja2 templates under ``filet/web/templates``, each extending
``base.html``, and the navigation bar.

A feature adds its page to the bar with one ``NavLink`` line in ``NAV_LINKS``; a link
that names an ``action`` shows only to accounts whose role allows it (the policy still
decides on the page itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import HTMLResponse

from filet.security.identity import Account
from filet.security.policy import Action, allowed_actions
from filet.web.i18n import LANG_COOKIE, LANGUAGES, request_language, translate

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class NavLink:
    path: str
    label_key: str
    action: Action | None = None


NAV_LINKS: tuple[NavLink, ...] = (
    NavLink("/alerts", "nav.alerts", Action.READ),
    NavLink("/alerts", "nav.integrity", Action.READ_AUDIT),  # integrity alerts only
    NavLink("/cases", "nav.cases", Action.READ),
    NavLink("/search", "nav.search", Action.READ),
    NavLink("/audit", "nav.audit", Action.READ_AUDIT),
    NavLink("/graph", "nav.graph", Action.READ),
    NavLink("/map", "nav.map", Action.READ),
    NavLink("/timeline", "nav.timeline", Action.READ),
)

templates = Jinja2Templates(directory=str(TEMPLATES))


def nav_for(account: Account | None) -> list[NavLink]:
    if account is None:
        return []
    actions = allowed_actions(account)
    return [link for link in NAV_LINKS if link.action is None or link.action in actions]


def render(
    request: Request,
    name: str,
    account: Account | None,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``name`` in the request's language; remembers a language asked with
    ``?lang=`` in a cookie."""
    lang = request_language(request)
    values = {
        "account": account,
        "lang": lang,
        "other_lang": "en" if lang == "fr" else "fr",
        "nav": nav_for(account),
        "t": lambda key: translate(key, lang),
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, values, status_code=status_code)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            path="/",
            secure=True,
            httponly=True,
            samesite="strict",
            max_age=365 * 24 * 3600,
        )
    return response
