"""Row-by-row validation: a record becomes entities and event rows, or a ``RecordError``.

FtM's mapping engine logs and drops a value its type cannot clean; here such a value
rejects the record instead, so that it reaches the quarantine rather than vanishing.
"""

from __future__ import annotations

from typing import Any, Protocol

from followthemoney import EntityProxy
from followthemoney.entity import ValueEntity
from followthemoney.mapping.entity import EntityMapping
from followthemoney.property import Property
from followthemoney.schema import Schema
from followthemoney.types import registry

from filet.ingest.convert import (
    event_value,
    is_missing,
    present_value,
    record_provenance,
    text_value,
    without_nulls,
)
from filet.ingest.mapping import EventMapping, Mapping
from filet.ingest.records import WHOLE_RECORD, Mapped, RecordError
from filet.model import model
from filet.model.provenance import Provenance
from filet.store.events import EVENT_TABLES

MAX_ID_LENGTH = 128  # entities.id in store/tables.py
MEMO_ENTRIES = 50_000  # mapped entities remembered per file before the memo starts afresh


class Validator(Protocol):
    def validate(self, fields: dict[str, Any], provenance: Provenance, line: int) -> Mapped: ...


class FtmValidator:
    """One FollowTheMoney entity per record, checked against Filet's model."""

    def validate(self, fields: dict[str, Any], provenance: Provenance, line: int) -> Mapped:
        schema = _schema(fields.get("schema"))
        entity_id = fields.get("id")
        if not isinstance(entity_id, str) or not entity_id.strip():
            raise RecordError("id", "identifiant manquant / missing entity id")
        if len(entity_id) > MAX_ID_LENGTH:
            raise RecordError("id", f"plus de / longer than {MAX_ID_LENGTH} caractères / chars")
        properties = fields.get("properties", {})
        if not isinstance(properties, dict):
            raise RecordError("properties", "dictionnaire attendu / expected an object")
        proxy = ValueEntity(schema, {"id": entity_id}, cleaned=True)
        for name, values in properties.items():
            prop = _property(schema, str(name))
            for value in values if isinstance(values, list) else [values]:
                _add(proxy, prop, value, f"properties.{name}")
        return Mapped(entities=[(proxy, provenance)])


class MappingValidator:
    """Entities and event rows from a tabular record, as its mapping says."""

    def __init__(self, mapping: Mapping, source_file: str) -> None:
        self.mapping = mapping
        self.source_file = source_file
        self._memo: dict[tuple[Any, ...], EntityProxy | RecordError | None] = {}

    def validate(self, fields: dict[str, Any], provenance: Provenance, line: int) -> Mapped:
        fields = without_nulls(fields, self.mapping.null_values, self.mapping.decimal)
        provenance = record_provenance(provenance, fields, self.mapping.provenance_columns)
        mapped = Mapped()
        if self.mapping.entities is not None:
            texts = {k: text_value(v) for k, v in fields.items() if not is_missing(v)}
            mapped.entities = [(proxy, provenance) for proxy in self.entities(texts)]
        for event in self.mapping.events:
            row = _event_row(event, fields)
            if row is None:
                continue
            row["source_file"] = self.source_file
            row["source_line"] = line
            mapped.events.append((event.table, row))
        if mapped.empty:
            raise RecordError(
                self._keys(),
                "rien à stocker: clés vides, pas d'événement / "
                "nothing to store: empty keys and no event",
            )
        return mapped

    def entities(self, texts: dict[str, str]) -> list[EntityProxy]:
        """The entities of a record whose fields are ``texts`` (as ``text_value`` writes
        them), the same objects for the same values; raises ``RecordError``."""
        made: dict[str, EntityProxy] = {}
        for entity in self.mapping.entities.entities if self.mapping.entities else []:
            proxy = self._entity(entity, texts, made)
            if proxy is not None:
                made[entity.name] = proxy
        return list(made.values())

    def _entity(
        self, entity: EntityMapping, texts: dict[str, str], made: dict[str, EntityProxy]
    ) -> EntityProxy | None:
        """``_map_entity``, remembered: AIS and bank files repeat the same vessel or
        account row after row, and mapping it again would give the same entity."""
        key = (
            entity.name,
            tuple(texts.get(column) for column in sorted(entity.refs)),
            tuple(made[name].id if name in made else None for name in sorted(entity.dependencies)),
        )
        if key not in self._memo:
            if len(self._memo) >= MEMO_ENTRIES:
                self._memo.clear()
            try:
                self._memo[key] = _map_entity(entity, texts, made)
            except RecordError as error:
                self._memo[key] = error
        outcome = self._memo[key]
        if isinstance(outcome, RecordError):
            raise outcome.with_traceback(None)
        return outcome

    def _keys(self) -> str:
        entities = self.mapping.entities.entities if self.mapping.entities else []
        keys = [key for entity in entities for key in [*entity.keys, entity.id_column or ""]]
        return ", ".join(key for key in keys if key) or WHOLE_RECORD


