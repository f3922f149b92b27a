"""Audit events, one class per kind of processing that Directive (EU) 2016/680 art. 25
requires to be logged: collection, alteration, consultation, disclosure, combination
and erasure.

Each event says who (``actor``), when (``at``, UTC), what (``objects``: identifiers,
never the content: a log that copied the data would itself need protecting as much as
the data), why (``justification``: the case or purpose) and, for a disclosure, to whom
(``recipient``). The class docstrings are the reference for what each field holds.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, ClassVar

from filet import settings


@dataclass(frozen=True)
class Actor:
    """Who acts, and the case or purpose that justifies it.

    Until accounts exist, the name is the ``audit_actor`` setting or the operating-system
    user, and the purpose is what ``--purpose`` (or the ``audit_purpose`` setting) says.
    """

    name: str
    purpose: str = ""

    @classmethod
    def local(cls, name: str | None = None, purpose: str | None = None) -> Actor:
        """The person at this terminal: explicit values first, then settings, then the OS."""
        chosen = name or settings.get("audit_actor") or getpass.getuser()
        return cls(chosen, purpose if purpose is not None else settings.get("audit_purpose"))


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class AuditEvent:
    """Common to every event. ``action`` names the command or service (``entity.show``);
    ``objects`` lists the identifiers acted on (entity ids, file digests, alert ids)."""

    category: ClassVar[str] = ""

    actor: Actor
    action: str
    objects: tuple[str, ...] = ()
    at: datetime = field(default_factory=_now)

    def to_dict(self) -> dict[str, Any]:
        """The event as plain JSON values; the actor is flattened into ``actor`` and
        ``justification``."""
        values: dict[str, Any] = {
            "category": self.category,
            "actor": self.actor.name,
            "justification": self.actor.purpose,
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
        }
        for item in fields(self):
            if item.name not in ("actor", "at"):
                value = getattr(self, item.name)
                values[item.name] = list(value) if isinstance(value, tuple) else value
        return values


@dataclass(frozen=True, kw_only=True)
class Collection(AuditEvent):
    """Data entered the store: one event per committed ingest batch, in the batch's own
    transaction. ``objects`` holds the file's SHA-256; ``lines`` the last line read."""

    category: ClassVar[str] = "collection"

    file_name: str
    batch: int
    lines: int
    rows_stored: int
    rows_quarantined: int
    entities_stored: int


@dataclass(frozen=True, kw_only=True)
class Consultation(AuditEvent):
    """Someone read data: ``objects`` are the entities or alerts shown or returned;
    ``results`` their number. A search records its kind and hits, not the words asked
    for, which may themselves be personal data."""

    category: ClassVar[str] = "consultation"

    results: int
    search_kind: str = ""


@dataclass(frozen=True, kw_only=True)
class Disclosure(AuditEvent):
    """Data left Filet (an export, scan output): ``recipient`` is who receives it (a
    file, a service), ``records`` how many records and ``sha256`` the digest of the bytes
    handed over, so the exact disclosure can later be proven."""

    category: ClassVar[str] = "disclosure"

    recipient: str
    records: int
    sha256: str
    handling_max: str = ""


@dataclass(frozen=True, kw_only=True)
class Alteration(AuditEvent):
    """Stored data changed: ``change`` says what changed (for a triage, the new status),
    never the changed values of personal data."""

    category: ClassVar[str] = "alteration"

    change: str


@dataclass(frozen=True, kw_only=True)
class Erasure(AuditEvent):
    """Data was deleted, e.g. at the end of its retention period: the data category, the
    legal basis and how many items went; ``objects`` names them, never their content."""

    category: ClassVar[str] = "erasure"

    data_category: str
    legal_basis: str
    erased: int


@dataclass(frozen=True, kw_only=True)
class Combination(AuditEvent):
    """Data sets were cross-analysed: ``objects`` are the detectors run over the event
    tables, with how many alerts they found and how many were new."""

    category: ClassVar[str] = "combination"

    engine: str
    alerts_found: int
    alerts_new: int


@dataclass(frozen=True, kw_only=True)
class Deconfliction(AuditEvent):
    """Records of two compartments were found to match (deconfliction): ``objects`` are
    the two entity ids, ``compartments`` the two compartments, ``match_kind`` how they
    match (``identifier:phone``, ``entity``, ``resolved``) and ``notices_new`` how many
    owners were notified for the first time. Never the matching value itself."""

    category: ClassVar[str] = "combination"

    match_kind: str
    compartments: tuple[str, ...]
    notices_new: int


@dataclass(frozen=True, kw_only=True)
class Authentication(AuditEvent):
    """Someone tried to log in (OWASP ASVS 5.0 16.3.1): ``outcome`` is ``success`` or why
    it failed (``bad_password``, ``bad_totp``, ``locked``, ``disabled``, ``unknown``);
    ``failures`` the consecutive failures counted after this attempt. Never the secret."""

    category: ClassVar[str] = "authentication"

    outcome: str
    failures: int = 0


@dataclass(frozen=True, kw_only=True)
class Authorization(AuditEvent):
    """The policy decided (OWASP ASVS 5.0 16.3.2): ``objects`` names the resource,
    ``allowed`` the decision, allow or deny, and ``reason`` the rule that made it."""

    category: ClassVar[str] = "authorization"

    allowed: bool
    reason: str
