"""Entity search: by name (any script, typos) and by identifier (normalized)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa

from filet.model import identifiers
from filet.search.fields import NAME_KIND, SEARCH_KINDS, index_value
from filet.search.matching import held_value, match_names
from filet.search.tuning import DEFAULT_TUNING, SearchTuning

# A module import: filet.store.entities itself imports this package.
from filet.store import entities as stored
from filet.store.tables import entities, search_identifiers


@dataclass(frozen=True)
class SearchHit:
    """One entity found, with what matched: the kind, property and value."""

    entity_id: str
    schema: str
    caption: str
    score: float
    kind: str
    field: str
    value: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def search_entities(
    conn: sa.Connection,
    query: str,
    kind: str | None = None,
    limit: int = 20,
    tuning: SearchTuning = DEFAULT_TUNING,
    visible: sa.ColumnElement[bool] | None = None,
) -> list[SearchHit]:
    """Entities matching ``query``, best first.

    ``kind`` is ``name`` or an identifier kind (``imo``, ``mmsi``, ``iban``, ``phone``,
    ``crypto``, ``container``). Without it the query is tried as every identifier kind
    it looks like, and as a name unless an identifier matched.

    ``visible`` is a row filter on ``statements`` (the access policy's): an indexed name
    or identifier matches only when a statement holding that very value passes it, and
    each hit's schema and caption are built from the passing values alone, so a value
    the reader may not see neither matches nor shows.
    """
    if kind is not None and kind not in SEARCH_KINDS:
        raise ValueError(
            f"type de recherche inconnu / unknown search kind {kind!r}; "
            f"known: {', '.join(SEARCH_KINDS)}"
        )
    if not query.strip() or limit < 1:
        return []
    kinds = [kind] if kind is not None else [*identifiers.detect(query), NAME_KIND]
    found: dict[str, tuple[float, str, str, str]] = {}
    for each in kinds:
        if each == NAME_KIND and kind is None and found:
            break
        for entity_id, score, prop, value in _search_kind(conn, each, query, tuning, visible):
            if entity_id not in found or score > found[entity_id][0]:
                found[entity_id] = (score, each, prop, value)
    ranked = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return _hits(conn, ranked, visible)


def _search_kind(
    conn: sa.Connection,
    kind: str,
    query: str,
    tuning: SearchTuning,
    visible: sa.ColumnElement[bool] | None,
) -> list[tuple[str, float, str, str]]:
    if kind == NAME_KIND:
        return [
            (match.entity_id, match.score, match.prop, match.value)
            for match in match_names(conn, query, tuning, visible)
        ]
    identifier = search_identifiers.c
    statement = sa.select(identifier.entity_id, identifier.prop, identifier.original).where(
        identifier.kind == kind, identifier.value == index_value(kind, query)
    )
    if visible is not None:
        statement = statement.where(
            held_value(identifier.entity_id, identifier.prop, identifier.original, visible)
        )
    rows = conn.execute(statement)
    return [(entity_id, 1.0, prop, original) for entity_id, prop, original in rows]


def _hits(
    conn: sa.Connection,
    ranked: list[tuple[str, tuple[float, str, str, str]]],
    visible: sa.ColumnElement[bool] | None,
) -> list[SearchHit]:
    if not ranked:
        return []
    if visible is not None:
        return [_visible_hit(conn, entity_id, found, visible) for entity_id, found in ranked]
    headers = {
        row.id: row
        for row in conn.execute(
            sa.select(entities.c.id, entities.c.schema, entities.c.caption).where(
                entities.c.id.in_([entity_id for entity_id, _ in ranked])
            )
        )
    }
    return [
        SearchHit(
            entity_id=entity_id,
            schema=headers[entity_id].schema if entity_id in headers else "",
            caption=headers[entity_id].caption if entity_id in headers else "",
            score=score,
            kind=kind,
            field=prop,
            value=value,
        )
        for entity_id, (score, kind, prop, value) in ranked
    ]


def _visible_hit(
    conn: sa.Connection,
    entity_id: str,
    found: tuple[float, str, str, str],
    visible: sa.ColumnElement[bool],
) -> SearchHit:
    """A hit whose schema and caption come from the readable values only: the stored
    header may have been widened or named by values in another compartment."""
    entity = stored.load_entity(conn, entity_id, visible=visible)
    score, kind, prop, value = found
    return SearchHit(
        entity_id=entity_id,
        schema=entity.schema.name if entity is not None else "",
        caption=entity.caption if entity is not None else "",
        score=score,
        kind=kind,
        field=prop,
        value=value,
    )