def _event_row(event: EventMapping, fields: dict[str, Any]) -> dict[str, Any] | None:
    """The event's row, or None when one of its ``only_if`` fields is null."""
    schema = EVENT_TABLES[event.table]
    row = {
        name: present_value(fields, event.fields[name], schema.field(name), event.table)
        for name in event.only_if
    }
    if any(value is None for value in row.values()):
        return None
    for target, spec in event.fields.items():
        if target not in row:
            row[target] = event_value(fields, spec, schema.field(target), event.table)
    return row


def _map_entity(
    entity: EntityMapping, record: dict[str, str], made: dict[str, EntityProxy]
) -> EntityProxy | None:
    """FtM's ``EntityMapping.map``, raising on a value the property's type rejects."""
    proxy = ValueEntity(entity.schema, {}, cleaned=True)
    countries_first = sorted(entity.properties, key=lambda p: p.prop.type != registry.country)
    for prop in countries_first:
        discarded = prop.map(proxy, record, made)
        if discarded:
            columns = ", ".join(prop.refs) or prop.prop.name
            raise RecordError(columns, _rejected(discarded[0], prop.prop))
    proxy.id = entity.compute_key(record)
    if proxy.id is None:
        return None
    if len(proxy.id) > MAX_ID_LENGTH:
        column = entity.id_column or ", ".join(entity.keys)
        raise RecordError(column, f"identifiant de plus de / id longer than {MAX_ID_LENGTH}")
    if any(prop.required and not proxy.has(prop.prop) for prop in entity.properties):
        return None
    return proxy


def _schema(name: Any) -> Schema:
    schema = model.get(name) if isinstance(name, str) else None
    if schema is None:
        raise RecordError("schema", f"schéma inconnu / unknown schema {name!r}")
    if schema.abstract:
        raise RecordError("schema", f"schéma abstrait / abstract schema {name!r}")
    return schema


def _property(schema: Schema, name: str) -> Property:
    prop = schema.get(name)
    if prop is None:
        raise RecordError(
            f"properties.{name}", f"{schema.name} n'a pas de propriété / has no property {name!r}"
        )
    if prop.stub:
        raise RecordError(f"properties.{name}", "propriété inverse / reverse (stub) property")
    return prop


def _add(proxy: EntityProxy, prop: Property, value: Any, field: str) -> None:
    if isinstance(value, dict | list):
        raise RecordError(field, "valeur imbriquée / nested value, expected text")
    if is_missing(value):
        return
    if proxy.unsafe_add(prop, text_value(value)) is None:
        raise RecordError(field, _rejected(value, prop))


def _rejected(value: Any, prop: Property) -> str:
    kind = prop.format or prop.type.name
    return (
        f"{value!r} n'est pas un {kind} valide / is not a valid {kind} "
        f"({prop.schema.name}.{prop.name})"
    )
