"""Hit/no-hit: may a partner service learn whether an identifier is known, and to whom?

The answer is yes or no and, on a hit, the services and contacts to call: never the data
(Europol's EIS and the Prüm exchanges work the same way). The question travels as a
keyed hash: HMAC-SHA256, under a key the participating services share, of the
identifier's canonical form, so that the identifier itself never leaves the asking
service and a copy of the index does not give the identifiers away to anyone without
the key. Every question is audited by its hash only, and each account's questions are
rate-limited by a token bucket so that the index cannot be enumerated.

Canonical forms, the same the search index uses (``filet.search.fields.index_value``):
phone numbers in E.164 (``+33612345678``), IBANs compact in capitals, IMO numbers as 7
digits, MMSIs as 9 digits, ISO 6346 container numbers compact in capitals, Base58
crypto addresses (Bitcoin, Tron) as written, Bech32 and Ethereum ones in lower case.
The hashed text is ``KIND:CANONICAL`` (``phone:+33612345678``), so that one value under
two kinds gives two hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from filet.search.fields import index_value
from filet.security.audit import Consultation, track_event
from filet.security.identity import Account
from filet.security.policy import Action, Resource, as_utc, authorize
from filet.store.tables import (
    accounts,
    compartment_datasets,
    compartments,
    hit_buckets,
    hit_index,
    identifier_statement,
    search_identifiers,
    statements,
)

MIN_KEY_BYTES = 32


class HitError(ValueError):
    """A refused question; the message says why, in French then English."""


class RateLimited(HitError):
    def __init__(self, retry_after: float) -> None:
        super().__init__(
            f"trop de questions / too many questions: réessayer dans / retry in {retry_after:.0f} s"
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class HitLimits:
    """Each account's question budget, a token bucket (OWASP API Security Top 10 2023,
    API4 "Unrestricted Resource Consumption")."""

    # Analyst decision (2026-12-06): checking a case's targets takes a few dozen
    # questions in a row.
    burst: int = 30
    # Analyst decision (2026-12-06): 30 a minute serve a service checking its targets,
    # not someone enumerating phone numbers (10^8 French mobiles: 6 years at this pace).
    per_minute: float = 30.0


@dataclass(frozen=True)
class Contact:
    service: str
    contact: str

    def to_dict(self) -> dict[str, str]:
        return {"service": self.service, "contact": self.contact}


@dataclass(frozen=True)
class Answer:
    hit: bool
    contacts: tuple[Contact, ...]

    def to_dict(self) -> dict[str, object]:
        return {"hit": self.hit, "contacts": [contact.to_dict() for contact in self.contacts]}


def read_key(path: Path) -> bytes:
    """The shared key from its file; too short a key would make hashes guessable."""
    try:
        key = path.read_bytes().strip()
    except OSError as error:
        raise HitError(f"clé illisible / cannot read key {path}: {error.strerror}") from None
    if len(key) < MIN_KEY_BYTES:
        raise HitError(
            f"clé trop courte / key too short in {path}: {len(key)} octets / bytes, "
            f"{MIN_KEY_BYTES} au moins / at least"
        )
    return key


def keyed_hash(key: bytes, kind: str, value: str) -> str:
    """HMAC-SHA256 of ``KIND:CANONICAL`` under ``key``, in hexadecimal."""
    canonical = index_value(kind, value)
    return hmac.new(key, f"{kind}:{canonical}".encode(), hashlib.sha256).hexdigest()


def build_index(conn: sa.Connection, key: bytes) -> int:
    """Rebuild the index of every identifier held in a compartment; returns its size."""
    query = (
        sa.select(
            search_identifiers.c.kind,
            search_identifiers.c.value,
            compartment_datasets.c.compartment,
            compartments.c.service,
            sa.func.coalesce(accounts.c.display_name, compartments.c.created_by).label("who"),
        )
        .distinct()
        .join(statements, identifier_statement)
        .join(compartment_datasets, compartment_datasets.c.dataset == statements.c.dataset)
        .join(compartments, compartments.c.name == compartment_datasets.c.compartment)
        .outerjoin(accounts, accounts.c.name == compartments.c.created_by)
    )
    rows = {
        (_digest(key, row.kind, row.value), row.compartment): (row.service, row.who or "")
        for row in conn.execute(query)
    }
    conn.execute(hit_index.delete())
    if rows:
        conn.execute(
            hit_index.insert(),
            [
                {"digest": digest, "compartment": compartment, "service": s, "contact": c}
                for (digest, compartment), (s, c) in sorted(rows.items())
            ],
        )
    return len(rows)


def _digest(key: bytes, kind: str, canonical: str) -> str:
    return hmac.new(key, f"{kind}:{canonical}".encode(), hashlib.sha256).hexdigest()


def ask(
    conn: sa.Connection,
    account: Account,
    digest: str,
    purpose: str = "",
    limits: HitLimits | None = None,
    now: datetime | None = None,
) -> Answer:
    """Answer one keyed-hash question, within the account's budget; audited."""
    moment = now or datetime.now(UTC)
    if not authorize(conn, account, Action.READ, Resource.hit_index(), purpose, moment):
        raise HitError("refusé / denied: hit/no-hit")
    digest = digest.strip().lower()
    if len(digest) != 64 or any(char not in "0123456789abcdef" for char in digest):
        raise HitError("empreinte attendue / expected a 64-character hex HMAC-SHA256")
    try:
        _spend(conn, account.name, limits or HitLimits(), moment)
    except RateLimited:
        track_event(conn, _question(account, purpose, digest, "hit.ask.limited", 0, moment))
        raise
    query = (
        sa.select(hit_index.c.service, hit_index.c.contact)
        .where(hit_index.c.digest == digest)
        .distinct()
        .order_by(hit_index.c.service, hit_index.c.contact)
    )
    contacts = tuple(Contact(row.service, row.contact) for row in conn.execute(query))
    track_event(conn, _question(account, purpose, digest, "hit.ask", len(contacts), moment))
    return Answer(bool(contacts), contacts)


def _question(
    account: Account, purpose: str, digest: str, action: str, results: int, at: datetime
) -> Consultation:
    """The audit entry of a question: its hash, never an identifier."""
    return Consultation(
        actor=account.actor(purpose),
        action=action,
        objects=(f"hmac:{digest}",),
        results=results,
        at=at,
    )


def _spend(conn: sa.Connection, name: str, limits: HitLimits, now: datetime) -> None:
    """Take one token from the account's bucket, or refuse with the wait until one."""
    rate = limits.per_minute / 60.0
    row = conn.execute(
        sa.select(hit_buckets).where(hit_buckets.c.account == name).with_for_update()
    ).first()
    if row is None:
        tokens = float(limits.burst)
        conn.execute(hit_buckets.insert().values(account=name, tokens=tokens, updated_at=now))
    else:
        elapsed = max((now - as_utc(row.updated_at)).total_seconds(), 0.0)
        tokens = min(float(limits.burst), row.tokens + elapsed * rate)
    if tokens < 1.0:
        conn.execute(
            hit_buckets.update()
            .where(hit_buckets.c.account == name)
            .values(tokens=tokens, updated_at=now)
        )
        raise RateLimited(math.ceil((1.0 - tokens) / rate) if rate > 0 else math.inf)
    conn.execute(
        hit_buckets.update()
        .where(hit_buckets.c.account == name)
        .values(tokens=tokens - 1.0, updated_at=now)
    )
