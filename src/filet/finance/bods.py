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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy

from filet.finance.ownership import DECLARED_UNKNOWN
from filet.ingest.records import WHOLE_RECORD, IngestError, RecordError, SourceRecord
from filet.model import model

BODS_VERSION = "0.4"
OWNERSHIP_INTERESTS = ("shareholding", "votingRights")
ENTITY_SCHEMATA = {"registeredEntity": "Company", "stateBody": "PublicBody"}


class BodsError(ValueError):
    """A statement that is not BODS v0.4, with where it is and which field is wrong."""

    def __init__(self, message: str, field: str = WHOLE_RECORD) -> None:
        super().__init__(message)
        self.field = field


def to_entities(
    statements: list[dict[str, Any]], origin: str = "bods"
) -> list[tuple[EntityProxy, str]]:
    """The latest statement of each record, as FtM entities; closed records are dropped."""
    converted, problems = convert(statements, origin)
    if problems:
        raise problems[0][1]
    return [(proxy, statement_id) for _, proxy, statement_id in converted]


def convert(
    statements: list[Any], origin: str = "bods"
) -> tuple[list[tuple[int, EntityProxy, str]], list[tuple[int, BodsError]]]:
    """Entities with the index of the statement they come from, and the statements that
    are not BODS v0.4 with their problem: one bad statement does not stop the others."""
    latest: dict[str, tuple[int, dict[str, Any]]] = {}
    problems: list[tuple[int, BodsError]] = []
    for index, statement in enumerate(statements):
        try:
            _check(statement, f"{origin}: statement {index}")
        except BodsError as problem:
            problems.append((index, problem))
            continue
        latest[statement["recordId"]] = (index, statement)
    notes: dict[str, list[str]] = defaultdict(list)
    out: list[tuple[int, EntityProxy, str]] = []
    for index, statement in latest.values():
        if statement.get("recordStatus") == "closed":
            continue
        kind, details = statement["recordType"], statement["recordDetails"]
        if kind != "relationship":
            party = _party(kind, statement["recordId"], details)
            out.append((index, party, statement["statementId"]))
            continue
        try:
            edges = _relationship(statement, details, notes, f"{origin}: statement {index}")
        except BodsError as problem:
            problems.append((index, problem))
            continue
        out.extend((index, edge, statement_id) for edge, statement_id in edges)
    for _, proxy, _ in out:
        for note in notes.get(proxy.id or "", []):
            proxy.add("notes", note)
    return out, sorted(problems, key=lambda pair: pair[0])


def statement_records(text: str, path: Path) -> Iterator[SourceRecord]:
    """``filet ingest --format bods``: each entity a record, at the line where its
    statement starts; a statement that is not BODS v0.4 goes to the quarantine with the
    field at fault, and the others still go in."""
    located = list(_located_statements(text, path))
    converted, problems = convert([statement for _, _, statement in located], path.name)
    for index, proxy, _ in converted:
        entity = proxy.to_dict()
        yield SourceRecord(located[index][0], json.dumps(entity, ensure_ascii=False), entity)
    for index, problem in problems:
        line, raw, _ = located[index]
        yield SourceRecord(line, raw, None, RecordError(problem.field, str(problem)))


def statement_fields(raw: str) -> dict[str, Any]:
    """A replayed record: an entity as written, or a corrected party statement."""
    try:
        fields = json.loads(raw)
    except json.JSONDecodeError as error:
        raise RecordError(WHOLE_RECORD, f"JSON invalide / invalid JSON: {error.msg}") from error
    if isinstance(fields, dict) and "schema" in fields:
        return fields
    converted, problems = convert([fields], "replay")
    if problems:
        raise RecordError(problems[0][1].field, str(problems[0][1]))
    if len(converted) != 1:
        raise RecordError(
            WHOLE_RECORD,
            "une relation à plusieurs intérêts se réingère en fichier / a relationship with "
            "several interests is re-ingested as a file",
        )
    return converted[0][1].to_dict()


def _located_statements(text: str, path: Path) -> Iterator[tuple[int, str, Any]]:
    """The array's statements, each with the line it starts on and its exact text."""
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if not text.startswith("[", position):
        raise IngestError(
            f"{path}: un fichier BODS est un tableau JSON / a BODS file is a "
            "JSON array of statements"
        )
    position = _skip_space(text, position + 1)
    while not text.startswith("]", position):
        line = text.count("\n", 0, position) + 1
        try:
            statement, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise IngestError(
                f"{path}: ligne / line {error.lineno}: JSON invalide / not JSON: {error.msg}"
            ) from error
        yield line, text[position:end], statement
        position = _skip_space(text, end)
        if text.startswith(",", position):
            position = _skip_space(text, position + 1)
        elif not text.startswith("]", position):
            line = text.count("\n", 0, position) + 1
            raise IngestError(f"{path}: ligne / line {line}: « , » ou « ] » attendu / expected")


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _check(statement: Any, where: str) -> None:
    if not isinstance(statement, dict):
        raise BodsError(f"{where}: a statement is a JSON object")
    for name in ("statementId", "recordId", "recordType", "recordDetails"):
        if name not in statement:
            raise BodsError(f"{where}: field {name!r} is missing", name)
    version = statement.get("publicationDetails", {}).get("bodsVersion")
    if version != BODS_VERSION:
        raise BodsError(
            f"{where}: field 'publicationDetails.bodsVersion' is {version!r}, not '0.4'",
            "publicationDetails.bodsVersion",
        )
    if statement["recordType"] not in ("entity", "person", "relationship"):
        raise BodsError(f"{where}: field 'recordType' is {statement['recordType']!r}", "recordType")


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
        raise BodsError(
            f"{where}: field 'recordDetails.subject' is not a record id", "recordDetails.subject"
        )
    if isinstance(party, dict):
        reason = party.get("reason", "")
        text = party.get("description", "")
        notes[entity_id(subject)].append(f"{DECLARED_UNKNOWN}{reason} — {text}".rstrip(" —"))
        return []
    if not isinstance(party, str):
        raise BodsError(
            f"{where}: field 'recordDetails.interestedParty' is missing",
            "recordDetails.interestedParty",
        )
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
