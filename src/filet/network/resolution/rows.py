"""Splink's input: one Arrow table of compared fields and blocking keys, built by column.

A name is folded once per distinct word and its forms once per distinct name (names
repeat: a million generated records hold about 100,000 distinct names and far fewer
words), then every column is built in one pass and the keys that depend on how many
records share a value (a common name blocks only with a birth date or an address) are
counted by DuckDB. Nothing is computed per record in Python but picking its fields.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, NamedTuple

import duckdb
import pyarrow as pa

from filet.network.resolution.records import ResolutionRecord
from filet.search.names import fold, skeleton

# A name key held by more records than this is not paired on alone: the pairs it makes
# grow with the square of the namesakes (a common name in a million records gives
# hundreds of millions), and a name that common cannot make a match by itself anyway.
# Its records still meet on the name with the same birth date or the same address, and
# on birth date, phone or identifier. Up to this many namesakes, the name alone pairs them.
COMMON_NAME_RECORDS = 64
# Records born the same day (day and month in either order) are paired only when their
# names share a word or the first three consonants of one (a typo further on,
# "Krasniqi" / "Krasnii", keeps them), or when they give the same address: at a million
# generated records, a birth date alone made 24 million pairs, nearly all strangers;
# with a name key, 2.5 million, with an address 0.2 million. Of the 472,351 true pairs
# born the same day that the model accepted when a birth date alone was enough, none is
# left out (measured on the benchmark world, seed 7).
NAME_KEY_CONSONANTS = 3

_TEXT = pa.string()
_TEXTS = pa.list_(pa.string())
_NAME_SCHEMA = pa.schema(
    [
        ("name_sorted", _TEXT),
        ("name_tokens", _TEXTS),
        ("name_skeletons", _TEXTS),
        ("name_keys", _TEXTS),
        ("skeleton_key", _TEXT),
    ]
)
_RECORD_SCHEMA = pa.schema(
    [
        ("position", pa.int64()),
        ("unique_id", _TEXT),
        ("source_dataset_name", _TEXT),
        ("birth_date", _TEXT),
        ("nationality", _TEXT),
        ("identifiers", _TEXTS),
        ("phones", _TEXTS),
        ("address", _TEXT),
    ]
)
# Keys computed over the whole table: the birth year, a birth date whose day and month
# are put in order (so a date written the other way round meets its record), the first
# identifier and phone, and the name keys left empty where more than COMMON_NAME_RECORDS
# records hold them. Only the key columns go through DuckDB (a window over whole rows
# costs seconds at a million); they come back in the input order and join the table.
_KEYS_SQL = f"""
SELECT birth_year, date_key, first_identifier, first_phone,
    CASE WHEN count(skeleton_key) OVER (PARTITION BY skeleton_key) <= {COMMON_NAME_RECORDS}
        THEN skeleton_key END AS name_block,
    CASE WHEN count(name_year) OVER (PARTITION BY name_year) <= {COMMON_NAME_RECORDS}
        THEN name_year END AS name_year_block
FROM (
    SELECT position, skeleton_key,
        CASE WHEN birth_date <> '' THEN substr(birth_date, 1, 4) END AS birth_year,
        CASE WHEN length(birth_date) = 10
            THEN substr(birth_date, 1, 5)
                || least(substr(birth_date, 6, 2), substr(birth_date, 9, 2)) || '-'
                || greatest(substr(birth_date, 6, 2), substr(birth_date, 9, 2))
            ELSE nullif(birth_date, '') END AS date_key,
        identifiers[1] AS first_identifier,
        phones[1] AS first_phone,
        CASE WHEN birth_date <> '' THEN substr(name_sorted, 1, 3) || '|'
            || substr(birth_date, 1, 4) END AS name_year
    FROM records
)
ORDER BY position
"""


class NameForms(NamedTuple):
    """A name as Splink compares it: folded tokens sorted, so word order does not matter,
    their consonant skeletons, and the keys that pair it with a same-day birth."""

    tokens: tuple[str, ...]
    skeletons: tuple[str, ...]
    keys: tuple[str, ...]


@lru_cache(maxsize=1 << 18)
def name_forms(name: str) -> NameForms:
    """Once per distinct name; each word is folded once (transliteration is most of the
    cost, and it works word by word: the words' tokens are the name's tokens)."""
    tokens = tuple(sorted(token for word in name.split() for token in _word_tokens(word)))
    skeletons = tuple(sorted({form for form in map(_skeleton, tokens) if len(form) >= 2}))
    prefixes = {form[:NAME_KEY_CONSONANTS] for form in skeletons}
    return NameForms(tokens, skeletons, tuple(sorted(prefixes.union(tokens))))


@lru_cache(maxsize=1 << 16)
def _word_tokens(word: str) -> tuple[str, ...]:
    return fold(word).tokens


@lru_cache(maxsize=1 << 16)
def _skeleton(token: str) -> str:
    return skeleton(token)


def _folded_text(text: str) -> str:
    """An address folded, word by word (its words repeat even more than names do)."""
    return " ".join(token for word in text.split() for token in _word_tokens(word))


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while rows are built in bulk: they hold
    no cycles, and with a million records in memory every full collection walks all of
    them (half the time of ``feature_table`` at a million records)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def feature_table(records: Sequence[ResolutionRecord]) -> pa.Table:
    """Splink's input rows for ``records``, in their order (see the module docstring)."""
    with collection_paused():
        return _feature_table(records)


def _feature_table(records: Sequence[ResolutionRecord]) -> pa.Table:
    by_name: dict[str, int] = {}
    which = [by_name.setdefault(_first(record.names), len(by_name)) for record in records]
    addresses = {text: _folded_text(text) or None for text in _firsts(records)}
    columns: dict[str, list[Any]] = {
        "position": list(range(len(records))),
        "unique_id": [record.entity_id for record in records],
        "source_dataset_name": [record.dataset for record in records],
        "birth_date": [record.birth_date for record in records],
        "nationality": [record.nationality for record in records],
        "identifiers": [list(record.identifiers) or None for record in records],
        "phones": [list(record.phones) or None for record in records],
        "address": [addresses.get(_first(record.addresses)) for record in records],
    }
    table = pa.table(columns, schema=_RECORD_SCHEMA)
    named = _name_table(list(by_name)).take(pa.array(which, pa.int64()))
    for field in _NAME_SCHEMA:
        table = table.append_column(field, named.column(field.name))
    with duckdb.connect() as conn:
        conn.register("records", table)
        keys = conn.sql(_KEYS_SQL).to_arrow_table()
    for field in keys.schema:
        table = table.append_column(field, keys.column(field.name))
    return table.drop_columns(["position"])


def _name_table(names: list[str]) -> pa.Table:
    """The name columns of each distinct name, one row per name."""
    forms = [name_forms(name) for name in names]
    columns = {
        "name_sorted": [" ".join(form.tokens) or None for form in forms],
        "name_tokens": [list(form.tokens) or None for form in forms],
        "name_skeletons": [list(form.skeletons) or None for form in forms],
        "name_keys": [list(form.keys) or None for form in forms],
        "skeleton_key": [" ".join(form.skeletons) or None for form in forms],
    }
    return pa.table(columns, schema=_NAME_SCHEMA)


def _first(values: tuple[str, ...]) -> str:
    return values[0] if values else ""


def _firsts(records: Sequence[ResolutionRecord]) -> set[str]:
    return {record.addresses[0] for record in records if record.addresses}


def features(record: ResolutionRecord) -> dict[str, Any]:
    """One record's row, as it would be in a table of its own."""
    row: dict[str, Any] = feature_table([record]).to_pylist()[0]
    return row
