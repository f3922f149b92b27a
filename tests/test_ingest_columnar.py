"""Blocks of columns are ingested exactly as their records would be, one by one.

``filet ingest --format nmea`` with the fast path (``nmea_fast=true``: blocks mapped
column by column) and without it (every sentence through pyais, every record validated
alone) must leave the same workspace: event tables row for row and field for field,
the same statements (with their provenance), entities, search index, quarantine and
checkpoint counts. Checked on the shared pyais samples, on random feeds, across batch
boundaries, after a resume, with fields given on the command line and with a mapping
that has no column form.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filet.ingest import blocks, ingest_file, nmea_columns, pipeline
from filet.ingest.columnar import BlockMapping, map_batch
from filet.ingest.formats import builtin_mapping
from filet.ingest.mapping import parse_mapping
from filet.ingest.nmea import nmea_items, nmea_records
from filet.ingest.readers import given_fields
from filet.ingest.records import SourceRecord
from filet.ingest.validate import MappingValidator
from filet.model.provenance import Provenance
from filet.store import Workspace
from filet.store.entities import statement_rows
from filet.store.events import EVENT_TABLES
from filet.store.tables import metadata
from nmea_support import T0, feeds, tagged

# M0r13n/pyais @38afd74 tests/ (MIT): raw NMEA with about a hundred undecodable lines.
SAMPLE = "ais/pyais-nmea/nmea_data_sample.txt"
# Columns that say when a row was written, not what it holds.
WRITTEN_AT = {"stored_at", "updated_at", "created_at", "started_at", "finished_at"}
DERIVED = ("statements", "entities", "quarantine", "ingest_files")


def record_key(record: SourceRecord) -> tuple[Any, ...]:
    problem = record.problem
    return (record.line, record.raw, record.fields, problem and (problem.field, problem.reason))


def snapshot(ws: Workspace) -> dict[str, list[Any]]:
    """Everything an ingest leaves, less the times rows were written."""
    found: dict[str, list[Any]] = {}
    for table in EVENT_TABLES:
        found[table] = [
            row for part in ws.events.parts(table) for row in pq.read_table(part).to_pylist()
        ]
    with ws.db.begin() as conn:
        for name in (*DERIVED, *(t for t in metadata.tables if t.startswith("search_"))):
            rows = conn.execute(sa.select(metadata.tables[name])).mappings()
            found[name] = sorted(
                (
                    sorted((k, repr(v)) for k, v in row.items() if k not in WRITTEN_AT)
                    for row in rows
                ),
            )
    return found


def ingested(
    tmp: Path, path: Path, fast: bool, monkeypatch: pytest.MonkeyPatch, **kw: Any
) -> dict[str, list[Any]]:
    monkeypatch.setenv("FILET_NMEA_FAST", "true" if fast else "false")
    home = tmp / ("fast" if fast else "pyais")
    ws = Workspace.open(home, f"sqlite:///{home}.db")
    try:
        ingest_file(ws, path, "nmea", **kw)
        return snapshot(ws)
    finally:
        ws.close()


def assert_same_ingest(
    tmp: Path, path: Path, monkeypatch: pytest.MonkeyPatch, **kw: Any
) -> dict[str, list[Any]]:
    fast = ingested(tmp, path, True, monkeypatch, **kw)
    assert fast == ingested(tmp, path, False, monkeypatch, **kw)
    return fast


@pytest.mark.parametrize("batch_rows", ["2000", "97"])
@pytest.mark.parametrize("timing", ["tag block", "logger", "none"])
def test_the_shared_sample_ingests_identically(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, timing: str, batch_rows: str
) -> None:
    monkeypatch.setenv("FILET_INGEST_BATCH_ROWS", batch_rows)
    lines = (shared_data / SAMPLE).read_text(encoding="utf-8").splitlines()
    if timing == "tag block":
        lines = [tagged(line, T0 + i // 3) for i, line in enumerate(lines)]
    elif timing == "logger":
        lines = [f"{T0 + i // 3} {line}" for i, line in enumerate(lines)]
    path = tmp_path / "feed.nmea"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = assert_same_ingest(tmp_path, path, monkeypatch)
    if timing != "none":  # the 762 positions (maritime.md) but 4 at lat 91 or lon 181
        assert len(found["ais_positions"]) == 758
        assert (
            sum("lat=" in row["cleaned"] or "lon=" in row["cleaned"] for row in found["ais_noise"])
            == 4
        )
    assert found["statements"] and found["quarantine"]


def test_a_resumed_ingest_ends_as_an_uninterrupted_one(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after two batches (mid-block), the fast path resumes at the next record."""
    monkeypatch.setenv("FILET_INGEST_BATCH_ROWS", "150")
    lines = (shared_data / SAMPLE).read_text(encoding="utf-8").splitlines()
    path = tmp_path / "feed.nmea"
    path.write_text("\n".join(tagged(line, T0 + i) for i, line in enumerate(lines)) + "\n")
    store, calls = pipeline._store_batch, itertools.count()

    def killed_after_two(*args: Any) -> None:
        if next(calls) == 2:
            raise KeyboardInterrupt
        store(*args)

    home = tmp_path / "resumed"
    ws = Workspace.open(home, f"sqlite:///{home}.db")
    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "_store_batch", killed_after_two)
        with pytest.raises(KeyboardInterrupt):
            ingest_file(ws, path, "nmea")
    report = ingest_file(ws, path, "nmea")
    assert report.resumed_after == 300
    resumed = snapshot(ws)
    ws.close()
    whole = ingested(tmp_path, path, False, monkeypatch)
    assert {k: v for k, v in resumed.items() if k != "ingest_files"} == {
        k: v for k, v in whole.items() if k != "ingest_files"
    }


