"""Evaluation as the customs targeting literature reports it (DATE, Kim et al., KDD 2020).

Split by date, train on the past, inspect the top n% of the next period's declarations
by score: Precision@n% is the share of those that are frauds, Recall@n% the share of
all the period's frauds they catch, and Revenue@n% the share of the period's value at
stake they hold (DATE's revenue recall: the value of the frauds inspected over that of
all frauds; ``evaluate_inspection`` in Seondong/Customs-Fraud-Detection). DATE's value
is the tax an inspection raises; KCS carries none, so for KCS it is a stand-in, the
duty declared on each fraud (:func:`kcs_duty`). For the seeded ports and flights it is
the cocaine each smuggled consignment or courier carries, at the wholesale price
(:data:`COCAINE_EUR_PER_KG`). Several seeds are averaged, as the published KCS figures
are (5 runs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from filet.targeting.features import numbers
from filet.targeting.model import ModelConfig, train

SHARES: tuple[float, ...] = (0.01, 0.02, 0.05, 0.10)
# The KCS splits (shared data README; arXiv 2208.02484): train 2020, valid 2021 Q1,
# test 2021 Q2.
KCS_VALID_FROM = datetime(2021, 1, 1, tzinfo=UTC)
KCS_TEST_FROM = datetime(2021, 4, 1, tzinfo=UTC)
# Wholesale price of a kilogram of cocaine once in France: 30,000 to 35,000 euros
# (OFAST, deputy head C. de Rocquigny on RTL, 5 March 2023; the Marseille prosecutor
# gave 32,000 in early 2023); the midpoint values the seeded worlds' seizures.
COCAINE_EUR_PER_KG = 32_500.0


@dataclass(frozen=True)
class AtShare:
    share: float
    precision: float
    recall: float
    revenue: float | None = None  # share of the value at stake; None where none is known


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


def at_shares(
    outcomes: np.ndarray, scores: np.ndarray, values: np.ndarray | None = None
) -> list[AtShare]:
    """Precision, recall and, given each item's value at stake (0 for a clean one),
    revenue when the top ``share`` of items (rounded up) is inspected; ties keep input
    order, so the result does not depend on the sort algorithm."""
    order = np.argsort(-scores, kind="stable")
    found = []
    for share in SHARES:
        top = order[: int(np.ceil(share * len(outcomes)))]
        inspected = outcomes[top]
        revenue = None if values is None else float(values[top].sum() / values.sum())
        found.append(
            AtShare(
                share, float(inspected.mean()), float(inspected.sum() / outcomes.sum()), revenue
            )
        )
    return found


def kcs_duty(rows: pa.Table) -> np.ndarray:
    """The value at stake of each KCS declaration: the duty declared on it (Item Price x
    Tax Rate / 100) if it is a fraud, else 0. A stand-in for DATE's raised tax, which
    KCS does not carry: it weighs a fraud by the duty at stake on the declared value,
    not by what the inspection recovered."""
    duty = numbers(rows["item_price"]) * numbers(rows["tax_rate"]) / 100
    fraud = np.asarray(pc.fill_null(rows["fraud"], False).to_numpy(zero_copy_only=False), bool)
    return np.where(fraud, np.nan_to_num(duty), 0.0)


def evaluate(rows: pa.Table, seeds: int, config: ModelConfig) -> list[AtShare]:
    """Mean precision and recall at each share on the test period over ``seeds`` seeds."""
    train_rows, valid_rows, test_rows = split(rows, KCS_VALID_FROM, KCS_TEST_FROM)
    outcomes = np.asarray(
        pc.fill_null(test_rows["fraud"], False).to_numpy(zero_copy_only=False), np.float64
    )
    duty = kcs_duty(test_rows)
    runs = []
    for seed in range(config.seed, config.seed + seeds):
        model = train(train_rows, valid_rows, replace(config, seed=seed))
        runs.append(at_shares(outcomes, model.score(test_rows), duty))
    return mean_of(runs)


def mean_of(runs: list[list[AtShare]]) -> list[AtShare]:
    """Precision, recall and revenue at each share, averaged over runs (seeds or
    worlds); revenue only where every run has one."""
    found = []
    for i, share in enumerate(SHARES):
        revenues = [run[i].revenue for run in runs]
        known = [r for r in revenues if r is not None]
        found.append(
            AtShare(
                share,
                float(np.mean([run[i].precision for run in runs])),
                float(np.mean([run[i].recall for run in runs])),
                float(np.mean(known)) if len(known) == len(runs) else None,
            )
        )
    return found


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
    test_value: float | None = None  # value at stake in the test period, where known


def compare_rankings(
    truth: np.ndarray,
    points: np.ndarray,
    priority: Callable[[int], np.ndarray],
    seeds: Sequence[int],
    values: np.ndarray | None = None,
) -> Comparison:
    """The three rankings of one test period against ``truth`` (1 for each smuggling
    item, inspected or not) and its ``values`` at stake: rule ``points``,
    ``priority(seed)`` of a model trained with each of ``seeds``, and a random draw with
    each of them."""
    runs, lotteries = [], []
    for seed in seeds:
        runs.append(at_shares(truth, priority(seed), values))
        lottery = np.random.default_rng(seed).random(len(truth))
        lotteries.append(at_shares(truth, lottery, values))
    return Comparison(
        mean_of(lotteries),
        at_shares(truth, points, values),
        mean_of(runs),
        len(truth),
        int(truth.sum()),
        None if values is None else float(values.sum()),
    )
