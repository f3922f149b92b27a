"""The fields of a goAML report's records: the report, each transaction, each party.

A ``<report>`` (goAML 5.0.2, no namespace) gives one record for the ``fiu_reports``
table; each ``<transaction>`` one record for ``transactions`` and its link to the
report; each party of a transaction one record for the entity graph (the mapping
``goaml.yaml`` says what goes where). A party is an account (``t_account``, with the
entity that holds it and its signatories), a person (``t_person``) or an entity
(``t_entity``); an account with holders gives one record per holder, so that each
holder is tied to the account by an ``Ownership``.

Keys are written here so that one account, person or company is one entity across
reports: an IBAN is the account wherever it appears (the key the seized-material
formats give it), an account without IBAN is its number at its bank (SWIFT/BIC or
institution code); a person is their names, birth date and first identity document;
an entity its incorporation number and country, else its name and country. Names and
numbers are compared case-folded, spaces collapsed. In ``transactions``, an account is
its IBAN alone (the bank left empty, so that reports naming its bank differently agree),
else its bank and number; a person or entity paying or paid without an account is its
key (``person:…``, ``entity:…``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from xml.etree.ElementTree import Element

from filet.model.identifiers import iban as iban_id

Fields = dict[str, str | None]
SIDES = ("from", "to")


def text(element: Element | None, path: str) -> str | None:
    """The stripped text at ``path`` under ``element``; None when absent or blank."""
    found = element.find(path) if element is not None else None
    value = (found.text or "").strip() if found is not None else ""
    return value or None


def report_fields(report: Element) -> Fields:
    """The report's own fields: who filed it, when, why, and what was done."""
    person = report.find("reporting_person")
    indicators = [
        (item.text or "").strip() for item in report.iterfind("report_indicators/indicator")
    ]
    return {
        "report_id": _report_id(report),
        "rentity_id": text(report, "rentity_id"),
        "rentity_branch": text(report, "rentity_branch"),
        "submission_code": text(report, "submission_code"),
        "report_code": text(report, "report_code"),
        "entity_reference": text(report, "entity_reference"),
        "fiu_ref_number": text(report, "fiu_ref_number"),
        "submission_date": text(report, "submission_date") or text(report, "report_date"),
        "currency_code_local": text(report, "currency_code_local"),
        "reporting_person": _joined(text(person, "first_name"), text(person, "last_name")),
        "reason": text(report, "reason"),
        "action": text(report, "action"),
        "indicators": ", ".join(code for code in indicators if code) or None,
        "transactions": str(len(report.findall("transaction"))),
    }


def _report_id(report: Element) -> str | None:
    """``rentity_id/entity_reference``: the reporting entity's own reference is unique
    among its reports, and the FIU's number (``fiu_ref_number``) is often absent."""
    entity, reference = text(report, "rentity_id"), text(report, "entity_reference")
    return f"{entity}/{reference}" if entity and reference else None


def transaction_fields(transaction: Element, report: Element) -> Fields:
    """A transfer between two parties, in the report's local currency."""
    fields: Fields = {
        "report_id": _report_id(report),
        "transactionnumber": text(transaction, "transactionnumber"),
        "date_transaction": text(transaction, "date_transaction"),
        "transmode_code": text(transaction, "transmode_code"),
        "amount_local": text(transaction, "amount_local"),
        "currency": text(report, "currency_code_local"),
    }
    for side in SIDES:
        party = _side(transaction, side)
        bank, account = _party_account(party, side)
        fields[f"{side}_bank"] = bank
        fields[f"{side}_account"] = account
        fields[f"{side}_funds_code"] = text(party, f"{side}_funds_code")
    return fields


def _side(transaction: Element, side: str) -> Element | None:
    """``t_from`` or ``t_from_my_client`` (``t_to``…): the reporter's own client or not."""
    found = transaction.find(f"t_{side}_my_client")
    return found if found is not None else transaction.find(f"t_{side}")


def party_records(transaction: Element) -> Iterator[tuple[Element, Fields]]:
    """Each party of the transaction with the element it starts at."""
    for side in SIDES:
        party = _side(transaction, side)
        if party is None:
            continue
        account = party.find(f"{side}_account")
        if account is not None:
            yield from _account_records(account)
        person = party.find(f"{side}_person")
        if person is not None:
            yield person, _person_fields(person)
        entity = party.find(f"{side}_entity")
        if entity is not None:
            yield entity, _entity_fields(entity)


def _account_records(account: Element) -> Iterator[tuple[Element, Fields]]:
    """The account with each of its holders, or alone when it names none."""
    fields = _account_fields(account)
    holders: list[tuple[Element, Fields]] = []
    holder = account.find("t_entity")
    if holder is not None:
        holders.append((holder, {**_entity_fields(holder), "holder_role": "titulaire / holder"}))
    for signatory in account.iterfind("signatory"):
        person = signatory.find("t_person")
        if person is not None:
            role = _joined("signataire / signatory", text(signatory, "role"))
            holders.append((signatory, {**_person_fields(person), "holder_role": role}))
    if not holders:
        yield account, fields
    for element, holder_fields in holders:
        yield element, {**fields, **holder_fields}


