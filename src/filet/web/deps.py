"""What every view depends on: the workspace, a transaction, the clock and who acts.

A view declares ``conn: Conn``, ``account: CurrentAccount`` (without one, the API
answers 401 and a page sends the browser to the login page) and ``purpose: Purpose``;
it then authorizes through ``filet.security.policy`` and calls a service with the
account, as the command line does.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, HTTPException, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from filet.security.accounts import account_for_token
from filet.security.identity import Account
from filet.store import Workspace
from filet.web.sessions import (
    DEFAULT_SESSION_POLICY,
    SESSION_COOKIE,
    SessionPolicy,
    session_account,
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class WebState:
    """What the app holds: the workspace, the session rules and a clock tests can move."""

    workspace: Workspace
    sessions: SessionPolicy = DEFAULT_SESSION_POLICY
    clock: Callable[[], datetime] = field(default=_utc_now)
    one_at_a_time: asyncio.Lock | None = None

    def __post_init__(self) -> None:
        # SQLite has one writer, and nearly every request writes (its audit entries):
        # requests take turns here, waiting without holding a worker thread, instead of
        # queueing on the database lock inside threads that the lock holder then lacks.
        if self.one_at_a_time is None and self.workspace.db.dialect.name == "sqlite":
            self.one_at_a_time = asyncio.Lock()


class LoginRequired(Exception):
    """No valid session or token: the API answers 401, a page redirects to the login."""


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.filet
    return state


async def db(request: Request) -> AsyncIterator[sa.Connection]:
    """One transaction per request. A refusal (``HTTPException``) still commits, so that
    the audit entries of the denied decision are kept; any other error rolls back."""
    state = web_state(request)
    async with state.one_at_a_time or contextlib.nullcontext():
        conn, transaction = await run_in_threadpool(_begin, state.workspace)
        try:
            yield conn
        except (HTTPException, LoginRequired):
            await run_in_threadpool(_end, conn, transaction.commit)
            raise
        except BaseException:
            await run_in_threadpool(_end, conn, transaction.rollback)
            raise
        await run_in_threadpool(_end, conn, transaction.commit)


def _begin(workspace: Workspace) -> tuple[sa.Connection, sa.RootTransaction]:
    conn = workspace.db.connect()
    return conn, conn.begin()


def _end(conn: sa.Connection, finish: Callable[[], None]) -> None:
    try:
        finish()
    finally:
        conn.close()


Conn = Annotated[sa.Connection, Depends(db, scope="function")]


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


# Declares the token in the OpenAPI description; ``optional_account`` reads the header.
API_TOKEN = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="Jeton d'un compte de service / service account token (filet_...)",
)


def optional_account(
    request: Request,
    conn: Conn,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Security(API_TOKEN)] = None,
) -> Account | None:
    """The account behind the request's API token, else behind its session cookie."""
    now = web_state(request).clock()
    token = bearer_token(request)
    if token is not None:
        return account_for_token(conn, token, now)
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    return session_account(conn, session_id, now, web_state(request).sessions)


async def current_account(
    account: Annotated[Account | None, Depends(optional_account)],
) -> Account:
    if account is None:
        raise LoginRequired()
    return account


CurrentAccount = Annotated[Account, Depends(current_account)]
MaybeAccount = Annotated[Account | None, Depends(optional_account)]


async def purpose(request: Request) -> str:
    """The case or purpose the reader invokes, recorded with every decision: the
    ``X-Filet-Purpose`` header (API) or the ``purpose`` query parameter (pages)."""
    given = request.headers.get("x-filet-purpose") or request.query_params.get("purpose", "")
    return given.strip()[:256]


Purpose = Annotated[str, Depends(purpose)]


async def now(request: Request) -> datetime:
    return web_state(request).clock()


Now = Annotated[datetime, Depends(now)]
