"""Crypto-asset files as the ``wallets`` and ``chain`` formats read them.

``wallets``: addresses attributed to someone, one a row, as an exchange's answer to a
requisition (KYC), a seized phone's wallet app or a procès-verbal give them. A CSV
with the header ``address, holder_name, holder_birth_date, holder_company_number,
source, observed_date`` and, optionally, ``chain`` (``bitcoin``, ``ethereum``,
``tron``, or ``btc``, ``eth``, ``trx``; checked against the address). The holder is a
person (name, birth date ``YYYY-MM-DD``) or a company (name, registration number),
never both; a person known by name alone is kept with this wallet only, since a name
alone would merge namesakes (entity resolution may link them later).

``chain``: transfers exported from a block explorer or an analytics tool, one a row:
``tx_hash, timestamp, from_address, to_address, amount, asset`` (``BTC``, ``ETH``,
``USDT``…). ``timestamp`` is ISO 8601 (UTC when it has no offset) or Unix seconds, as
explorers export them. A Bitcoin transaction with several inputs and outputs is given
as one row per sender and receiver, with the amount the tool attributes to the pair;
the change a transaction pays back to its sender's new address is a row like any
other, which is how a peel chain shows.

Both readers normalize every address (:mod:`filet.model.identifiers.crypto`: checksum
checked, hexadecimal and Bech32 lower-cased) and name its chain in ``blockchain``; an
invalid address sends the record to the quarantine with its column. The wallet
entities take the key of the wallets found in seized messages (``seized.yaml``:
``crypto`` and the normalized address), so one address is one ``CryptoWallet``
whatever the file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from filet.ingest.records import AddedColumns, RecordError
from filet.model.identifiers import crypto
from filet.model.identifiers.common import strip_separators
from filet.search.names import fold

CHAIN_NAMES = {"btc": "bitcoin", "eth": "ethereum", "trx": "tron"}
PAYMENT_FORMAT = "Crypto"


def address(fields: dict[str, Any], column: str) -> str:
    """The address in ``column``, normalized; RecordError naming the column."""
    value = fields.get(column)
    if not isinstance(value, str) or not value.strip():
        raise RecordError(column, "adresse manquante / missing address")
    try:
        return crypto.normalize(value)
    except ValueError as error:
        raise RecordError(column, str(error)) from error


def wallet_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """A wallet record with its address normalized, its chain and its holder's key."""
    found = address(fields, "address")
    chain = crypto.chain(found)
    given = _text(fields.get("chain"))
    if given and CHAIN_NAMES.get(given.lower(), given.lower()) != chain:
        raise RecordError("chain", f"{given!r}: adresse {chain} / a {chain} address")
    return {**fields, "address": found, "blockchain": chain, **_holder_keys(fields, found)}


def _holder_keys(fields: dict[str, Any], found: str) -> dict[str, str | None]:
    """The keys of the holder's entity: ``person_key`` (folded name and birth date, or
    the address when there is no date) or ``company_key`` (the registration number,
    and ``company_wallet`` for the wallet mapping that links it)."""
    name = _text(fields.get("holder_name"))
    born = _text(fields.get("holder_birth_date"))
    number = _text(fields.get("holder_company_number"))
    if born and number:
        raise RecordError(
            "holder_company_number",
            "date de naissance ou numéro d'entreprise, pas les deux / "
            "a birth date or a company number, not both",
        )
    if born and not name:
        raise RecordError("holder_name", "nom manquant / missing name (holder_birth_date)")
    company = strip_separators(number).upper() if number else None
    person = None
    if name and not company:
        person = " ".join(sorted(fold(name).tokens)) + "|" + (born or found)
    return {"person_key": person, "company_key": company, "company_wallet": company and found}


def transfer_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """An on-chain transfer with both addresses normalized, on one chain."""
    sender, receiver = address(fields, "from_address"), address(fields, "to_address")
    chain = crypto.chain(sender)
    if crypto.chain(receiver) != chain:
        raise RecordError(
            "to_address",
            f"adresse {crypto.chain(receiver)}, expéditeur sur {chain} / "
            f"a {crypto.chain(receiver)} address, the sender's is {chain}",
        )
    asset = _text(fields.get("asset"))
    return {
        **fields,
        "from_address": sender,
        "to_address": receiver,
        "timestamp": _unix_seconds(fields.get("timestamp")),
        "asset": asset.upper() if asset else None,
        "blockchain": chain,
        "payment_format": PAYMENT_FORMAT,
    }


def _unix_seconds(value: Any) -> Any:
    """Unix seconds (Etherscan's ``UnixTimestamp``) as ISO 8601 UTC; other text as is."""
    if isinstance(value, str) and value.strip().isdigit():
        return datetime.fromtimestamp(int(value), UTC).isoformat()
    return value


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


class AddressColumns(AddedColumns):
    """A CSV layout holding crypto addresses: the columns its reader adds, and how; a
    record with an invalid address carries the problem."""

    def __init__(
        self, added: tuple[str, ...], convert: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> None:
        self.added = added
        self.convert = convert

    def fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        return self.convert(fields)


WALLET_COLUMNS = AddressColumns(
    ("blockchain", "person_key", "company_key", "company_wallet"), wallet_fields
)
CHAIN_COLUMNS = AddressColumns(("blockchain", "payment_format"), transfer_fields)
