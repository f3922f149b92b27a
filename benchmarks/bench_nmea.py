"""NMEA AIS: the vectorized fast path against pyais, decoding and ingesting the same file.

The file is the pyais test samples (M0r13n/pyais @38afd74 ``tests/``, MIT, from the
shared samples folder) repeated to ``size`` lines, each behind a tag block giving its
receiver time as AIS feeds log them (AISdb ``.nm4``). About one line in eight of these
samples is broken on purpose (empty payloads, bad checksums, lone parts). Without the
shared samples, a seeded feed encoded with pyais (positions and two-part type 5
messages) stands in.

Two measures, each side by side in the same run, twice after one unmeasured round of
each side:

- decoding: the lines of the messages of the bulk types (1, 2, 3, 18, 19, 5, 24) that
  pyais decodes in the file, read by Filet's reader with the fast path as a file gives
  them (``nmea_items``: the records as columns, with receiver times and cleaning; a
  record for each message with a wrong IMO check digit), against pyais alone on the
  same sentences (``NMEASentenceFactory.produce`` then ``decode()``, multi-part messages
  assembled with ``NMEAMessage.assemble_from_iterable``), which makes pyais objects but
  no times, cleaning or records; in messages per second;
- ingesting: the whole file through ``ingest_file(..., "nmea")`` into a fresh SQLite
  workspace with the fast path (``nmea_fast=true``) against the same ingest with it off
  (every sentence through pyais, every record validated alone): the same rows,
  entities and quarantine; in lines per second.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import reduce
from pathlib import Path

from benchmarks.common import Comparison
from pyais import encode_dict
from pyais.messages import NMEAMessage, NMEASentenceFactory

from filet import settings
from filet.ingest import ingest_file
from filet.ingest.blocks import RecordBlock
from filet.ingest.nmea import nmea_items, nmea_records
from filet.store import Workspace

DEFAULT_SIZE = 100_000
SAMPLES = ("ais/pyais-nmea/nmea_data_sample.txt", "ais/pyais-nmea/mixed.txt")
T0 = 1_503_079_517  # the tag block example of the NMEA 4.10 standard
RUNS = 2
BULK_TYPES = frozenset({1, 2, 3, 18, 19, 5, 24})


def run(size: int = DEFAULT_SIZE) -> list[Comparison]:
    with tempfile.TemporaryDirectory(prefix="filet-bench-nmea-") as folder:
        path, source = generate(Path(folder) / "feed.nmea", size)
        bulk = bulk_lines(path)
        read = [f"{line}\n" for line in bulk]  # as a file gives them to the reader
        _fast_rate(read), _pyais_rate(bulk)  # caches and allocator warmed on both sides
        comparisons = []
        for attempt in range(1, RUNS + 1):
            fast, bare = _fast_rate(read), _pyais_rate(bulk)
            ingested = _ingest_rate(path, Path(folder) / f"fast-{attempt}", fast=True)
            baseline = _ingest_rate(path, Path(folder) / f"pyais-{attempt}", fast=False)
            _log(
                f"nmea run {attempt} ({source}, {size:,} lines, {len(bulk):,} bulk-type lines): "
                f"decode fast {fast:,.0f} msg/s, pyais {bare:,.0f} msg/s; "
                f"ingest fast {ingested:,.0f} lines/s, pyais {baseline:,.0f} lines/s\n"
            )
            comparisons += [
                Comparison(
                    f"run {attempt}: bulk-type messages decoded/s ({source})",
                    "msg/s",
                    fast,
                    "pyais produce + decode() alone, same messages",
                    bare,
                    higher_is_better=True,
                ),
                Comparison(
                    f"run {attempt}: filet ingest --format nmea, lines/s ({source})",
                    "lines/s",
                    ingested,
                    "the same ingest with nmea_fast=false (pyais, record by record)",
                    baseline,
                    higher_is_better=True,
                ),
            ]
    return comparisons


def generate(path: Path, size: int) -> tuple[Path, str]:
    """``size`` lines behind tag blocks; the source they come from."""
    folder = settings.shared_data()
    if all((folder / sample).is_file() for sample in SAMPLES):
        source = "pyais samples"
        base = [
            line
            for sample in SAMPLES
            for line in (folder / sample).read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
    else:
        source = "seeded pyais-encoded feed"
        base = _encoded(random.Random(7), 1_000)
    with path.open("w", encoding="utf-8") as out:
        for index in range(size):
            out.write(_tagged(base[index % len(base)], T0 + index // 10) + "\n")
    return path, source


def bulk_lines(path: Path) -> list[str]:
    """The lines of the messages of the bulk types that pyais decodes, parts together."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        line
        for record in nmea_records(lines, fast=False)
        if record.fields is not None and record.fields["msg_type"] in BULK_TYPES
        for line in record.raw.split("\n")
    ]


def _encoded(rng: random.Random, messages: int) -> list[str]:
    lines: list[str] = []
    for index in range(messages):
        mmsi = rng.randint(200_000_000, 775_999_999)
        fields: dict[str, str | int | float | bytes | bool]
        if index % 10:
            fields = {"msg_type": 1, "type": 1, "mmsi": mmsi, "lat": rng.uniform(-60, 60),
                      "lon": rng.uniform(-180, 180), "speed": rng.uniform(0, 20),
                      "course": rng.uniform(0, 360)}  # fmt: skip
        else:
            fields = {"msg_type": 5, "type": 5, "mmsi": mmsi, "shipname": f"NAVIRE {index}",
                      "callsign": "FABC", "destination": "LE HAVRE"}  # fmt: skip
        lines += encode_dict(fields, talker_id="AI", seq_id=index % 10)
    return lines


def _tagged(sentence: str, seconds: int) -> str:
    body = f"c:{seconds}"
    checksum = reduce(lambda acc, char: acc ^ ord(char), body, 0)
    return f"\\{body}*{checksum:02X}\\{sentence}"


def _fast_rate(lines: list[str]) -> float:
    started = time.perf_counter()
    decoded = sum(
        len(item) if isinstance(item, RecordBlock) else 1 for item in nmea_items(lines, fast=True)
    )
    return decoded / (time.perf_counter() - started)


def _pyais_rate(lines: list[str]) -> float:
    """pyais alone, as its users call it line by line, parts assembled."""
    started = time.perf_counter()
    decoded = 0
    parts: list[NMEAMessage] = []
    for line in lines:
        sentence = NMEASentenceFactory.produce(line.encode())
        assert isinstance(sentence, NMEAMessage)
        if sentence.frag_cnt == 1:
            sentence.decode()
            decoded += 1
            continue
        parts.append(sentence)
        if len(parts) == sentence.frag_cnt:
            NMEAMessage.assemble_from_iterable(parts).decode()
            decoded += 1
            parts = []
    return decoded / (time.perf_counter() - started)


def _ingest_rate(path: Path, home: Path, fast: bool) -> float:
    with _nmea_fast(fast):
        ws = Workspace.open(home, f"sqlite:///{home}.db")
        try:
            started = time.perf_counter()
            report = ingest_file(ws, path, "nmea")
            seconds = time.perf_counter() - started
        finally:
            ws.close()
    return report.rows_read / seconds


@contextmanager
def _nmea_fast(on: bool) -> Iterator[None]:
    name = "FILET_NMEA_FAST"
    before = os.environ.get(name)
    os.environ[name] = "true" if on else "false"
    try:
        yield
    finally:
        if before is None:
            del os.environ[name]
        else:
            os.environ[name] = before


def _log(text: str) -> None:
    sys.stderr.write(text)
