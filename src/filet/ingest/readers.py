"""Readers: turn a file into records, one per line or row, without ever stopping on one.

Files are read as bytes and decoded with ``surrogateescape`` so that a line of garbage
reaches validation (and the quarantine) instead of aborting the whole file. Every
record keeps the exact text it came from, and the line where it starts.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from filet import settings
from filet.finance.assets import ASSET_COLUMNS
from filet.finance.bods import statement_fields, statement_records
from filet.ingest.blocks import Item, records_of
from filet.ingest.businesses import BUSINESS_COLUMNS
from filet.ingest.convert import is_missing
from filet.ingest.crypto_assets import CHAIN_COLUMNS, WALLET_COLUMNS
from filet.ingest.goaml import FIX_BY_FIELDS, goaml_records
from filet.ingest.nmea import nmea_items, parse_nmea
from filet.ingest.records import (
    WHOLE_RECORD,
    AddedColumns,
    IngestError,
    RecordError,
    SourceRecord,
    check_text,
)
from filet.network import messaging
from filet.network.cdr import cdr_columns, cdr_records, csv_columns, with_numbers
from filet.network.contacts import CONTACT_NUMBERS
from filet.network.extraction import extraction_fields, extraction_records
from filet.network.meetings import MEETING_COLUMNS, edgelist_fields, edgelist_records
from filet.network.pv import paragraph_fields, pv_records
from filet.targeting.parcels import PARCEL_COLUMNS
from filet.targeting.screening import SCREENING_COLUMNS
from filet.targeting.terminal_events import checked_fields, terminal_records

READERS = (
    "csv",
    "bods",
    "jsonl",
    "parquet",
    "nmea",
    "cdr",
    "contacts",
    "meetings",
    "edgelist",
    "telegram",
    "whatsapp",
    "extraction",
    "pv",
    "screening",
    "parcels",
    "assets",
    "businesses",
    "wallets",
    "chain",
    "terminal",
    "goaml",
)
_GIVEN: ContextVar[dict[str, str]] = ContextVar("given_fields")
# Readers of texts (messages, procès-verbaux) whose identifiers become entities.
_MENTIONING = ("telegram", "whatsapp", "extraction", "pv")


# CSV readers that add derived columns (keys, normalized or checked values).
_COLUMN_ADDERS: dict[str, AddedColumns] = {
    "contacts": CONTACT_NUMBERS,
    "meetings": MEETING_COLUMNS,
    "screening": SCREENING_COLUMNS,
    "parcels": PARCEL_COLUMNS,
    "assets": ASSET_COLUMNS,
    "businesses": BUSINESS_COLUMNS,
    "wallets": WALLET_COLUMNS,
    "chain": CHAIN_COLUMNS,
}


@dataclass
class Opened:
    """An open source: its columns (CSV header), its records and how many lines it has.

    A reader that decodes runs of records at once hands them over as blocks of columns
    (``filet.ingest.blocks``), which ``records_of`` reads back as records.
    """

    columns: list[str] | None
    records: Iterator[Item]
    total: int


@dataclass
class _Csv:
    """A CSV file's header and rows as records, before a reader adds to them."""

    columns: list[str]
    records: Iterator[SourceRecord]


def fingerprint(path: Path) -> tuple[str, int]:
    """The file's sha256 (its identity, whatever its name) and its number of lines."""
    digest = hashlib.sha256()
    lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return digest.hexdigest(), lines + (last != b"\n")


@contextmanager
def given_fields(**values: str | None) -> Iterator[None]:
    """Values for the records read inside the block where they have none: exports that
    do not say which case and seizure they come from get them from ``filet ingest
    --case-ref/--seizure-ref``. They are set on the record as read, so a quarantined
    record keeps them when replayed (not one re-read from a corrected ``raw=``)."""
    token = _GIVEN.set({key: value for key, value in values.items() if value})
    try:
        yield
    finally:
        _GIVEN.reset(token)


