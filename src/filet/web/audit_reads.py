"""The audit log for inspectors (``Action.READ_AUDIT``): newest entries first."""

from __future__ import annotations

import sqlalchemy as sa

from filet.security.audit import Consultation, track_event
from filet.security.audit.log import StoredEntry, read_entries
from filet.security.identity import Account
from filet.security.policy import Action, Resource
from filet.security.reads import admit
from filet.web.refusals import forbidden


def read_audit(
    conn: sa.Connection,
    account: Account,
    purpose: str,
    category: str | None = None,
    actor: str | None = None,
    limit: int = 100,
) -> list[StoredEntry]:
    """Entries of the log; 403 for every role but the inspector's. Reading the log is
    itself recorded, so that inspectors are inspected too."""
    access = admit(conn, account, Action.READ_AUDIT, Resource.audit_log(), purpose)
    if not access:
        raise forbidden()
    found = list(read_entries(conn, category, actor, limit, newest_first=True))
    consulted = Consultation(
        actor=account.actor(purpose),
        action="web.audit.list",
        objects=tuple(f"audit:{entry.idx}" for entry in found),
        results=len(found),
    )
    track_event(conn, consulted)
    return found
