"""Appending events to the audit log and reading it back.

An entry's bytes are the canonical JSON of the event plus its leaf index: keys sorted,
no spaces, UTF-8. Putting the index inside the hashed bytes means a row moved to
another position no longer matches its place, so a reorder is caught row by row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from filet.security.audit.events import AuditEvent
from filet.security.audit.merkle import leaf_hash
from filet.store.tables import audit_entries


def canonical(index: int, event: AuditEvent) -> bytes:
    """The exact bytes hashed into leaf ``index``."""
    return encode({**event.to_dict(), "index": index})


def encode(values: dict[str, Any]) -> bytes:
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def track_event(conn: sa.Connection, event: AuditEvent) -> int:
    """Append ``event`` inside the caller's transaction and return its leaf index.

    The caller's action and its audit entry therefore commit or roll back together. On
    PostgreSQL the table is locked until commit so two writers cannot take the same
    index; on SQLite writers are serialised by the database itself, and the primary key
    turns any race into a failed transaction rather than a forked log.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("LOCK TABLE audit_entries IN SHARE ROW EXCLUSIVE MODE"))
    last = conn.scalar(sa.select(sa.func.max(audit_entries.c.idx)))
    index = 0 if last is None else int(last) + 1
    body = canonical(index, event)
    conn.execute(
        audit_entries.insert().values(
            idx=index,
            category=event.category,
            action=event.action,
            actor=event.actor.name,
            at=event.at,
            entry=body.decode(),
            leaf_hash=leaf_hash(body).hex(),
        )
    )
    return index


@dataclass(frozen=True)
class StoredEntry:
    """One row of the log as stored: nothing here is trusted until verified."""

    idx: int
    category: str
    action: str
    actor: str
    at: datetime
    entry: str
    leaf_hash: str

    def values(self) -> dict[str, Any]:
        """The hashed JSON decoded; an entry that does not decode reads as empty."""
        try:
            decoded = json.loads(self.entry)
        except ValueError:
            return {}
        return decoded if isinstance(decoded, dict) else {}


def read_entries(
    conn: sa.Connection,
    category: str | None = None,
    actor: str | None = None,
    limit: int | None = None,
    newest_first: bool = False,
) -> Iterator[StoredEntry]:
    """Entries in leaf order (or newest first), optionally of one category or actor."""
    query = sa.select(*audit_entries.c)
    if category is not None:
        query = query.where(audit_entries.c.category == category)
    if actor is not None:
        query = query.where(audit_entries.c.actor == actor)
    order = audit_entries.c.idx.desc() if newest_first else audit_entries.c.idx
    for row in conn.execute(query.order_by(order).limit(limit)):
        yield StoredEntry(**row._asdict())
