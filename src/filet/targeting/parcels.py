"""Postal and express parcels as the ``parcels`` format reads them.

Postal operators send customs the advance data of each item before it arrives (UPU-WCO
EDI messages, ITMATT: item, sender, addressee, content, value, weight, category), and
express carriers the same fields in their own manifests; since March 2023 every postal
and express consignment entering the EU is filed in ICS2 (Implementing Regulation (EU)
2015/2447 Annex B, as amended). The ``parcels`` layout is one item a row with those
fields (``mappings/parcels.yaml``).

Each record is checked before the mapping sees it; one that fails goes to the
quarantine, naming the column:

- ``item_id``: a postal item (``channel`` ``post``) carries a UPU S10 number, and any
  number of the S10 shape must have the right check digit
  (:mod:`filet.model.identifiers.s10`); an express carrier's own number is 6 to 40
  letters and digits;
- ``origin_country`` and ``destination_country``: ISO 3166-1 alpha-2 (pycountry);
- ``currency``: ISO 4217 (pycountry);
- ``hs6``: at least six digits (a CN or TARIC code keeps its first six).

It then adds the keys the parcel rules join on, in SQL on either engine:
``address_key`` (the addressee's address folded to ASCII words, street types
abbreviated, with postcode and country), ``addressee_folded`` (the name's folded tokens
in order, so that ``DUPONT Jean`` is ``Jean Dupont``), ``sender_key`` (the same for the
sender, with its country), ``phone_e164`` (the addressee's phone in E.164 where it
parses, read in the destination country) and ``description_words`` (the declared content
in upper-case ASCII words between single spaces, for whole-word matches).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pycountry

from filet.ingest.records import AddedColumns, IngestError, RecordError
from filet.model.identifiers import phone, s10
from filet.search.names import fold

ADDED_COLUMNS = (
    "item_key",
    "phone_e164",
    "address_key",
    "addressee_folded",
    "sender_key",
    "description_words",
)
REQUIRED_COLUMNS = ("item_id", "channel", "posted_ts", "origin_country")
CHANNELS = ("post", "express")
CATEGORIES = ("gift", "sale", "sample", "document", "returned", "other")
_EXPRESS_NUMBER = re.compile(r"^[A-Z0-9]{6,40}$")
_NOT_WORD = re.compile(r"[^A-Z0-9]+")
_HS_SEPARATORS = re.compile(r"[\s.\-]")
# Street types as La Poste's address standard (NF Z10-011) abbreviates them, so that
# « 12 avenue Foch » and « 12 av. Foch » are one address.
STREET_TYPES = {
    "avenue": "av",
    "boulevard": "bd",
    "allee": "all",
    "chemin": "che",
    "impasse": "imp",
    "place": "pl",
    "route": "rte",
    "residence": "res",
    "square": "sq",
    "faubourg": "fg",
    "quai": "qu",
    "street": "st",
    "road": "rd",
}


def item_key(item: str, channel: str | None) -> str:
    """The item's number as compared; RecordError on a wrong S10 number."""
    number = s10.compact(item)
    if channel == "post" or s10.has_shape(number):
        try:
            return s10.normalize(number)
        except ValueError as error:
            raise RecordError("item_id", str(error)) from error
    if not _EXPRESS_NUMBER.match(number):
        raise RecordError(
            "item_id",
            f"numéro de colis express illisible / unreadable express number {item[:40]!r} "
            "(6 à 40 lettres et chiffres / 6 to 40 letters and digits)",
        )
    return number


def country(value: str | None, column: str) -> str | None:
    """An ISO 3166-1 alpha-2 code in capitals; RecordError naming the column if unknown."""
    if value is None:
        return None
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise RecordError(column, f"pays inconnu / unknown country {value[:20]!r} (ISO 3166-1)")
    return code


def currency(value: str | None) -> str | None:
    """An ISO 4217 code in capitals; RecordError if unknown."""
    if value is None:
        return None
    code = value.strip().upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise RecordError("currency", f"devise inconnue / unknown currency {value[:20]!r}")
    return code


def hs6(value: str | None) -> str | None:
    """The first six digits of an HS, CN or TARIC code; RecordError if fewer."""
    if value is None:
        return None
    digits = _HS_SEPARATORS.sub("", value)
    if not digits.isdigit() or not 6 <= len(digits) <= 10:
        raise RecordError(
            "hs6", f"code SH illisible / unreadable HS code {value[:20]!r} (6 à 10 chiffres)"
        )
    return digits[:6]


def words(text: str | None) -> str | None:
    """Upper-case ASCII words between single spaces: ``T SHIRT COTON``."""
    if not text:
        return None
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_WORD.sub(" ", ascii_text.upper()).strip() or None


def name_key(name: str | None) -> str | None:
    """A person's or company's name as compared: folded tokens, sorted."""
    tokens = sorted(fold(name).tokens) if name else []
    return " ".join(tokens) or None


def address_key(address: str | None, postcode: str | None, country_code: str | None) -> str | None:
    """The address as compared: folded words, street types abbreviated, with the postcode
    (letters and digits) and the country."""
    tokens = [STREET_TYPES.get(token, token) for token in fold(address).tokens] if address else []
    if not tokens:
        return None
    code = _NOT_WORD.sub("", (postcode or "").upper())
    return f"{' '.join(tokens)}|{code}|{country_code or ''}"


def phone_key(number: str | None, region: str | None) -> str | None:
    """The phone in E.164, read as dialled in ``region``; None where it does not parse
    (a wrong phone does not make the parcel unreadable)."""
    if not number:
        return None
    try:
        return phone.normalize(number, region or phone.DEFAULT_REGION)
    except ValueError:
        return None


class ParcelColumns(AddedColumns):
    """What the ``parcels`` reader adds to a CSV record: its checked values and keys."""

    added = ADDED_COLUMNS

    def announced(self, header: list[str] | None) -> list[str] | None:
        """The CSV header plus the columns the reader adds; a file without the columns
        every item needs is refused whole."""
        if header is not None:
            missing = [column for column in REQUIRED_COLUMNS if column not in header]
            if missing:
                raise IngestError(
                    f"en-tête / header: colonnes absentes / missing columns {', '.join(missing)}"
                )
        return super().announced(header)

    def fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The record with its codes checked and its keys set; RecordError if not."""
        channel = (_text(fields.get("channel")) or "").lower() or None
        item = _text(fields.get("item_id"))
        destination = country(_text(fields.get("destination_country")), "destination_country")
        origin = country(_text(fields.get("origin_country")), "origin_country")
        checked = {
            "origin_country": origin,
            "destination_country": destination,
            "currency": currency(_text(fields.get("currency"))),
            "hs6": hs6(_text(fields.get("hs6"))),
        }
        sender = name_key(_text(fields.get("sender_name")))
        return {
            **fields,
            **{key: value for key, value in checked.items() if key in fields},
            "item_key": item_key(item, channel) if item else None,
            "phone_e164": phone_key(_text(fields.get("addressee_phone")), destination),
            "address_key": address_key(
                _text(fields.get("addressee_address")),
                _text(fields.get("addressee_postcode")),
                destination,
            ),
            "addressee_folded": name_key(_text(fields.get("addressee_name"))),
            "sender_key": f"{sender}|{origin or ''}" if sender else None,
            "description_words": words(_text(fields.get("content_description"))),
        }


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


PARCEL_COLUMNS = ParcelColumns()
