"""Ingest throughput: a MarineCadastre-shaped CSV through the built-in mapping.

Filet reads ``size`` generated rows with ``ingest_file`` (format ``marinecadastre``):
each row is validated, becomes a Vessel entity (statements with provenance) and an
``ais_positions`` event row, in checkpointed batches (SQLite workspace). The baseline
does the same rows with no validation, provenance, quarantine or checkpoint: Python's
``csv`` reader and ``sqlite3.executemany`` into a positions table and a vessels table,
one commit at the end. The ratio is the price of losing nothing.
"""

from __future__ import annotations

import csv
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import Comparison

from filet.ingest import ingest_file
from filet.store import Workspace

DEFAULT_SIZE = 100_000
VESSELS_PER_ROW = 1 / 20  # about twenty positions per vessel, as in a day of coastal AIS
BASELINE = "raw csv + sqlite3 executemany"
STATIC = ["70", "0", "100", "20", "5", "70", "A"]  # type, status, size, draft, cargo, class
COLUMNS = [
    "MMSI", "BaseDateTime", "LAT", "LON", "SOG", "COG", "Heading", "VesselName", "IMO",
    "CallSign", "VesselType", "Status", "Length", "Width", "Draft", "Cargo", "TransceiverClass",
]  # fmt: skip


def run(size: int = DEFAULT_SIZE) -> list[Comparison]:
    with tempfile.TemporaryDirectory(prefix="filet-bench-ingest-") as folder:
        path = generate(Path(folder) / "ais.csv", size)
        filet_rate = _filet(path, Path(folder) / "home", size)
        baseline_rate = _baseline(path, Path(folder) / "baseline.db", size)
    _log(f"ingest: Filet {filet_rate:,.0f} rows/s, baseline {baseline_rate:,.0f} rows/s\n")
    return [
        Comparison(
            metric="ingest rows/s (entities + events, validated, with provenance)",
            unit="rows/s",
            filet=filet_rate,
            baseline_name=BASELINE,
            baseline=baseline_rate,
            higher_is_better=True,
        )
    ]


def generate(path: Path, size: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    vessels = max(1, int(size * VESSELS_PER_ROW))
    t0 = datetime(2023, 1, 11, tzinfo=UTC)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for index in range(size):
            vessel = rng.randrange(vessels)
            ts = t0 + timedelta(seconds=index * 86_400 // max(size, 1))
            writer.writerow(
                [
                    227_000_000 + vessel,
                    ts.strftime("%Y-%m-%dT%H:%M:%S"),
                    f"{rng.uniform(40, 50):.5f}",
                    f"{rng.uniform(-10, 10):.5f}",
                    f"{rng.uniform(0, 20):.1f}",
                    f"{rng.uniform(0, 359):.1f}",
                    "",
                    f"NAVIRE {vessel}",
                    _imo(9_000_000 + vessel * 10),
                    f"F{vessel:05d}",
                    *STATIC,
                ]
            )
    return path


def _imo(base: int) -> str:
    """A valid IMO number: six digits and their weighted check digit (IMO Res. A.1117(30))."""
    digits = str(base)[:6]
    check = sum(int(digit) * (7 - i) for i, digit in enumerate(digits)) % 10
    return f"IMO{digits}{check}"


def _filet(path: Path, home: Path, size: int) -> float:
    workspace = Workspace.open(home, f"sqlite:///{home / 'filet.db'}")
    try:
        started = time.perf_counter()
        report = ingest_file(workspace, path, "marinecadastre")
        elapsed = time.perf_counter() - started
    finally:
        workspace.close()
    if report.rows_stored != size:
        raise RuntimeError(f"Filet stored {report.rows_stored} of {size} rows")
    return size / elapsed


def _baseline(path: Path, database: Path, size: int) -> float:
    started = time.perf_counter()
    conn = sqlite3.connect(database)
    conn.execute(
        "CREATE TABLE positions (mmsi TEXT, ts TEXT, lat REAL, lon REAL, sog REAL, cog REAL)"
    )
    conn.execute("CREATE TABLE vessels (mmsi TEXT, name TEXT, imo TEXT, callsign TEXT)")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    conn.executemany(
        "INSERT INTO positions VALUES (?, ?, ?, ?, ?, ?)",
        [(r["MMSI"], r["BaseDateTime"], r["LAT"], r["LON"], r["SOG"], r["COG"]) for r in rows],
    )
    conn.executemany(
        "INSERT INTO vessels VALUES (?, ?, ?, ?)",
        [(r["MMSI"], r["VesselName"], r["IMO"], r["CallSign"]) for r in rows],
    )
    conn.commit()
    elapsed = time.perf_counter() - started
    count = conn.execute("SELECT count(*) FROM positions").fetchone()[0]
    conn.close()
    if count != size:
        raise RuntimeError(f"the baseline stored {count} of {size} rows")
    return size / elapsed


def _log(text: str) -> None:
    sys.stderr.write(text)
