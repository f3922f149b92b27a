"""What a person owns, and what justice froze, seized, confiscated or allocated.

Patrimonial inquiries draw on registers that each hold one kind of asset: the land
registry (fichier immobilier), the vehicle register (SIV), boat registers, FICOBA for
bank accounts, the companies register, wallets named by an exchange or a seized phone.
``--format assets`` reads them as one layout (``asset_id, kind, description, owner_id,
owner_name, value, currency, valued_on, acquired_on, acquisition_price, bank,
account``), ``--format seizures`` the registry of seizure decisions kept for AGRASC
(Agence de gestion et de recouvrement des avoirs saisis et confisqués) and ``--format
income`` the income a person declared, a row per year.

Each asset becomes the FtM entity of its kind, owned by its ``Person``: ``RealEstate``,
``Vehicle`` (keyed by plate, as plates found in seized texts are), ``Vessel``,
``BankAccount`` (keyed by bank and number, as the transfers name it), ``Company``,
``CryptoWallet`` (keyed by its normalized address, as extracted ones are). The reader
adds, for the kind of the row only, the columns its entity is keyed on, so that a
mapping can give each kind its own schema.
"""

from __future__ import annotations

import re
from typing import Any

from filet.ingest.records import AddedColumns, RecordError
from filet.model.identifiers import crypto, iban

KINDS = ("real_estate", "vehicle", "vessel", "bank_account", "company", "crypto_wallet")
# French names the registers use, read as the kinds above.
KIND_ALIASES = {
    "immobilier": "real_estate",
    "vehicule": "vehicle",
    "véhicule": "vehicle",
    "bateau": "vessel",
    "navire": "vessel",
    "compte": "bank_account",
    "societe": "company",
    "société": "company",
    "portefeuille": "crypto_wallet",
}
# Seizure decisions, in the order an asset goes through them (Code de procédure pénale
# art. 706-141 to 706-158 for seizures, Code pénal art. 131-21 for confiscation,
# CPP art. 706-160 for allocation by AGRASC to investigation services).
STATUSES = ("frozen", "seized", "confiscated", "allocated", "sold", "returned", "destroyed")
_SIV_PLATE = re.compile(r"^([A-Z]{2})-?(\d{3})-?([A-Z]{2})$")


def owned_columns(kind: str) -> tuple[str, str]:
    """The columns the reader sets for a row of ``kind``: the asset's key, and the key
    of its ownership by the row's owner."""
    return f"{kind}_ref", f"{kind}_owned"


ADDED_COLUMNS = tuple(column for kind in KINDS for column in owned_columns(kind))


def asset_kind(text: Any) -> str:
    """A row's kind, in English or as the French registers write it."""
    kind = str(text or "").strip().lower().replace(" ", "_")
    kind = KIND_ALIASES.get(kind, kind)
    if kind not in KINDS:
        raise RecordError("kind", f"type de bien inconnu / unknown asset kind {text!r}: {KINDS}")
    return kind


def asset_ref(kind: str, fields: dict[str, Any]) -> str:
    """The key of the asset, normalized as the other sources that name it write it."""
    text = str(fields.get("asset_id") or "").strip()
    if kind == "bank_account":
        account = str(fields.get("account") or text).strip()
        if iban.looks_like(account):
            try:
                account = iban.normalize(account)
            except ValueError as error:
                raise RecordError("account", str(error)) from error
        return account
    if not text:
        raise RecordError("asset_id", "référence du bien manquante / missing asset reference")
    if kind == "crypto_wallet":
        try:
            return crypto.normalize(text)
        except ValueError as error:
            raise RecordError("asset_id", str(error)) from error
    if kind == "vehicle":
        plate = "".join(text.upper().split())
        siv = _SIV_PLATE.match(plate)
        return "-".join(siv.groups()) if siv else plate
    return text


class AssetColumns(AddedColumns):
    """What the ``assets`` reader does to a CSV record: the asset's reference normalized
    (so that a seizure names the asset as its record does) and its kind's key columns."""

    added = ADDED_COLUMNS

    def fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        kind = asset_kind(fields.get("kind"))
        ref = asset_ref(kind, fields)
        owner = str(fields.get("owner_id") or "").strip()
        keyed = dict.fromkeys(self.added)
        ref_column, owned_column = owned_columns(kind)
        keyed[ref_column] = ref
        keyed[owned_column] = f"{owner}/{ref}" if owner else None
        account = ref if kind == "bank_account" else fields.get("account")
        return {**fields, "asset_id": ref, "kind": kind, "account": account, **keyed}


ASSET_COLUMNS = AssetColumns()
