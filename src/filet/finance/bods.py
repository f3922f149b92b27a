"""BODS v0.4 ownership statements as FollowTheMoney entities.

The Beneficial Ownership Data Standard (Open Ownership, v0.4) publishes records of
three types: ``entity``, ``person`` and ``relationship``; a relationship names its
``subject`` and ``interestedParty`` by ``recordId`` and lists interests. Each interest
becomes its own FtM edge, so that shares and voting rights both stay on file:
``shareholding`` and ``votingRights`` as ``Ownership`` (``percentage`` "75", or "25-50"
for a range), every other interest type (board appointment, senior managing official,
trustee…) as ``Control``. ``beneficialOwnershipOrControl`` and ``directOrIndirect`` go
to the edge's ``description``.

A declared-unknown owner (``interestedParty`` given as ``{"reason": …}``) is no person:
the reason code and its text go into the subject's ``notes``, behind the marker that
``filet.finance.ownership`` reads, so that it stays distinct from missing data. Entity
ids are the record ids, prefixed ``bods-``: the same record gives the same entity.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy

from filet.finance.ownership import DECLARED_UNKNOWN
from filet.model import model

BODS_VERSION = "0.4"
OWNERSHIP_INTERESTS = ("shareholding", "votingRights")
ENTITY_SCHEMATA = {"registeredEntity": "Company", "stateBody": "PublicBody"}


class BodsError(ValueError):
    """A statement that is not BODS v0.4, with where it is and which field is wrong."""


def read_file(path: Path) -> list[tuple[EntityProxy, str]]:
    """Entities from a BODS JSON file (an array of statements), each with its statement id."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise BodsError(f"{path}: line {exc.lineno}: not JSON: {exc.msg}") from exc
    if not isinstance(data, list):
        raise BodsError(f"{path}: a BODS file is a JSON array of statements")
    return to_entities(data, str(path))


def to_entities(
    statements: list[dict[str, Any]], origin: str = "bods"
) -> list[tuple[EntityProxy, str]]:
    """The latest statement of each record, as FtM entities; closed records are dropped."""
    latest: dict[str, tuple[int, dict[str, Any]]] = {}
    for index, statement in enumerate(statements):
        _check(statement, f"{origin}: statement {index}")
        latest[statement["recordId"]] = (index, statement)
    notes: dict[str, list[str]] = defaultdict(list)
    out: list[tuple[EntityProxy, str]] = []
    for index, statement in latest.values():
        if statement.get("recordStatus") == "closed":
            continue
        kind, details = statement["recordType"], statement["recordDetails"]
        if kind == "relationship":
            out.extend(_relationship(statement, details, notes, f"{origin}: statement {index}"))
        else:
            out.append((_party(kind, statement["recordId"], details), statement["statementId"]))
    for proxy, _ in out:
        for note in notes.get(proxy.id or "", []):
            proxy.add("notes", note)
    return out


def _check(statement: dict[str, Any], where: str) -> None:
    for name in ("statementId", "recordId", "recordType", "recordDetails"):
        if name not in statement:
            raise BodsError(f"{where}: field {name!r} is missing")
    version = statement.get("publicationDetails", {}).get("bodsVersion")
    if version != BODS_VERSION:
        raise BodsError(
            f"{where}: field 'publicationDetails.bodsVersion' is {version!r}, not '0.4'"
        )
    if statement["recordType"] not in ("entity", "person", "relationship"):
        raise BodsError(f"{where}: field 'recordType' is {statement['recordType']!r}")


def entity_id(record_id: str) -> str:
    return f"bods-{record_id}"


def _party(kind: str, record_id: str, details: dict[str, Any]) -> EntityProxy:
    if kind == "person":
        proxy = model.make_entity("Person")
        proxy.id = entity_id(record_id)
        for name in details.get("names", [])[:1]:
            proxy.add("name", name.get("fullName"))
            proxy.add("firstName", name.get("givenName"))
            proxy.add("lastName", name.get("familyName"))
        proxy.add("nationality", [n.get("code") for n in details.get("nationalities", [])])
        proxy.add("birthDate", details.get("birthDate"))
        if details.get("personType", "knownPerson") != "knownPerson":
            reason = details.get("unspecifiedPersonDetails", {}).get("reason", "")
            proxy.add("notes", f"BODS personType: {details['personType']} {reason}".strip())
        return proxy
    entity_type = details.get("entityType", {}).get("type", "")
    proxy = model.make_entity(ENTITY_SCHEMATA.get(entity_type, "LegalEntity"))
    proxy.id = entity_id(record_id)
    proxy.add("name", details.get("name"))
    proxy.add("jurisdiction", details.get("jurisdiction", {}).get("code"))
    proxy.add("incorporationDate", details.get("foundingDate"))
    proxy.add("dissolutionDate", details.get("dissolutionDate"))
    for identifier in details.get("identifiers", []):
        proxy.add(
            "registrationNumber", f"{identifier.get('scheme', '')}-{identifier.get('id', '')}"
        )
    return proxy


def _relationship(
    statement: dict[str, Any], details: dict[str, Any], notes: dict[str, list[str]], where: str
) -> list[tuple[EntityProxy, str]]:
    subject, party = details.get("subject"), details.get("interestedParty")
    if not isinstance(subject, str):
        raise BodsError(f"{where}: field 'recordDetails.subject' is not a record id")
    if isinstance(party, dict):
        reason = party.get("reason", "")
        text = party.get("description", "")
        notes[entity_id(subject)].append(f"{DECLARED_UNKNOWN}{reason} — {text}".rstrip(" —"))
        return []
    if not isinstance(party, str):
        raise BodsError(f"{where}: field 'recordDetails.interestedParty' is missing")
    edges = []
    seen: dict[str, int] = defaultdict(int)
    for interest in details.get("interests", []):
        edge = _interest(interest, entity_id(party), entity_id(subject))
        kind = interest.get("type", "unknownInterest")
        seen[kind] += 1  # the n-th interest of a type: stable through an export
        edge.make_id("bods", statement["recordId"], kind, str(seen[kind]))
        edge.add("recordId", statement["recordId"])
        edges.append((edge, statement["statementId"]))
    return edges


def _interest(interest: dict[str, Any], owner: str, asset: str) -> EntityProxy:
    kind = interest.get("type", "unknownInterest")
    if kind in OWNERSHIP_INTERESTS:
        edge = model.make_entity("Ownership")
        edge.add("owner", owner)
        edge.add("asset", asset)
        edge.add("ownershipType", kind)
        edge.add("percentage", _percentage(interest.get("share", {})))
    else:
        edge = model.make_entity("Control")
        edge.add("controller", owner)
        edge.add("controlled", asset)
        edge.add("controlType", kind)
    edge.add("startDate", interest.get("startDate"))
    edge.add("endDate", interest.get("endDate"))
    flags = [
        f"{name}: {str(interest[name]).lower()}"
        for name in ("beneficialOwnershipOrControl", "directOrIndirect")
        if name in interest
    ]
    edge.add("description", "; ".join(flags) or None)
    return edge


def _percentage(share: dict[str, Any]) -> str | None:
    if "exact" in share:
        return f"{share['exact']:g}"
    low = share.get("minimum", share.get("exclusiveMinimum"))
    high = share.get("maximum", share.get("exclusiveMaximum"))
    if low is None and high is None:
        return None
    return f"{low or 0:g}-{100 if high is None else high:g}"
