"""Keeping the search index in step with the statement store.

``filet.store.entities.put_entities`` calls ``index_entities`` in its own transaction,
so an entity is searchable as soon as it is stored. The index only grows, like the
statements: a value stored again adds nothing, a new alias adds its tokens.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from followthemoney import EntityProxy

from filet.search.fields import identifier_kind, index_value, is_name
from filet.search.names import fold, token_keys
from filet.store.db import insert_ignoring_duplicates
from filet.store.tables import search_identifiers, search_keys, search_names, search_tokens

# Rows per IN (...) lookup: well under SQLite's 32,766 bound parameters.
_LOOKUP_CHUNK = 900


@dataclass
class _Rows:
    names: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: set[tuple[str, str]] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    identifiers: dict[tuple[str, str, str, str], str] = field(default_factory=dict)


def index_entities(conn: sa.Connection, proxies: Iterable[EntityProxy]) -> None:
    """Add the names and identifiers of ``proxies`` to the index, in the caller's transaction."""
    rows = _Rows()
    for proxy in proxies:
        _collect(proxy, rows)
    if rows.names:
        conn.execute(insert_ignoring_duplicates(conn, search_names), list(rows.names.values()))
    if rows.tokens:
        _add_keys(conn, rows.words)
        conn.execute(
            insert_ignoring_duplicates(conn, search_tokens),
            # Sorted: neighbouring keys land on the same B-tree pages.
            [{"token": token, "entity_id": entity_id} for token, entity_id in sorted(rows.tokens)],
        )
    if rows.identifiers:
        conn.execute(
            insert_ignoring_duplicates(conn, search_identifiers),
            [
                {
                    "kind": kind,
                    "value": value,
                    "entity_id": entity_id,
                    "prop": prop,
                    "original": raw,
                }
                for (kind, value, entity_id, prop), raw in rows.identifiers.items()
            ],
        )


def _collect(proxy: EntityProxy, rows: _Rows) -> None:
    entity_id = proxy.id or ""
    for prop, value in proxy.itervalues():
        kind = identifier_kind(prop)
        if kind is not None:
            rows.identifiers.setdefault(
                (kind, index_value(kind, value), entity_id, prop.name), value
            )
        if not is_name(prop):
            continue
        form = fold(value)
        if not form.tokens:
            continue
        row_id = hashlib.sha1(
            f"{entity_id}\x1f{prop.name}\x1f{value}".encode(), usedforsecurity=False
        ).hexdigest()
        rows.names[row_id] = {
            "id": row_id,
            "entity_id": entity_id,
            "prop": prop.name,
            "value": value,
            "folded": form.text,
            "skeleton": form.skeleton,
        }
        rows.words.update(form.tokens)
        rows.tokens.update((token, entity_id) for token in {*form.tokens, *form.pairs})


def _add_keys(conn: sa.Connection, tokens: set[str]) -> None:
    """Write lookup keys for the tokens the index has not seen yet.

    A token is known when its own ``d:`` key is stored; checking that one row per token
    is a point lookup, where checking the postings would read every posting of a
    frequent token.
    """
    keyed = {token: keys for token in sorted(tokens) if (keys := token_keys(token))}
    pending = list(keyed)
    for start in range(0, len(pending), _LOOKUP_CHUNK):
        chunk = pending[start : start + _LOOKUP_CHUNK]
        known = set(
            conn.execute(
                sa.select(search_keys.c.token).where(
                    sa.tuple_(search_keys.c.key, search_keys.c.token).in_(
                        [("d:" + token, token) for token in chunk]
                    )
                )
            ).scalars()
        )
        rows = [
            {"key": key, "token": token}
            for token in chunk
            if token not in known
            for key in keyed[token]
        ]
        if rows:
            conn.execute(insert_ignoring_duplicates(conn, search_keys), rows)
