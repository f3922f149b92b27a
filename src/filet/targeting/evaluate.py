"""Evaluation as the customs targeting literature reports it (DATE, Kim et al., KDD 2020).

Split by date, train on the past, inspect the top n% of the next period's declarations
by score: Precision@n% is the share of those that are frauds, Recall@n% the share of
all the period's frauds they catch. KCS has no revenue column, so Revenue@n% is not
computed. Several seeds are averaged, as the published KCS figures are (5 runs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from filet.targeting.model import ModelConfig, train

SHARES: tuple[float, ...] = (0.01, 0.02, 0.05, 0.10)
# The KCS splits (shared data README; arXiv 2208.02484): train 2020, valid 2021 Q1,
# test 2021 Q2.
KCS_VALID_FROM = datetime(2021, 1, 1, tzinfo=UTC)
KCS_TEST_FROM = datetime(2021, 4, 1, tzinfo=UTC)


@dataclass(frozen=True)
class AtShare:
    share: float
    precision: float
    recall: float


def load(folder: Path) -> pa.Table:
    """Declarations from an event-table folder, in a stable order (date, then id)."""
    table = ds.dataset(folder, format="parquet").to_table()
    return table.sort_by([("ts", "ascending"), ("declaration_id", "ascending")])


def split(rows: pa.Table, valid_from: datetime, test_from: datetime) -> tuple[pa.Table, ...]:
    ts = rows["ts"]
    before_valid = pc.less(ts, pa.scalar(valid_from))
    before_test = pc.less(ts, pa.scalar(test_from))
    return (
        rows.filter(before_valid),
        rows.filter(pc.and_(pc.invert(before_valid), before_test)),
        rows.filter(pc.invert(before_test)),
    )


def at_shares(outcomes: np.ndarray, scores: np.ndarray) -> list[AtShare]:
    """Precision and recall when the top ``share`` of items (rounded up) is inspected;
    ties keep input order, so the result does not depend on the sort algorithm."""
    order = np.argsort(-scores, kind="stable")
    found = []
    for share in SHARES:
        inspected = outcomes[order[: int(np.ceil(share * len(outcomes)))]]
        found.append(
            AtShare(share, float(inspected.mean()), float(inspected.sum() / outcomes.sum()))
        )
    return found


def evaluate(rows: pa.Table, seeds: int, config: ModelConfig) -> list[AtShare]:
    """Mean precision and recall at each share on the test period over ``seeds`` seeds."""
    train_rows, valid_rows, test_rows = split(rows, KCS_VALID_FROM, KCS_TEST_FROM)
    outcomes = np.asarray(
        pc.fill_null(test_rows["fraud"], False).to_numpy(zero_copy_only=False), np.float64
    )
    runs = []
    for seed in range(seeds):
        model = train(train_rows, valid_rows, replace(config, seed=seed))
        runs.append(at_shares(outcomes, model.score(test_rows)))
    return mean_of(runs)


def mean_of(runs: list[list[AtShare]]) -> list[AtShare]:
    """Precision and recall at each share, averaged over runs (seeds or worlds)."""
    return [
        AtShare(
            share,
            float(np.mean([run[i].precision for run in runs])),
            float(np.mean([run[i].recall for run in runs])),
        )
        for i, share in enumerate(SHARES)
    ]


def date_cuts(
    rows: pa.Table, train: float = 0.60, valid: float = 0.75
) -> tuple[datetime, datetime]:
    """Where the valid and test periods start: after ``train`` and ``valid`` of the span
    of ``ts`` (60 % train, 15 % early stopping, 25 % test by default)."""
    first, last = (moment.as_py() for moment in pc.min_max(rows["ts"]).values())
    span = last - first
    return first + span * train, first + span * valid


@dataclass(frozen=True)
class Comparison:
    """Precision and recall at each share for random picks, the rules alone, the rules and
    a learned model together, on one test period."""

    random: list[AtShare]
    rules: list[AtShare]
    rules_and_model: list[AtShare]
    test_items: int
    test_smuggled: int


def compare_rankings(
    truth: np.ndarray, points: np.ndarray, priority: Callable[[int], np.ndarray], seeds: int
) -> Comparison:
    """The three rankings of one test period against ``truth`` (1 for each smuggling
    item, inspected or not): rule ``points``, ``priority(seed)`` of a model trained with
    each seed, and a random draw per seed."""
    runs, lotteries = [], []
    for seed in range(seeds):
        runs.append(at_shares(truth, priority(seed)))
        lotteries.append(at_shares(truth, np.random.default_rng(seed).random(len(truth))))
    return Comparison(
        mean_of(lotteries), at_shares(truth, points), mean_of(runs), len(truth), int(truth.sum())
    )
