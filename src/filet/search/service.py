"""Entity search: by name (any script, typos) and by identifier (normalized)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa

from filet.model import identifiers
from filet.search.fields import NAME_KIND, SEARCH_KINDS, index_value
from filet.search.matching import match_names
from filet.search.tuning import DEFAULT_TUNING, SearchTuning
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
) -> list[SearchHit]:
    """Entities matching ``query``, best first.

    ``kind`` is ``name`` or an identifier kind (``imo``, ``mmsi``, ``iban``, ``phone``,
    ``crypto``, ``container``). Without it the query is tried as every identifier kind
    it looks like, and as a name unless an identifier matched.
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
        for entity_id, score, prop, value in _search_kind(conn, each, query, tuning):
            if entity_id not in found or score > found[entity_id][0]:
                found[entity_id] = (score, each, prop, value)
    ranked = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return _hits(conn, ranked)


def _search_kind(
    conn: sa.Connection, kind: str, query: str, tuning: SearchTuning
) -> list[tuple[str, float, str, str]]:
    if kind == NAME_KIND:
        return [
            (match.entity_id, match.score, match.prop, match.value)
            for match in match_names(conn, query, tuning)
        ]
    rows = conn.execute(
        sa.select(
            search_identifiers.c.entity_id, search_identifiers.c.prop, search_identifiers.c.original
        ).where(
            search_identifiers.c.kind == kind,
            search_identifiers.c.value == index_value(kind, query),
        )
    )
    return [(entity_id, 1.0, prop, original) for entity_id, prop, original in rows]


def _hits(
    conn: sa.Connection, ranked: list[tuple[str, tuple[float, str, str, str]]]
) -> list[SearchHit]:
    if not ranked:
        return []
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