@contextmanager
def open_records(reader: str, path: Path, total: int, delimiter: str = ",") -> Iterator[Opened]:
    with _open_records(reader, path, total, delimiter) as opened:
        given = _GIVEN.get({})
        if given:
            opened.records = _with_given(records_of(opened.records), given)
        if reader in _MENTIONING:
            # After the given case and seizure, which each identifier's text then carries;
            # named as the provenance names the file (the checkpoint keeps it resolved).
            records = records_of(opened.records)
            opened.records = messaging.with_mentions(records, path.resolve().name)
        yield opened


def _with_given(records: Iterator[SourceRecord], given: dict[str, str]) -> Iterator[SourceRecord]:
    for record in records:
        if record.fields is not None:
            missing = {k: v for k, v in given.items() if is_missing(record.fields.get(k))}
            record = SourceRecord(record.line, record.raw, {**record.fields, **missing})
        yield record


@contextmanager
def _open_records(reader: str, path: Path, total: int, delimiter: str) -> Iterator[Opened]:
    if reader == "parquet":
        yield _open_parquet(path)
        return
    with path.open("rb") as handle:
        lines = (raw.decode("utf-8", "surrogateescape") for raw in handle)
        if reader == "csv":
            csv_file = _open_csv(lines, path, delimiter)
            yield Opened(csv_file.columns, csv_file.records, total)
        elif reader == "cdr":
            opened = _open_csv(lines, path, delimiter)
            yield Opened(cdr_columns(opened.columns), cdr_records(opened.records), total)
        elif reader == "terminal":
            opened = _open_csv(lines, path, delimiter)
            yield Opened(opened.columns, terminal_records(opened.records, delimiter), total)
        elif reader in _COLUMN_ADDERS:
            adder = _COLUMN_ADDERS[reader]
            opened = _open_csv(lines, path, delimiter)
            yield Opened(adder.announced(opened.columns), adder.records(opened.records), total)
        elif reader == "goaml":
            yield Opened(None, goaml_records(handle.read(), path), total)
        elif reader == "nmea":
            yield Opened(None, nmea_items(lines, settings.nmea_fast()), total)
        elif reader == "edgelist":
            yield Opened(None, edgelist_records(lines), total)
        elif reader == "telegram":
            yield Opened(None, messaging.telegram_records("".join(lines)), total)
        elif reader == "whatsapp":
            yield Opened(None, messaging.whatsapp_records(lines, path.stem), total)
        elif reader == "extraction":
            yield Opened(None, extraction_records(_jsonl_records(lines)), total)
        elif reader == "pv":
            yield Opened(None, pv_records(lines, path.stem), total)
        elif reader == "bods":
            yield Opened(None, statement_records("".join(lines), path), total)
        else:
            yield Opened(None, _jsonl_records(lines), total)


def parse_raw(reader: str, raw: str, columns: list[str] | None, delimiter: str = ",") -> Any:
    """The fields of a record from its raw text (used when a corrected record is replayed)."""
    if reader == "csv":
        rows = list(csv.reader(io.StringIO(raw), delimiter=delimiter))
        if len(rows) != 1:
            raise RecordError(WHOLE_RECORD, f"{len(rows)} lignes CSV au lieu d'une / not one row")
        return _row_fields(rows[0], columns or [])
    if reader == "nmea":
        return parse_nmea(raw)
    if reader == "goaml":
        raise RecordError(WHOLE_RECORD, FIX_BY_FIELDS)
    if reader == "cdr":
        return with_numbers(parse_raw("csv", raw, csv_columns(columns), delimiter))
    if reader == "terminal":
        return checked_fields(parse_raw("csv", raw, columns, delimiter))
    if reader in _COLUMN_ADDERS:
        adder = _COLUMN_ADDERS[reader]
        return adder.fields(parse_raw("csv", raw, adder.header(columns), delimiter))
    if reader == "edgelist":
        return edgelist_fields(raw)
    if reader == "telegram":
        return messaging.telegram_fields(_json_fields(raw), {})
    if reader == "whatsapp":
        return messaging.whatsapp_fields(raw, None)
    if reader == "extraction":
        return extraction_fields(_json_fields(raw))
    if reader == "pv":
        return paragraph_fields(raw, None, None)
    if reader == "bods":
        return statement_fields(raw)
    return _json_fields(raw)


