"""FollowTheMoney entities back to BODS v0.4 statements: the other half of the round trip.

The mapping is the reverse of ``filet.finance.bods``: ``bods-`` ids give back their
record ids, each ``Ownership``/``Control`` edge one interest of the relationship named
by its ``recordId`` (or by its two parties), and a declared-unknown note an inline
``interestedParty`` with its reason. Statement ids are derived from the record's
content, so that exporting the same entities twice gives the same statements.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from followthemoney import EntityProxy
from followthemoney.types import registry

from filet.finance.bods import BODS_VERSION, ENTITY_SCHEMATA
from filet.finance.ownership import DECLARED_UNKNOWN, parse_percentage

ENTITY_TYPES = {schema: kind for kind, schema in ENTITY_SCHEMATA.items()}
FLAGS = ("beneficialOwnershipOrControl", "directOrIndirect")


@dataclass(frozen=True)
class Record:
    record_id: str
    record_type: str
    details: dict[str, Any]
    subject: str  # the record id the statement is declared about


def record_id(entity_id: str) -> str:
    return entity_id.removeprefix("bods-")


def to_statements(entities: Iterable[EntityProxy], published: str) -> list[dict[str, Any]]:
    """BODS v0.4 statements published on ``published``: the parties named by a holding
    or declaring an unknown owner, then the relationships."""
    parties: list[EntityProxy] = []
    relationships: dict[tuple[str, str, str], list[EntityProxy]] = defaultdict(list)
    for proxy in entities:
        if proxy.schema.name in ("Ownership", "Control"):
            source = record_id(proxy.first(proxy.schema.edge_source or "") or "")
            target = record_id(proxy.first(proxy.schema.edge_target or "") or "")
            name = proxy.first("recordId") or f"rel-{source}-{target}"
            relationships[(name, source, target)].append(proxy)
        elif proxy.schema.is_a("LegalEntity"):
            parties.append(proxy)
    held = {source: target for _, source, target in sorted(relationships)}
    named = {*held, *(target for _, _, target in relationships)}
    records = []
    for proxy in sorted(parties, key=lambda p: p.id or ""):
        declares = any(n.startswith(DECLARED_UNKNOWN) for n in proxy.get("notes", quiet=True))
        if record_id(proxy.id or "") not in named and not declares:
            continue  # a person or company of the workspace with no ownership on file
        records.append(_party(proxy, held))
        records.extend(_declared_unknown(proxy))
    for (name, source, target), edges in sorted(relationships.items()):
        interests = sorted(map(_interest, edges), key=lambda i: (i["type"], i.get("startDate", "")))
        details = {"isComponent": False, "subject": target, "interestedParty": source}
        records.append(Record(name, "relationship", {**details, "interests": interests}, target))
    return [_envelope(record, published) for record in records]


def _party(proxy: EntityProxy, held: dict[str, str]) -> Record:
    rid = record_id(proxy.id or "")
    if proxy.schema.name == "Person":
        name = {"type": "legal", "fullName": proxy.first("name")}
        name |= {"givenName": proxy.first("firstName"), "familyName": proxy.first("lastName")}
        details: dict[str, Any] = {
            "isComponent": False,
            "personType": "knownPerson",
            "names": [{key: value for key, value in name.items() if value}],
            "nationalities": [_country(code) for code in proxy.get("nationality")],
            "birthDate": proxy.first("birthDate"),
        }
        return Record(rid, "person", _compact(details), held.get(rid, rid))
    kind = ENTITY_TYPES.get(proxy.schema.name, "legalEntity")
    details = {
        "isComponent": False,
        "entityType": {"type": kind},
        "name": proxy.first("name"),
        "foundingDate": proxy.first("incorporationDate", quiet=True),
        "dissolutionDate": proxy.first("dissolutionDate", quiet=True),
        "identifiers": [
            _identifier(value) for value in proxy.get("registrationNumber", quiet=True)
        ],
        "jurisdiction": _country(proxy.first("jurisdiction", quiet=True)),
    }
    return Record(rid, "entity", _compact(details), rid)


def _declared_unknown(proxy: EntityProxy) -> list[Record]:
    rid = record_id(proxy.id or "")
    records = []
    for number, note in enumerate(proxy.get("notes", quiet=True)):
        if note.startswith(DECLARED_UNKNOWN):
            reason, _, text = note.removeprefix(DECLARED_UNKNOWN).partition(" — ")
            party = _compact({"reason": reason, "description": text})
            details = {"isComponent": False, "subject": rid, "interestedParty": party}
            records.append(Record(f"{rid}-unspecified-{number}", "relationship", details, rid))
    return records


def _interest(edge: EntityProxy) -> dict[str, Any]:
    control = edge.schema.name == "Control"
    kind = edge.first("controlType" if control else "ownershipType")
    interest: dict[str, Any] = {
        "type": kind or ("otherInfluenceOrControl" if control else "shareholding")
    }
    for part in "; ".join(edge.get("description")).split("; "):
        name, _, value = part.partition(": ")
        flag = next((flag for flag in FLAGS if flag.lower() == name.lower()), None)
        if flag is not None:
            interest[flag] = value == "true" if flag == FLAGS[0] else value
    share = parse_percentage(edge.first("percentage") or "") if not control else None
    if share is not None:
        exact = share.low == share.high
        interest["share"] = (
            {"exact": share.low} if exact else {"minimum": share.low, "maximum": share.high}
        )
    interest |= {"startDate": edge.first("startDate"), "endDate": edge.first("endDate")}
    return _compact(interest)


def _identifier(value: str) -> dict[str, str]:
    """ "GB-COH-10000001": org-id.guide schemes are two parts, a country and a register."""
    parts = value.split("-", 2)
    return (
        {"scheme": f"{parts[0]}-{parts[1]}", "id": parts[2]} if len(parts) == 3 else {"id": value}
    )


def _country(code: str | None) -> dict[str, str] | None:
    if not code:
        return None
    return {"code": code.upper(), "name": registry.country.caption(code) or code.upper()}


def _compact(details: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in details.items() if value not in (None, [], "")}


def _envelope(record: Record, published: str) -> dict[str, Any]:
    content = json.dumps([record.record_id, record.record_type, record.details], sort_keys=True)
    return {
        "statementId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"filet:bods:{content}")),
        "declarationSubject": record.subject,
        "statementDate": published,
        "publicationDetails": {
            "publicationDate": published,
            "bodsVersion": BODS_VERSION,
            "publisher": {"name": "Filet"},
        },
        "recordId": record.record_id,
        "recordStatus": "new",
        "recordType": record.record_type,
        "recordDetails": record.details,
    }