def test_given_fields_reach_the_records_of_blocks(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Half the lines timed: the others' positions are quarantined with every field."""
    path = tmp_path / "feed.nmea"
    lines = (shared_data / SAMPLE).read_text(encoding="utf-8").splitlines()
    timed = [tagged(line, T0 + i) if i % 2 else line for i, line in enumerate(lines)]
    path.write_text("\n".join(timed) + "\n")
    with given_fields(case_ref="2024/001"):
        found = assert_same_ingest(tmp_path, path, monkeypatch)
    assert "2024/001" in repr(found["quarantine"])


def test_a_mapping_without_column_form_reads_blocks_as_records(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``null_values`` have no column form here: the blocks are mapped record by record."""
    text = builtin_mapping("nmea").text + "null_values:\n  sog: [0]\n"
    mapping = tmp_path / "nmea-nulls.yaml"
    mapping.write_text(text, encoding="utf-8")
    validator = MappingValidator(parse_mapping(text, "nulls"), "feed.nmea")
    block = next(
        item for item in nmea_items([tagged("!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26", T0)])
    )
    assert isinstance(block, blocks.RecordBlock)
    assert BlockMapping.of(validator, block.table.schema) is None
    lines = (shared_data / SAMPLE).read_text(encoding="utf-8").splitlines()
    path = tmp_path / "feed.nmea"
    path.write_text("\n".join(tagged(line, T0 + i) for i, line in enumerate(lines)) + "\n")
    assert_same_ingest(tmp_path, path, monkeypatch, mapping=mapping)


FLAG_FROM_CALL_SIGN = builtin_mapping("nmea").text.replace(
    "      callSign: {column: callsign}\n",
    "      callSign: {column: callsign}\n      flag: {column: callsign}\n",
)
POSITIONS_ONLY = """
provenance:
  collected_at: {column: ts, format: iso}
events:
  ais_positions:
    only_if: [lat, lon]
    fields:
      mmsi: mmsi
      ts: {column: ts, format: iso}
      lat: {column: lat, min: -60, max: 60}
      lon: lon
"""


@pytest.mark.parametrize(
    ("text", "reason"),
    [(FLAG_FROM_CALL_SIGN, "(Vessel.flag)"), (POSITIONS_ONLY, "nothing to store")],
    ids=["entities the model refuses", "records with nothing to store"],
)
def test_rows_a_mapping_rejects_are_quarantined_as_records(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, reason: str
) -> None:
    """A call sign is no country (Vessel.flag); static data gives no position row."""
    mapping = tmp_path / "custom.yaml"
    mapping.write_text(text, encoding="utf-8")
    validator = MappingValidator(parse_mapping(text, "custom"), "feed.nmea")
    assert BlockMapping.of(validator, nmea_columns.SCHEMA) is not None
    lines = (shared_data / SAMPLE).read_text(encoding="utf-8").splitlines()
    path = tmp_path / "feed.nmea"
    path.write_text("\n".join(tagged(line, T0 + i) for i, line in enumerate(lines)) + "\n")
    found = assert_same_ingest(tmp_path, path, monkeypatch, mapping=mapping)
    assert reason in repr(found["quarantine"])


def mapped(items: list[blocks.Item], size: int) -> list[dict[str, Any]]:
    """What each batch gives, as ``put_entities`` and the event parts would store it."""
    validator = MappingValidator(builtin_mapping("nmea"), "feed.nmea")
    base = Provenance("nmea-ais")
    found = []
    for batch in blocks.batches(items, size):
        result = map_batch(
            batch, validator, base, "feed.nmea",
            lambda r: pipeline.validate_record(validator, r, base, "feed.nmea"),
        )  # fmt: skip
        statements: dict[str, dict[str, Any]] = {}
        for proxy, provenance in result.entities:
            for row in statement_rows(proxy, provenance):
                row.pop("stored_at")
                statements.setdefault(row["id"], row)
        found.append(
            {
                "records": result.records,
                "stored": result.stored,
                "entities": len(result.entities) + result.repeated,
                "statements": statements,
                "rejected": [(record_key(r), e.field, e.reason) for r, e in result.rejected],
                "tables": {name: rows.to_pylist() for name, rows in result.tables.items()},
            }
        )
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feeds(max_size=30), st.integers(1, 12), st.integers(2, 9))
def test_random_feeds_map_as_their_records_do(lines: list[str], size: int, chunk: int) -> None:
    """Batch by batch: the same event rows in the same order, the same statements with
    the same provenance, the same entity count, the same rejected records."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("filet.ingest.nmea.CHUNK_LINES", chunk)
        fast = list(nmea_items(lines))
    slow: list[blocks.Item] = list(nmea_records(lines, fast=False))
    assert mapped(fast, size) == mapped(slow, size)


@settings(max_examples=60, deadline=None)
@given(feeds(max_size=30), st.integers(0, 40), st.integers(1, 9))
def test_blocks_skip_and_batch_by_records(lines: list[str], done: int, size: int) -> None:
    """Resuming skips exactly the records done; batches hold ``size`` records each."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("filet.ingest.nmea.CHUNK_LINES", 4)
        items = list(nmea_items(lines))
    records = [record_key(r) for r in blocks.records_of(items)]
    assert [record_key(r) for r in blocks.records_of(blocks.skip(items, done))] == records[done:]
    batched = list(blocks.batches(items, size))
    assert [blocks.count(batch) for batch in batched[:-1]] == [size] * (len(batched) - 1)
    assert [record_key(r) for batch in batched for r in blocks.records_of(batch)] == records
