"""NMEA AIS decoding: the vectorized fast path against pyais, on the same file.

The file is the pyais test samples (M0r13n/pyais @38afd74 ``tests/``, MIT, from the
shared samples folder) repeated to ``size`` lines, each behind a tag block giving its
receiver time as AIS feeds log them (AISdb ``.nm4``). About one line in eight of these
samples is broken on purpose (empty payloads, bad checksums, lone parts): those go to
pyais on both sides. Without the shared samples, a seeded feed encoded with pyais
(positions and two-part type 5 messages) stands in.

Both sides read the same lines into the same records (``nmea_records``): Filet with the
fast path, the baseline with ``fast=False`` (every sentence through pyais). A second
baseline is pyais alone (``NMEASentenceFactory.produce`` then ``decode()``), which
builds pyais objects but neither Filet's fields, nor receiver times, nor cleaning.
Messages per second count the messages decoded; two runs each.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from functools import reduce
from pathlib import Path

from benchmarks.common import Comparison
from pyais import encode_dict
from pyais.messages import NMEASentenceFactory

from filet import settings
from filet.ingest.nmea import nmea_records

DEFAULT_SIZE = 200_000
SAMPLES = ("ais/pyais-nmea/nmea_data_sample.txt", "ais/pyais-nmea/mixed.txt")
T0 = 1_503_079_517  # the tag block example of the NMEA 4.10 standard
RUNS = 2


def run(size: int = DEFAULT_SIZE) -> list[Comparison]:
    with tempfile.TemporaryDirectory(prefix="filet-bench-nmea-") as folder:
        path, source = generate(Path(folder) / "feed.nmea", size)
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        comparisons = []
        for attempt in range(1, RUNS + 1):
            fast = _records_rate(lines, fast=True)
            slow = _records_rate(lines, fast=False)
            bare = _pyais_rate(lines)
            _log(
                f"nmea run {attempt} ({source}, {len(lines):,} lines): fast {fast:,.0f} msg/s, "
                f"pyais via Filet {slow:,.0f} msg/s, pyais alone {bare:,.0f} msg/s\n"
            )
            comparisons += [
                Comparison(
                    f"run {attempt}: messages decoded/s, same records ({source})",
                    "msg/s",
                    fast,
                    "Filet reader on pyais (fast=False)",
                    slow,
                    higher_is_better=True,
                ),
                Comparison(
                    f"run {attempt}: messages decoded/s ({source})",
                    "msg/s",
                    fast,
                    "pyais produce + decode() alone",
                    bare,
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


def _records_rate(lines: list[str], fast: bool) -> float:
    started = time.perf_counter()
    decoded = sum(record.fields is not None for record in nmea_records(lines, fast=fast))
    return decoded / (time.perf_counter() - started)


def _pyais_rate(lines: list[str]) -> float:
    """pyais alone, as its users call it line by line (multi-part left aside)."""
    started = time.perf_counter()
    decoded = 0
    for line in lines:
        try:
            NMEASentenceFactory.produce(line.encode()).decode()  # type: ignore[attr-defined]
        except Exception:  # counting what pyais decodes, whatever fails
            continue
        decoded += 1
    return decoded / (time.perf_counter() - started)


def _log(text: str) -> None:
    sys.stderr.write(text)