def _jsonl_records(lines: Iterator[str]) -> Iterator[SourceRecord]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        raw = text.rstrip("\r\n")
        try:
            yield SourceRecord(number, raw, _json_fields(raw))
        except RecordError as problem:
            yield SourceRecord(number, raw, None, problem)


def _json_fields(raw: str) -> dict[str, Any]:
    try:
        fields = json.loads(raw)
    except json.JSONDecodeError as error:
        raise RecordError(
            WHOLE_RECORD,
            f"JSON invalide / invalid JSON: {error.msg} (colonne / column {error.colno})",
        ) from error
    except RecursionError as error:
        raise RecordError(WHOLE_RECORD, "JSON trop imbriqué / JSON nested too deep") from error
    if not isinstance(fields, dict):
        raise RecordError(WHOLE_RECORD, "pas un objet JSON / not a JSON object")
    check_text(fields)
    return fields


class _Tap:
    """Counts and keeps the physical lines the CSV parser takes, for each record's raw text."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.taken: list[str] = []
        self.line = 0

    def __iter__(self) -> _Tap:
        return self

    def __next__(self) -> str:
        text = next(self.lines)
        self.taken.append(text)
        self.line += 1
        return text

    def take(self) -> tuple[int, str]:
        first = self.line - len(self.taken) + 1
        raw = "".join(self.taken).rstrip("\r\n")
        self.taken.clear()
        return first, raw


def _open_csv(lines: Iterator[str], path: Path, delimiter: str) -> _Csv:
    tap = _Tap(lines)
    reader = csv.reader(tap, delimiter=delimiter)
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise IngestError(
            f"{path}:1: en-tête CSV illisible / unreadable header: {error}"
        ) from error
    tap.take()
    if not header:
        raise IngestError(f"{path}:1: fichier vide, pas d'en-tête / empty file, no header")
    columns = _numbered([name.strip().lstrip("\ufeff") for name in header])
    if any(not name for name in columns) or len(set(columns)) != len(columns):
        raise IngestError(f"{path}:1: en-tête CSV vide ou en double / blank or repeated header")
    try:
        check_text(dict.fromkeys(columns, ""))
    except RecordError as error:
        raise IngestError(
            f"{path}:1: en-tête CSV illisible / unreadable header: {error}"
        ) from error
    return _Csv(columns, _csv_records(reader, tap, columns))


def _numbered(names: list[str]) -> list[str]:
    """Repeated names numbered as pandas does: AMLworld's two ``Account`` columns become
    ``Account`` (sender) and ``Account.1`` (receiver), the names its users know."""
    seen: dict[str, int] = {}
    numbered = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        numbered.append(f"{name}.{count}" if count and name else name)
    return numbered


def _csv_records(
    reader: Iterator[list[str]], tap: _Tap, columns: list[str]
) -> Iterator[SourceRecord]:
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line, raw = tap.take()
            yield SourceRecord(line, raw, None, RecordError(WHOLE_RECORD, f"CSV: {error}"))
            continue
        line, raw = tap.take()
        if not values:
            continue
        try:
            yield SourceRecord(line, raw, _row_fields(values, columns))
        except RecordError as problem:
            yield SourceRecord(line, raw, None, problem)


def _row_fields(values: list[str], columns: list[str]) -> dict[str, Any]:
    if len(values) != len(columns):
        raise RecordError(
            WHOLE_RECORD,
            f"{len(values)} champs au lieu de {len(columns)} / "
            f"{len(values)} fields where the header has {len(columns)}",
        )
    fields = dict(zip(columns, values, strict=True))
    check_text(fields)
    return fields


def _open_parquet(path: Path) -> Opened:
    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise IngestError(
            f"{path}: pas un fichier Parquet / not a Parquet file: {error}"
        ) from error
    return Opened(source.schema_arrow.names, _parquet_records(source), source.metadata.num_rows)


def _parquet_records(source: pq.ParquetFile) -> Iterator[SourceRecord]:
    number = 0
    for batch in source.iter_batches(batch_size=4096):
        for row in batch.to_pylist():
            number += 1
            raw = json.dumps(row, ensure_ascii=False, default=str)
            try:
                check_text(row)
                yield SourceRecord(number, raw, row)
            except RecordError as problem:
                yield SourceRecord(number, raw, None, problem)
