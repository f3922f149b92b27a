"""Server-side sessions of the workbench, and the login throttle per client address.

The browser holds a random session id in the ``__Host-filet_session`` cookie; the
database keeps only its SHA-256 (``web_sessions``), so a copy of the database opens no
session. A new id is issued at every login (OWASP ASVS 5.0 7.2.4), the session ends on
logout, after ``SessionPolicy.idle_minutes`` without a request or
``SessionPolicy.absolute_hours`` after login (ASVS 7.3.1, 7.3.2), and at the first
request after its account is disabled (ASVS 7.4.2), which every lookup checks.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from starlette.responses import Response

from filet.security.accounts import get_account
from filet.security.identity import Account, AccountKind
from filet.security.policy import as_utc
from filet.store.tables import web_login_attempts, web_sessions

# OWASP ASVS 5.0 3.3.1-3.3.4: the __Host- prefix pins the cookie to this host and Path=/.
SESSION_COOKIE = "__Host-filet_session"


@dataclass(frozen=True)
class SessionPolicy:
    """Session and throttle limits, each with its source."""

    # NIST SP 800-63B-4 §2.2.3 (AAL2 reauthentication, see docs/security.md §4 and
    # OWASP ASVS 5.0 7.3.1): 30 minutes without activity end the session.
    idle_minutes: int = 30
    # NIST SP 800-63B-4 §2.2.3 and ASVS 7.3.2: a new login at the latest 12 hours after the
    # last one, a working day, whatever the activity.
    absolute_hours: int = 12
    # Analyst decision (2026-12-06): one address may try 20 logins per quarter hour, twice
    # the account lockout (accounts.LoginPolicy.max_failed_logins), so one workstation
    # cannot guess across many accounts while staying under each one's lockout.
    throttle_attempts: int = 20
    throttle_minutes: int = 15


DEFAULT_SESSION_POLICY = SessionPolicy()


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(
    conn: sa.Connection,
    account: Account,
    response: Response,
    now: datetime,
    previous: str | None = None,
) -> str:
    """Log ``account`` in: end the ``previous`` session of this browser if any, store a
    new random id and set it in ``response``'s cookie. What every login path calls
    (password and TOTP, an identity provider's callback)."""
    if previous:
        end_session(conn, previous, response)
    session_id = secrets.token_urlsafe(32)
    conn.execute(
        web_sessions.insert().values(
            id_sha256=_digest(session_id), account=account.name, created_at=now, last_seen_at=now
        )
    )
    response.set_cookie(
        SESSION_COOKIE, session_id, path="/", secure=True, httponly=True, samesite="strict"
    )
    return session_id


def end_session(conn: sa.Connection, session_id: str, response: Response | None = None) -> None:
    """Forget the session, and tell the browser to drop its cookie."""
    conn.execute(web_sessions.delete().where(web_sessions.c.id_sha256 == _digest(session_id)))
    if response is not None:
        response.delete_cookie(
            SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict"
        )


def session_account(
    conn: sa.Connection,
    session_id: str,
    now: datetime,
    policy: SessionPolicy = DEFAULT_SESSION_POLICY,
) -> Account | None:
    """The account a live session stands for, its inactivity clock reset; ``None`` (and
    the session deleted) when it is unknown, idle or too old, or its account is gone,
    disabled or not a person."""
    digest = _digest(session_id)
    row = conn.execute(sa.select(web_sessions).where(web_sessions.c.id_sha256 == digest)).first()
    if row is None:
        return None
    expired = (
        as_utc(row.last_seen_at) + timedelta(minutes=policy.idle_minutes) <= now
        or as_utc(row.created_at) + timedelta(hours=policy.absolute_hours) <= now
    )
    account = None if expired else get_account(conn, row.account)
    if account is None or account.disabled or account.kind is not AccountKind.PERSON:
        ended = web_sessions.c.id_sha256 == digest
        if account is not None and account.disabled:
            ended = web_sessions.c.account == row.account  # every browser of that account
        conn.execute(web_sessions.delete().where(ended))
        return None
    conn.execute(
        web_sessions.update().where(web_sessions.c.id_sha256 == digest).values(last_seen_at=now)
    )
    return account


def throttled(
    conn: sa.Connection,
    client: str,
    now: datetime,
    policy: SessionPolicy = DEFAULT_SESSION_POLICY,
) -> bool:
    """Count this login attempt from ``client`` and say whether it is one too many."""
    since = now - timedelta(minutes=policy.throttle_minutes)
    conn.execute(web_login_attempts.delete().where(web_login_attempts.c.at < since))
    conn.execute(web_login_attempts.insert().values(client=client[:64], at=now))
    recent = conn.scalar(
        sa.select(sa.func.count()).where(
            web_login_attempts.c.client == client[:64], web_login_attempts.c.at >= since
        )
    )
    return bool(recent and recent > policy.throttle_attempts)
