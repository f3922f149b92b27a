"""Entity resolution of generated person records: Splink on DuckDB against the exact rule.

``size`` is the number of records: ``filet.demo.resolution_world`` draws about
``size / RECORDS_PER_PERSON`` people (seed 7) and copies them, with noise, into other
datasets, adding namesakes and siblings, so every true pair is known. Filet runs
``resolve`` end to end (feature rows, Splink training, blocking, prediction, pairs
kept from the review bound) with the product's settings, and its pairs at the accept
threshold (0.99) are scored against the true pairs: every two records of one person.

The baseline is what an application writes without a model: records with the same
folded name (tokens sorted, as Filet folds them, each distinct name folded once) and
the same birth date are one person, found with a DuckDB self-join. It is timed the same
way, from the records to the pairs. It is faster and finds fewer; the quality rows say
what the time buys. A last row sets Filet's wall time against the goal of a minute.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TypeVar

import duckdb
import pyarrow as pa
from benchmarks.common import Comparison

from filet.demo.resolution_world import generate, resolution_records
from filet.network.resolution import ResolutionRecord, ResolutionThresholds, resolve
from filet.search.names import fold

DEFAULT_SIZE = 1_000_000
# Records the world holds per person drawn (1.16 identities with namesakes and
# siblings, 1.9 records each on average): 98,851 records for 45,000 people, seed 7.
RECORDS_PER_PERSON = 2.2
SEED = 7
GOAL_SECONDS = 60.0
BASELINE_NAME = "same folded name + birth date, DuckDB self-join"

Pair = tuple[str, str]
T = TypeVar("T")


def run(size: int = DEFAULT_SIZE) -> list[Comparison]:
    started = time.perf_counter()
    world = generate(people=max(2, round(size / RECORDS_PER_PERSON)), seed=SEED)
    records = resolution_records(world)
    rows = len(records)
    _log(f"{rows:,} records, {len(world.true_pairs):,} true pairs, {_since(started)}\n")
    filet_pairs, filet_seconds = _timed(lambda: accepted_pairs(records))
    rule_pairs, rule_seconds = _timed(lambda: rule_pairs_of(records))
    filet_scores = quality(filet_pairs, world.true_pairs)
    rule_scores = quality(rule_pairs, world.true_pairs)
    _log(f"Filet {filet_seconds:.1f} s, rule {rule_seconds:.1f} s\n")
    accept = ResolutionThresholds().accept_probability
    return [
        Comparison(
            f"resolution, {rows:,} records", "records/s", rows / filet_seconds,
            BASELINE_NAME, rows / rule_seconds, higher_is_better=True,
        ),
        *(
            Comparison(
                f"{name} at >= {accept}", "share", filet_value, BASELINE_NAME, rule_value,
                higher_is_better=True,
            )
            for name, filet_value, rule_value in zip(
                ("precision", "recall", "F1"), filet_scores, rule_scores, strict=True
            )
        ),
        Comparison(
            f"Filet wall time, {rows:,} records", "s", filet_seconds,
            f"goal: {GOAL_SECONDS:.0f} s", GOAL_SECONDS, higher_is_better=False,
        ),
    ]  # fmt: skip


def accepted_pairs(records: list[ResolutionRecord]) -> set[Pair]:
    """Filet's pairs at the accept threshold, what is merged without review."""
    accept = ResolutionThresholds().accept_probability
    started = time.perf_counter()
    found = resolve(records, progress=lambda text: _log(f"  {_since(started)} {text}\n"))
    return {(pair.entity_a, pair.entity_b) for pair in found if pair.probability >= accept}


def rule_pairs_of(records: list[ResolutionRecord]) -> set[Pair]:
    """Pairs of records with the same folded name and birth date, lower id first."""
    folded = {name: " ".join(sorted(fold(name).tokens)) for name in _first_names(records)}
    table = pa.table(
        {
            "id": [record.entity_id for record in records],
            "name": [folded[record.names[0]] if record.names else None for record in records],
            "birth": [record.birth_date for record in records],
        }
    )
    with duckdb.connect() as conn:
        conn.register("people", table)
        found = conn.execute(
            "SELECT a.id, b.id FROM people a JOIN people b"
            " ON a.name = b.name AND a.birth = b.birth AND a.id < b.id"
            " WHERE a.name <> ''"
        ).fetchall()
    return {(left, right) for left, right in found}


def _first_names(records: list[ResolutionRecord]) -> set[str]:
    return {record.names[0] for record in records if record.names}


def quality(found: set[Pair], truth: set[Pair]) -> tuple[float, float, float]:
    """Precision, recall and F1 of found pairs against every pair of one person's records
    (as ``tests/test_resolution.py`` scores them: pair by pair, no transitive closure)."""
    right = len(found & truth)
    precision = right / max(1, len(found))
    recall = right / max(1, len(truth))
    f1 = 2 * precision * recall / (precision + recall) if right else 0.0
    return precision, recall, f1


def _timed(work: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def _since(started: float) -> str:
    return f"[{time.perf_counter() - started:7.1f} s]"


def _log(text: str) -> None:
    sys.stderr.write(text)
