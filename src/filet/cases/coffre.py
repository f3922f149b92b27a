"""The dossier coffre: items of a case sealed out of the procedure file.

Loi n° 2025-532 du 13 juin 2025 (art. 706-104 et s. du code de procédure pénale) lets
the date, time and place where a special investigative technique was set up, and who
helped install or remove it, stay out of the file the defence reads. The Conseil
constitutionnel (décision n° 2025-885 DC du 12 juin 2025) admitted it on condition that
no conviction rests on those items: every item is shown as non-evidentiary
(``NOTICE``), and none ever reaches an export, which reads only ``statements``.

Who reads an item is the policy's rule (``filet.security.coffre_policy``):
the case's magistrates and the holders they name, with a reason and an expiry. A refused
read answers ``None``, as an unknown id does. Every seal, read, holder change and
decision is in the audit log, which names items by id and never holds their content.

Technique, title and content are stored encrypted (AES-256-GCM) under a key kept in the
workspace folder, apart from the database: a copy of the database, or its administrator,
reads no sealed item. The key is bound with the item's id and case, so a ciphertext moved
to another row no longer opens. Losing the key file loses the sealed content.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from filet.security.accounts import get_account
from filet.security.audit import Alteration, Consultation, track_event
from filet.security.coffre_policy import (
    may_keep_coffre,
    may_keep_sealed,
    may_read_sealed,
    visible_sealed_clause,
)
from filet.security.identity import Account
from filet.security.policy import Action, allowed_actions, as_utc
from filet.store.tables import coffre_holders, coffre_items

NOTICE = (
    "Pièce du dossier coffre, non probante: aucune condamnation ne peut être fondée sur elle "
    "(Cons. const., déc. n° 2025-885 DC) / dossier coffre item, not evidence: no conviction "
    "may rest on it"
)
KEY_FILE = Path("coffre") / "coffre.key"
_NONCE_BYTES = 12


class Technique(StrEnum):
    """The special investigative technique the item describes, with its article of the
    code de procédure pénale."""

    INTERCEPTION = "interception"  # interception des correspondances, art. 706-95
    IMSI_CATCHER = "imsi-catcher"  # recueil des données de connexion, art. 706-95-20
    SONORISATION = "sonorisation"  # sonorisation et fixation d'images, art. 706-96
    CAPTATION = "captation-donnees"  # captation de données informatiques, art. 706-102-1
    GEOLOCALISATION = "geolocalisation"  # géolocalisation en temps réel, art. 230-32


class CoffreError(ValueError):
    """A refused or impossible coffre operation; the message says why, French then English."""


def not_found(item_id: str) -> str:
    """The one answer to an unknown item and to a refused one."""
    return f"Aucune pièce / no such item: {item_id}"


@dataclass(frozen=True)
class SealedItem:
    """One item of the dossier coffre, decrypted for an account allowed to read it."""

    non_evidentiary: ClassVar[bool] = True

    id: str
    case: str
    technique: Technique
    title: str
    content: str
    sealed_by: str
    sealed_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values, always with the non-evidentiary flag and its notice."""
        return {
            "id": self.id,
            "case": self.case,
            "technique": self.technique.value,
            "title": self.title,
            "content": self.content,
            "sealed_by": self.sealed_by,
            "sealed_at": self.sealed_at.isoformat(),
            "non_evidentiary": self.non_evidentiary,
            "notice": NOTICE,
        }


@dataclass(frozen=True)
class Holder:
    """An account the case's magistrate named to read one item, until ``expires_at``."""

    item_id: str
    account: str
    granted_by: str
    reason: str
    expires_at: datetime
    revoked_at: datetime | None

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


