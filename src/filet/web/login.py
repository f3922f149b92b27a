"""Logging in (password and TOTP) and out of the workbench.

Whatever failed (unknown name, wrong password or code, locked or disabled account, too
many attempts from this address) the answer is the same page with the same status, so
that it tells a guesser nothing; the reason is in the audit log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from filet.security.accounts import login
from filet.security.audit import Actor, Authentication, track_event
from filet.web.deps import Conn, MaybeAccount, Now, web_state
from filet.web.sessions import SESSION_COOKIE, end_session, start_session, throttled
from filet.web.templating import render

router = APIRouter(include_in_schema=False)


def client_address(request: Request) -> str:
    """The peer address as the server saw it; a proxy in front must pass the real one
    (uvicorn --forwarded-allow-ips) or every user shares one throttle."""
    return request.client.host if request.client is not None else "unknown"


def safe_next(target: str) -> str:
    """Only a path of this site: never an absolute URL elsewhere (open redirect)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, account: MaybeAccount, next: str = "/") -> Response:
    if account is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", None, {"next": safe_next(next), "failed": False})


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    conn: Conn,
    now: Now,
    name: Annotated[str, Form(max_length=128)],
    password: Annotated[str, Form(max_length=1024)],
    totp: Annotated[str, Form(max_length=16)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    state = web_state(request)
    if throttled(conn, client_address(request), now, state.sessions):
        refused = Authentication(actor=Actor(name), action="web.login", outcome="throttled")
        track_event(conn, refused)
        return _failed(request, next)
    result = login(conn, name, password, totp.strip(), now=now)
    if result.account is None:
        return _failed(request, next)
    response = RedirectResponse(safe_next(next), status_code=303)
    start_session(conn, result.account, response, now, request.cookies.get(SESSION_COOKIE))
    return response


def _failed(request: Request, next: str) -> Response:
    context = {"next": safe_next(next), "failed": True}
    return render(request, "login.html", None, context, status_code=401)


@router.post("/logout")
def logout(request: Request, conn: Conn, account: MaybeAccount) -> Response:
    """End the session on the server (not only in the browser) and record it."""
    response = RedirectResponse("/login", status_code=303)
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        end_session(conn, session_id, response)
    if account is not None:
        ended = Authentication(actor=account.actor(), action="web.logout", outcome="logout")
        track_event(conn, ended)
    return response
