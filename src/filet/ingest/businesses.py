"""Business register records as the ``businesses`` format reads them (SIRENE layout).

INSEE's SIRENE open data (« stock unités légales » and « stock établissements ») gives
every French business its SIREN, its main activity as a NAF rév. 2 code (``56.10C``,
fast food) and its headcount band (``01``: 1 or 2 employees). Those two are what a
business's cash takings are compared on (``finance.front_business``), so the register
is read one business account a row: the SIRENE columns, plus the account the business
is paid on, as an IBAN (``iban``) or as the transfers name it (``bank``, ``account``).

Each record is checked before the mapping sees it; one that fails goes to the
quarantine, naming the column:

- ``siren``: nine digits with a Luhn check digit (``stdnum.fr.siren``);
- ``siret`` (optional): fourteen digits, Luhn (La Poste's rule for its offices), and the
  SIREN it starts with must be the record's;
- the NAF code (``activitePrincipaleUniteLegale``, else
  ``activitePrincipaleEtablissement``): two digits, two digits, a letter (``56.10C`` or
  ``5610C``) in one of the 88 divisions of NAF rév. 2 (``filet.finance.sirene``);
- the headcount band (``trancheEffectifsUniteLegale``, else
  ``trancheEffectifsEtablissement``, optional): one of INSEE's codes;
- the creation date (``dateCreationUniteLegale``, else ``dateCreationEtablissement``,
  optional): ``YYYY-MM-DD``;
- the account: a valid IBAN, else an account number (``bank`` optional).

The checked values are added as ``business_*`` and ``account_*`` columns, which the
built-in mapping (``mappings/businesses.yaml``) reads, whichever SIRENE file the
columns come from.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from stdnum.exceptions import ValidationError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from filet.finance.sirene import HEADCOUNT_BANDS, naf_code
from filet.ingest.records import AddedColumns, IngestError, RecordError
from filet.model.identifiers import iban as iban_module

SIREN_COLUMN = "siren"
SIRET_COLUMN = "siret"
NAF_COLUMNS = ("activitePrincipaleUniteLegale", "activitePrincipaleEtablissement")
BAND_COLUMNS = ("trancheEffectifsUniteLegale", "trancheEffectifsEtablissement")
CREATED_COLUMNS = ("dateCreationUniteLegale", "dateCreationEtablissement")
# The legal name, else the establishment's trading name, else (an individual
# entrepreneur) the person's first name and surname, else a plain ``name`` column.
NAME_COLUMNS = ("denominationUniteLegale", "enseigne1Etablissement")
PERSON_COLUMNS = ("prenom1UniteLegale", "nomUniteLegale")
ADDRESS_COLUMNS = (
    "numeroVoieEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
)
IBAN_COLUMN, BANK_COLUMN, ACCOUNT_COLUMN = "iban", "bank", "account"
ADDED = (
    "business_siren",
    "business_siret",
    "business_name",
    "business_naf",
    "business_band",
    "business_created",
    "business_address",
    "account_bank",
    "account_number",
    "account_iban",
)


class BusinessColumns(AddedColumns):
    """What the ``businesses`` reader adds to a CSV record: its checked values."""

    added = ADDED

    def announced(self, header: list[str] | None) -> list[str] | None:
        """The CSV header plus the columns the reader adds; a file with no SIREN, no NAF
        code or no account column at all is refused."""
        if header is None:
            return None
        needs = {
            SIREN_COLUMN: (SIREN_COLUMN,),
            "NAF": NAF_COLUMNS,
            "compte / account": (IBAN_COLUMN, ACCOUNT_COLUMN),
        }
        for what, columns in needs.items():
            if not set(columns) & set(header):
                raise IngestError(
                    f"en-tête / header: colonne absente / missing column {what} "
                    f"(une de / one of: {', '.join(columns)})"
                )
        return super().announced(header)

    def fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The record with its checked values added; RecordError naming the column if not."""
        siren = normalize_siren(_text(fields, SIREN_COLUMN) or "")
        bank, number, iban = _account(fields)
        address = " ".join(filter(None, (_text(fields, c) for c in ADDRESS_COLUMNS)))
        return {
            **fields,
            "business_siren": siren,
            "business_siret": _siret(fields, siren),
            "business_name": _name(fields),
            "business_naf": _naf(fields),
            "business_band": _band(fields),
            "business_created": _created(fields),
            "business_address": address or None,
            "account_bank": bank,
            "account_number": number,
            "account_iban": iban,
        }


