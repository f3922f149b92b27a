"""Crypto wallets as starting points of a trace: an address as typed, an entity's wallets.

On-chain transfers sit in the ``transactions`` table like bank transfers, the chain in
place of the bank (``bitcoin/1NEDq…``, ``ethereum/0x5aae…``, ``tron/TR7N…``), so the
tracing itself is :mod:`filet.finance.tracing`'s. What differs is how the analyst names
the start: an address copied from a message or an explorer, in whatever case, or a
person or company that holds wallets (``CryptoWallet.holder``, from the ``wallets``
format). Hexadecimal (Ethereum) and Bech32 (``bc1…``) addresses are case-insensitive
and normalized to lower case; Base58 (Bitcoin ``1…``/``3…``, Tron) is case-sensitive:
it is found only as written.
"""

from __future__ import annotations

import sqlalchemy as sa

from filet.model.identifiers import crypto
from filet.store.entities import load_entity
from filet.store.tables import statements


def address_numbers(text: str) -> list[str]:
    """The normalized address when ``text`` is one, alone or as a transfer key
    (``chain/address``); empty otherwise."""
    address = text.strip().rpartition("/")[2]
    try:
        return [crypto.normalize(address)]
    except ValueError:
        return []


def held_wallets(
    conn: sa.Connection, entity_id: str, visible: sa.ColumnElement[bool] | None = None
) -> list[str]:
    """The addresses of a wallet entity, or of the wallets the entity holds, from the
    statements that match ``visible`` (the access policy's row filter)."""
    entity = load_entity(conn, entity_id, visible=visible)
    if entity is None:
        return []
    if entity.schema.name == "CryptoWallet":
        return sorted(set(entity.get("publicKey")))
    held = sa.select(statements.c.entity_id).where(
        statements.c.schema == "CryptoWallet",
        statements.c.prop == "holder",
        statements.c.value == entity_id,
    )
    if visible is not None:
        held = held.where(visible)
    addresses: set[str] = set()
    for wallet_id in conn.execute(held).scalars():
        wallet = load_entity(conn, wallet_id, visible=visible)
        addresses |= set(wallet.get("publicKey")) if wallet is not None else set()
    return sorted(addresses)
