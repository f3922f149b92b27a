"""Watchlist screening: one flight of 400 passengers against a watchlist of ``size``.

Generates (seeded) a watchlist of ``size`` persons — surnames and given names from
syllables, a date of birth, a document number for one in two — with the keys the
screening reader adds at ingest, and a flight of 400 passengers of whom 20 are listed
under another spelling (romanization, Cyrillic script on the list, swapped names,
accents, doubled letters), then times ``targeting.watchlist_hits`` on DuckDB (the SQL
blocks and the Python scoring, end to end, tables already in Parquet) against:

- **rapidfuzz extract (token_sort_ratio), full scan of folded names**: each passenger's
  folded name against every watchlist name, already folded in memory (the baseline
  gets Filet's transliteration for free), top 5 kept. It is run on the first
  ``BASELINE_PASSENGERS`` passengers and its time multiplied to 400, as said in the
  metric's name.

A planted passenger is found when its entry is among Filet's hits, or among the
baseline's top 5 for that passenger (no date of birth check: generous to the baseline).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
from benchmarks.common import Comparison
from rapidfuzz import fuzz, process

from filet.alerts import get_detector
from filet.engine.duckdb_engine import DuckDBEngine
from filet.store.events import EVENT_TABLES, EventStore
from filet.targeting.screening import SCREENING_COLUMNS, tokens

DEFAULT_SIZE = 1_000_000
PASSENGERS = 400
BASELINE_PASSENGERS = 10
REPEATS = 5
BASELINE = "rapidfuzz extract (token_sort_ratio), full scan of folded names"
SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "zu",
    "ren",
    "tak",
    "vo",
    "bri",
    "ske",
    "dun",
    "fa",
    "gor",
    "pel",
    "sha",
    "tin",
    "or",
    "ab",
    "ul",
    "nik",
    "sel",
)
# (list surname, list given names, how the PNR spells them: surname, given names)
PLANTED = (
    ("Шевченко", "Тарас", "CHEVTCHENKO", "TARAS"),
    ("Muhammad", "Ali", "MOHAMMED", "ALI"),
    ("Dupré", "Hélène", "HELENE", "DUPRE"),
    ("Benali", "Karim", "BENALLI", "KARIM"),
    ("Youssef", "Omar", "YUSUF", "OMAR"),
)
DEPARTURE = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)


def run(size: int = DEFAULT_SIZE) -> list[Comparison]:
    rng = random.Random(2026)
    started = time.perf_counter()
    watchlist = [_stranger(rng, n) for n in range(size)]
    entries = _plant(rng, watchlist)
    passengers = _flight(rng, entries)
    planted = {line: entry["entry_id"] for line, entry in entries.items()}
    _log(
        f"{size:,} entries and {PASSENGERS} passengers keyed in "
        f"{time.perf_counter() - started:,.1f} s\n"
    )
    with tempfile.TemporaryDirectory(prefix="filet-bench-passengers-") as folder:
        store = EventStore(Path(folder))
        for table, rows in (("watchlist", watchlist), ("passengers", passengers)):
            store.write_part(table, "part-0", pa.Table.from_pylist(rows, EVENT_TABLES[table]))
        seconds, found, found_all = _filet(store, planted)
    baseline_seconds, baseline_found = _baseline(watchlist, passengers, planted)
    _log(
        f"Filet {seconds:.3f} s, found {found:.2f} ({found_all:.2f} of all 20); baseline "
        f"{baseline_seconds:.1f} s (extrapolated), found {baseline_found:.2f} of the first "
        f"{BASELINE_PASSENGERS}\n"
    )
    return [
        Comparison(
            f"flight of {PASSENGERS} vs {size:,}: p50",
            "s",
            seconds,
            BASELINE + f" ({BASELINE_PASSENGERS} passengers × {PASSENGERS // BASELINE_PASSENGERS})",
            baseline_seconds,
            False,
        ),
        Comparison(
            "planted found (first 10 passengers)", "share", found, BASELINE, baseline_found, True
        ),
    ]


def _filet(store: EventStore, planted: dict[int, str]) -> tuple[float, float, float]:
    """Median seconds of a full run (SQL and scoring), and the share of planted found."""
    detector = get_detector("targeting.watchlist_hits")
    times = []
    with DuckDBEngine() as engine:
        store.register(engine)
        for _ in range(REPEATS):
            begun = time.perf_counter()
            alerts = detector.run(engine)
            times.append(time.perf_counter() - begun)
    hits = {(int(a.evidence[0].key["source_line"]), a.subjects[1].value) for a in alerts}
    first = {line: entry for line, entry in planted.items() if line < BASELINE_PASSENGERS}
    return statistics.median(times), _share(first, hits), _share(planted, hits)


def _baseline(
    watchlist: list[dict[str, Any]], passengers: list[dict[str, Any]], planted: dict[int, str]
) -> tuple[float, float]:
    choices = [_folded(row) for row in watchlist]
    hits = set()
    begun = time.perf_counter()
    for line, row in enumerate(passengers[:BASELINE_PASSENGERS]):
        top = process.extract(_folded(row), choices, scorer=fuzz.token_sort_ratio, limit=5)
        hits.update((line, watchlist[index]["entry_id"]) for _, _, index in top)
    spent = time.perf_counter() - begun
    first = {line: entry for line, entry in planted.items() if line < BASELINE_PASSENGERS}
    return spent * PASSENGERS / BASELINE_PASSENGERS, _share(first, hits)


def _share(planted: dict[int, str], hits: set[tuple[int, str]]) -> float:
    return sum((line, entry) in hits for line, entry in planted.items()) / len(planted)


def _folded(row: dict[str, Any]) -> str:
    return " ".join((*tokens(row["surname"]), *tokens(row["given_names"])))


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _stranger(rng: random.Random, number: int) -> dict[str, Any]:
    born = datetime(1950, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 20_000))
    document = f"{rng.randint(10, 99)}XY{rng.randint(10_000, 99_999)}" if number % 2 else None
    return _keyed(
        {
            "entry_id": f"W{number:07d}",
            "surname": _word(rng, 3),
            "given_names": _word(rng, 2),
            "birth_date": born,
            "document_number": document,
            "list_name": "bench",
            "source_file": "liste.csv",
            "source_line": number + 2,
        },
        "watchlist",
    )


def _plant(rng: random.Random, watchlist: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Twenty listed persons on the flight (five among the first ten passengers):
    passenger line -> the entry, renamed to a name the PNR spells otherwise."""
    planted = {}
    for n in range(20):
        index = rng.randrange(len(watchlist))
        surname, given, _, _ = PLANTED[n % len(PLANTED)]
        watchlist[index] = _keyed(
            {**watchlist[index], "surname": surname, "given_names": given}, "watchlist"
        )
        planted[n * 2 if n < 5 else 10 + n * 19] = watchlist[index]
    return planted


def _flight(rng: random.Random, planted: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for line in range(PASSENGERS):
        surname, given = _word(rng, 3).upper(), _word(rng, 2).upper()
        born = datetime(1950, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 20_000))
        if line in planted:
            entry = planted[line]
            spelled = next(p for p in PLANTED if p[0] == entry["surname"])
            surname, given, born = spelled[2], spelled[3], entry["birth_date"]
        rows.append(
            {
                "kind": "pnr",
                "voyage": "TX0571",
                "departure_ts": DEPARTURE,
                "origin": "CAY",
                "destination": "ORY",
                "surname": surname,
                "given_names": given,
                "birth_date": born,
                "source_file": "pnr.csv",
                "source_line": line,
            }
        )
    return [_keyed(row, "passengers") for row in rows]


def _keyed(row: dict[str, Any], table: str) -> dict[str, Any]:
    keyed = SCREENING_COLUMNS.fields(row)
    return {name: keyed.get(name) for name in EVENT_TABLES[table].names}


def _log(message: str) -> None:
    sys.stderr.write(f"[passengers] {message}")
    sys.stderr.flush()