BUSINESS_COLUMNS = BusinessColumns()


def normalize_siren(text: str) -> str:
    """The nine digits of a SIREN, spaces dropped; RecordError if the Luhn check fails."""
    try:
        return str(stdnum_siren.validate(text))
    except ValidationError as error:
        raise RecordError(
            SIREN_COLUMN, f"SIREN invalide / invalid SIREN {text[:40]!r}: {error}"
        ) from error


def _siret(fields: dict[str, Any], siren: str) -> str | None:
    text = _text(fields, SIRET_COLUMN)
    if text is None:
        return None
    try:
        siret = str(stdnum_siret.validate(text))
    except ValidationError as error:
        raise RecordError(
            SIRET_COLUMN, f"SIRET invalide / invalid SIRET {text[:40]!r}: {error}"
        ) from error
    if siret[:9] != siren:
        raise RecordError(SIRET_COLUMN, f"{siret} n'est pas du SIREN / is not of SIREN {siren}")
    return siret


def _naf(fields: dict[str, Any]) -> str:
    column, text = _first(fields, NAF_COLUMNS)
    code = naf_code(text or "")
    if code is None:
        raise RecordError(
            column,
            f"{text!r} n'est pas un code NAF rév. 2 / is not a NAF rev. 2 code (56.10C)",
        )
    return code


def _band(fields: dict[str, Any]) -> str | None:
    column, text = _first(fields, BAND_COLUMNS)
    if text is None:
        return None
    code = text.upper()
    if code not in HEADCOUNT_BANDS:
        raise RecordError(
            column,
            f"{text!r} n'est pas une tranche d'effectif INSEE / is not an INSEE headcount "
            f"band ({', '.join(HEADCOUNT_BANDS)})",
        )
    return code


def _created(fields: dict[str, Any]) -> str | None:
    column, text = _first(fields, CREATED_COLUMNS)
    if text is None:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError as error:
        raise RecordError(
            column, f"{text!r} n'est pas une date AAAA-MM-JJ / is not a YYYY-MM-DD date"
        ) from error


def _name(fields: dict[str, Any]) -> str | None:
    _, name = _first(fields, NAME_COLUMNS)
    person = " ".join(filter(None, (_text(fields, column) for column in PERSON_COLUMNS)))
    return name or person or _text(fields, "name")


def _account(fields: dict[str, Any]) -> tuple[str | None, str, str | None]:
    """(bank, number, IBAN): an IBAN is matched whatever bank the transfers name."""
    iban = _text(fields, IBAN_COLUMN)
    if iban is not None:
        try:
            compact = iban_module.normalize(iban)
        except ValueError as error:
            raise RecordError(IBAN_COLUMN, str(error)) from error
        return None, compact, compact
    number = _text(fields, ACCOUNT_COLUMN)
    if number is None:
        raise RecordError(
            f"{IBAN_COLUMN}, {ACCOUNT_COLUMN}",
            "ni IBAN ni numéro de compte / neither an IBAN nor an account number",
        )
    return _text(fields, BANK_COLUMN), number, None


def _first(fields: dict[str, Any], columns: tuple[str, ...]) -> tuple[str, str | None]:
    """The first of ``columns`` that holds a value, or the first column and None."""
    for column in columns:
        text = _text(fields, column)
        if text is not None:
            return column, text
    return columns[0], None


def _text(fields: dict[str, Any], column: str) -> str | None:
    value = fields.get(column)
    if value is None:
        return None
    text = str(value).strip()
    return text or None
