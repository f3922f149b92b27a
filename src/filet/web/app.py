"""The workbench: a FastAPI app over one workspace, HTML pages and a JSON API.

Each feature is a module with an ``APIRouter`` named ``router``, listed once in
``ROUTERS``. Views stay thin: authorize through ``filet.security.policy`` (most often
with ``filet.security.reads.admit``), call the service with the account, serialize;
every read is recorded with ``track_event`` in the request's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from filet.store import Workspace
from filet.web import api, cases, graph, hit, login, maps, oidc, pages, phone_maps, timeline
from filet.web.deps import LoginRequired, WebState
from filet.web.protection import protect
from filet.web.refusals import Refused
from filet.web.sessions import DEFAULT_SESSION_POLICY, SessionPolicy
from filet.web.templating import STATIC, render

ROUTERS: tuple[APIRouter, ...] = (
    login.router,
    api.router,
    pages.router,
    cases.router,
    graph.router,
    maps.router,
    phone_maps.router,
    timeline.router,
    oidc.router,
    hit.router,
)


def create_app(
    home: Path | None = None,
    database_url: str | None = None,
    *,
    workspace: Workspace | None = None,
    sessions: SessionPolicy = DEFAULT_SESSION_POLICY,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The app over the workspace at ``home`` (or an already open ``workspace``);
    ``clock`` replaces the time of day, for tests of session expiry."""
    opened = workspace or Workspace.open(home, database_url)
    app = FastAPI(
        title="Filet",
        summary="Établi et API de Filet / Filet workbench and API",
        version="1",
        docs_url=None,
        redoc_url=None,
        # FastAPI answers 400 to a body that is not JSON at all, before any validation.
        responses={400: {"description": "Corps illisible / unreadable body (not JSON)"}},
    )
    state = WebState(opened, sessions)
    if clock is not None:
        state.clock = clock
    app.state.filet = state
    app.middleware("http")(protect)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(Refused, _refused)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    return app


async def _login_required(request: Request, _error: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"detail": "authentification requise / authentication required"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


_ERROR_KEYS = {404: "error.not_found", 422: "error.invalid"}


async def _refused(request: Request, error: Exception) -> Response:
    """JSON for the API; for a page, the error page in the reader's language."""
    assert isinstance(error, Refused)
    if request.url.path.startswith("/api/"):
        return await http_exception_handler(request, error)
    key = _ERROR_KEYS.get(error.status_code, "error.forbidden")
    return render(request, "error.html", None, {"message_key": key}, error.status_code)