@dataclass(frozen=True)
class CoffreKey:
    """The workspace's AES-256-GCM key for sealed items."""

    raw: bytes = field(repr=False)

    def seal(self, item_id: str, case: str, plaintext: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + AESGCM(self.raw).encrypt(nonce, plaintext, _bound(item_id, case))

    def open(self, item_id: str, case: str, sealed: bytes) -> bytes:
        nonce, ciphertext = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
        try:
            return AESGCM(self.raw).decrypt(nonce, ciphertext, _bound(item_id, case))
        except InvalidTag:
            raise CoffreError(
                f"pièce illisible (altérée ou autre clé) / unreadable item (altered or "
                f"another key): {item_id}"
            ) from None


def _bound(item_id: str, case: str) -> bytes:
    return f"filet-coffre\n{item_id}\n{case}".encode()


def workspace_key(conn: sa.Connection, home: Path) -> CoffreKey:
    """The key in ``home`` (mode 0600), created while the coffre is still empty: a new key
    beside sealed items would only hide that the old one is lost."""
    path = home / KEY_FILE
    if path.exists():
        raw = path.read_bytes()
        if len(raw) != 32:
            raise CoffreError(f"{path}: clé de 32 octets attendue / expected a 32-byte key")
        return CoffreKey(raw)
    if conn.scalar(sa.select(sa.exists(sa.select(coffre_items.c.id)))):
        raise CoffreError(f"{path}: clé du coffre absente / the coffre key is missing")
    raw = AESGCM.generate_key(bit_length=256)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(raw)
    return CoffreKey(raw)


def seal(
    conn: sa.Connection,
    key: CoffreKey,
    by: Account,
    case: str,
    technique: Technique,
    title: str,
    content: str,
    purpose: str = "",
) -> SealedItem:
    """Seal an item in ``case``'s coffre; only the case's magistrate may."""
    decision = may_keep_coffre(conn, by, case, purpose)
    if not decision:
        raise CoffreError(f"refusé / denied: {decision.reason}")
    if not title.strip() or not content.strip():
        raise CoffreError("intitulé et contenu obligatoires / a title and content are required")
    item = SealedItem(
        secrets.token_hex(16), case, technique, title, content, by.name, datetime.now(UTC)
    )
    payload = {"technique": technique.value, "title": title, "content": content}
    conn.execute(
        coffre_items.insert().values(
            id=item.id,
            compartment=case,
            sealed=key.seal(item.id, case, json.dumps(payload, ensure_ascii=False).encode()),
            sealed_by=by.name,
            sealed_at=item.sealed_at,
        )
    )
    _altered(conn, by, purpose, "coffre.seal", item.id, f"pièce scellée / item sealed in {case}")
    return item


def read_item(
    conn: sa.Connection,
    key: CoffreKey,
    account: Account,
    item_id: str,
    purpose: str = "",
    now: datetime | None = None,
) -> SealedItem | None:
    """The item, for an account the policy lets read it; ``None`` when refused or absent,
    the two alike on purpose."""
    if not may_read_sealed(conn, account, item_id, purpose, now):
        return None
    row = conn.execute(sa.select(coffre_items).where(coffre_items.c.id == item_id)).one()
    item = _item(key, row)
    _consulted(conn, account, purpose, "coffre.show", [item.id])
    return item


def list_visible(
    conn: sa.Connection,
    key: CoffreKey,
    account: Account,
    case: str | None = None,
    purpose: str = "",
    now: datetime | None = None,
) -> list[SealedItem]:
    """The items ``account`` may read (of ``case`` only, when given), oldest first."""
    query = sa.select(coffre_items).where(visible_sealed_clause(account, now))
    if case is not None:
        query = query.where(coffre_items.c.compartment == case)
    rows = conn.execute(query.order_by(coffre_items.c.sealed_at, coffre_items.c.id))
    items = [_item(key, row) for row in rows]
    _consulted(conn, account, purpose, "coffre.list", [item.id for item in items])
    return items


def holders(
    conn: sa.Connection,
    by: Account,
    item_id: str,
    purpose: str = "",
    now: datetime | None = None,
) -> list[Holder] | None:
    """Every holder ever named for the item, for the case's magistrate; ``None`` when
    refused or absent."""
    if not may_keep_sealed(conn, by, item_id, purpose, now):
        return None
    rows = conn.execute(
        sa.select(coffre_holders)
        .where(coffre_holders.c.item_id == item_id)
        .order_by(coffre_holders.c.account)
    )
    named = [
        Holder(
            item_id=row.item_id,
            account=row.account,
            granted_by=row.granted_by,
            reason=row.reason,
            expires_at=as_utc(row.expires_at),
            revoked_at=None if row.revoked_at is None else as_utc(row.revoked_at),
        )
        for row in rows
    ]
    _consulted(conn, by, purpose, "coffre.holders", [item_id])
    return named


def grant_holder(
    conn: sa.Connection,
    by: Account,
    item_id: str,
    account: str,
    reason: str,
    until: datetime,
    now: datetime | None = None,
) -> None:
    """Name ``account`` holder of the item until ``until``, for ``reason``. Its role must
    read data; its clearance is checked at each read, as for a membership."""
    moment = now or datetime.now(UTC)
    if not may_keep_sealed(conn, by, item_id, reason, moment):
        raise CoffreError(not_found(item_id))
    if not reason.strip():
        raise CoffreError("motif obligatoire / a reason is required")
    if until <= moment:
        raise CoffreError("échéance passée / the expiry must be in the future")
    named = get_account(conn, account)
    if named is None or named.disabled:
        raise CoffreError(f"compte inconnu ou désactivé / unknown or disabled: {account}")
    if Action.READ not in allowed_actions(named):
        raise CoffreError(f"le rôle / role {named.role.value} ne lit pas / reads no data")
    conn.execute(
        coffre_holders.delete().where(
            coffre_holders.c.item_id == item_id, coffre_holders.c.account == account
        )
    )
    conn.execute(
        coffre_holders.insert().values(
            item_id=item_id,
            account=account,
            granted_by=by.name,
            reason=reason,
            granted_at=moment,
            expires_at=until,
            revoked_by=None,
            revoked_at=None,
        )
    )
    change = f"détenteur / holder {account} until {until:%Y-%m-%d}"
    _altered(conn, by, reason, "coffre.holder.grant", item_id, change)


def revoke_holder(
    conn: sa.Connection,
    by: Account,
    item_id: str,
    account: str,
    reason: str,
    now: datetime | None = None,
) -> None:
    """End ``account``'s designation at once; the row stays, for the record."""
    moment = now or datetime.now(UTC)
    if not may_keep_sealed(conn, by, item_id, reason, moment):
        raise CoffreError(not_found(item_id))
    done = conn.execute(
        coffre_holders.update()
        .where(
            coffre_holders.c.item_id == item_id,
            coffre_holders.c.account == account,
            coffre_holders.c.revoked_at.is_(None),
        )
        .values(revoked_at=moment, revoked_by=by.name)
    )
    if not done.rowcount:
        raise CoffreError(f"pas détenteur / not a holder: {account}")
    _altered(conn, by, reason, "coffre.holder.revoke", item_id, f"retrait / revoke {account}")


def _item(key: CoffreKey, row: Any) -> SealedItem:
    payload = json.loads(key.open(row.id, row.compartment, row.sealed))
    return SealedItem(
        id=row.id,
        case=row.compartment,
        technique=Technique(payload["technique"]),
        title=payload["title"],
        content=payload["content"],
        sealed_by=row.sealed_by,
        sealed_at=as_utc(row.sealed_at),
    )


def _altered(
    conn: sa.Connection, by: Account, purpose: str, action: str, item_id: str, change: str
) -> None:
    event = Alteration(
        actor=by.actor(purpose), action=action, objects=(f"coffre-item:{item_id}",), change=change
    )
    track_event(conn, event)


def _consulted(
    conn: sa.Connection, by: Account, purpose: str, action: str, item_ids: list[str]
) -> None:
    objects = tuple(f"coffre-item:{item_id}" for item_id in item_ids)
    track_event(
        conn,
        Consultation(actor=by.actor(purpose), action=action, objects=objects, results=len(objects)),
    )