def _account_fields(account: Element) -> Fields:
    iban = text(account, "iban")
    number = text(account, "account")
    compact = iban_id.compact(iban) if iban else None
    return {
        "account_iban": compact,
        "account_number": number,
        # The key of an account known by its number only (no IBAN).
        "account_number_key": None if compact else number,
        "account_bank": _bank(account),
        "account_bic": text(account, "swift"),
        "account_bank_name": text(account, "institution_name"),
        "account_currency": text(account, "currency_code"),
        "account_name": text(account, "account_name"),
    }


def _person_fields(person: Element) -> Fields:
    first, last = text(person, "first_name"), text(person, "last_name")
    nationalities = [text(person, f"nationality{n}") for n in (1, 2, 3)]
    return {
        "person_key": _person_key(person),
        "first_name": first,
        "last_name": last,
        "person_name": _joined(first, last),
        "birth_date": _date(text(person, "birthdate")),
        "nationality": _listed(code for code in nationalities if code and code != "-"),
        "ssn": text(person, "ssn"),
        "id_number": text(person, "id_number"),
        "passport_number": text(person, "passport_number"),
        "occupation": text(person, "occupation"),
        "address": _addresses(person),
        "phone": _phones(person),
    }


def _entity_fields(entity: Element) -> Fields:
    country = text(entity, "incorporation_country_code")
    return {
        "entity_key": _entity_key(entity),
        "entity_name": text(entity, "name"),
        "incorporation_number": text(entity, "incorporation_number"),
        "incorporation_country": None if country == "-" else country,
        "address": _addresses(entity),
        "phone": _phones(entity),
    }


def _person_key(person: Element) -> str | None:
    """Names, birth date and the first identity document given: two reports name one
    person only when all of these agree (a missed match is fixed by resolution, a
    wrong merge mixes two people's money)."""
    parts = (
        text(person, "last_name"),
        text(person, "first_name"),
        _date(text(person, "birthdate")),
        _document(person),
    )
    return _key("person", parts) if parts[0] else None


def _document(person: Element) -> str | None:
    passport = text(person, "passport_number")
    documents = (
        ("ssn", text(person, "ssn")),
        ("id", text(person, "id_number")),
        ("passport", passport and _joined(text(person, "passport_country"), passport)),
    )
    return next((f"{label} {value}" for label, value in documents if value), None)


def _entity_key(entity: Element) -> str | None:
    """The incorporation number in its country, else the name (and country)."""
    country = text(entity, "incorporation_country_code")
    number = text(entity, "incorporation_number")
    if number:
        return _key("entity", (country, number))
    name = text(entity, "name")
    return _key("entity", (name, country)) if name else None


def _party_account(party: Element | None, side: str) -> tuple[str | None, str | None]:
    """The party as ``transactions`` names it: (bank, account)."""
    account = party.find(f"{side}_account") if party is not None else None
    if account is not None:
        iban = text(account, "iban")
        if iban:
            return None, iban_id.compact(iban)
        return _bank(account), text(account, "account")
    person = party.find(f"{side}_person") if party is not None else None
    if person is not None:
        return None, _person_key(person)
    entity = party.find(f"{side}_entity") if party is not None else None
    return None, _entity_key(entity) if entity is not None else None


def _bank(account: Element) -> str | None:
    return text(account, "swift") or text(account, "institution_code")


def _key(kind: str, parts: tuple[str | None, ...]) -> str:
    words = " ".join(part for part in parts if part and part != "-")
    return f"{kind}:{' '.join(words.casefold().split())}"


def _date(value: str | None) -> str | None:
    """The date of an xs:dateTime (``1980-05-02T00:00:00``): a birth date has no hour."""
    return value[:10] if value else None


def _joined(*parts: str | None) -> str | None:
    return " ".join(part for part in parts if part) or None


def _listed(values: Iterable[str | None]) -> str | None:
    """Several values in one field, as the mapping splits them (``split: ";"``)."""
    return ";".join(value for value in values if value) or None


def _addresses(element: Element) -> str | None:
    return _listed(
        _joined(
            text(address, "address"),
            text(address, "zip"),
            text(address, "town") or text(address, "city"),
            text(address, "country_code"),
        )
        for address in element.iterfind("addresses/address")
    )


def _phones(element: Element) -> str | None:
    """Numbers with their country prefix (``33`` or ``+33``) written ``+33 …``."""
    return _listed(
        _joined(_prefix(text(phone, "tph_country_prefix")), text(phone, "tph_number"))
        for phone in element.iterfind("phones/phone")
    )


def _prefix(prefix: str | None) -> str | None:
    digits = "".join(char for char in prefix or "" if char.isdigit())
    return f"+{digits}" if digits else None
