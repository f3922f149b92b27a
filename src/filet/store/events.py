"""High-volume event tables, kept as Parquet parts that both engines read.

Each event table has a declared Arrow schema. Every row keeps ``source_file`` and
``source_line`` so that an alert's evidence leads back to the original input line.
Parts are written under a temporary name and renamed into place, so a killed ingest
never leaves half a part behind, and a part name is deterministic (file digest and
batch number), so a replayed batch overwrites its part instead of adding a copy.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from filet.engine.base import Engine

_PROVENANCE_FIELDS = [
    pa.field("source_file", pa.string(), nullable=False),
    pa.field("source_line", pa.int64(), nullable=False),
]

EVENT_TABLES: dict[str, pa.Schema] = {
    "ais_positions": pa.schema(
        [
            pa.field("mmsi", pa.string(), nullable=False),
            pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("lat", pa.float64(), nullable=False),
            pa.field("lon", pa.float64(), nullable=False),
            pa.field("sog_knots", pa.float64()),
            pa.field("cog_degrees", pa.float64()),
            *_PROVENANCE_FIELDS,
        ]
    ),
}


class EventStore:
    def __init__(self, root: Path) -> None:
        self.root = root

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
        return [name for name in EVENT_TABLES if any(self.root.joinpath(name).glob("*.parquet"))]

    def count(self, table: str) -> int:
        parts = sorted(self.folder(table).glob("*.parquet"))
        return sum(pq.ParquetFile(part).metadata.num_rows for part in parts)

    def register(self, engine: Engine) -> list[str]:
        """Register every non-empty table with ``engine``; returns their names."""
        present = self.tables_with_data()
        for table in present:
            engine.register_parquet(table, self.folder(table))
        return present
