"""High-volume event tables, kept as Parquet parts that both engines read.

Each event table has a declared Arrow schema (``filet.store.event_tables``). Every row
keeps ``source_file`` and ``source_line`` so that an alert's evidence leads back to the
original input line.
Parts are written under a temporary name and renamed into place, so a killed ingest
never leaves half a part behind, and a part name is deterministic (file digest and
batch number), so a replayed batch overwrites its part instead of adding a copy.

Because a part's name starts with the digest of the file its rows came from, a store
can be narrowed to some ingested files (``only``): the access policy narrows it to the
files of the datasets an account may read, and engines then see no other row.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from filet.engine.base import Engine
from filet.store.event_tables import EVENT_TABLES

# Characters of the file digest that start every part's name (see ingest.pipeline).
PART_DIGEST_CHARS = 16


class EventStore:
    """The event tables under ``root``; ``files``, when given, narrows every read to the
    rows of those ingested files (digest prefixes, see ``only``)."""

    def __init__(self, root: Path, files: frozenset[str] | None = None) -> None:
        self.root = root
        self.files = files

    def only(self, digests: Iterable[str]) -> EventStore:
        """The same tables, reading only the rows of the files with these SHA-256s."""
        return EventStore(self.root, frozenset(d[:PART_DIGEST_CHARS] for d in digests))

    def parts(self, table: str) -> list[Path]:
        """The table's Parquet parts that this store reads."""
        found = sorted(self.folder(table).glob("*.parquet"))
        if self.files is None:
            return found
        return [part for part in found if part.name[:PART_DIGEST_CHARS] in self.files]

    def folder(self, table: str) -> Path:
        if table not in EVENT_TABLES:
            raise KeyError(f"unknown event table {table!r}; known: {', '.join(EVENT_TABLES)}")
        return self.root / table

    def write_part(self, table: str, part_name: str, rows: pa.Table) -> Path:
        """Write one part atomically; rows are cast to the table's declared schema."""
        folder = self.folder(table)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{part_name}.parquet"
        temporary = folder / f".{part_name}.parquet.tmp"
        pq.write_table(rows.select(EVENT_TABLES[table].names).cast(EVENT_TABLES[table]), temporary)
        os.replace(temporary, target)
        return target

    def tables_with_data(self) -> list[str]:
        return [name for name in EVENT_TABLES if self.parts(name)]

    def count(self, table: str) -> int:
        return sum(pq.ParquetFile(part).metadata.num_rows for part in self.parts(table))

    def register(self, engine: Engine) -> list[str]:
        """Register every non-empty table with ``engine``; returns their names."""
        present = self.tables_with_data()
        for table in present:
            files = None if self.files is None else self.parts(table)
            engine.register_parquet(table, self.folder(table), files)
        return present

    def register_empty(self, engine: Engine, tables: Iterable[str]) -> None:
        """Register ``tables`` with no rows, for detectors that read them when there are
        any (a person's transfers beside their assets) and run without them."""
        folder = self.root / "_empty"
        for table in sorted(tables):
            empty = folder / f"{table}.parquet"
            if not empty.exists():
                folder.mkdir(parents=True, exist_ok=True)
                pq.write_table(EVENT_TABLES[table].empty_table(), empty)
            engine.register_parquet(table, folder, [empty])
