"""The learned transfer model against the rules alone, on the same test days.

The rules baseline is what an analyst gets from ``filet detect`` without a model: a
transfer is flagged when it is evidence of an alert of any typology detector
(fan-in, fan-out, cycle, structuring, pass-through, scatter-gather, gather-scatter)
with its default thresholds, run over the whole period (the detectors see the test
days' future, which only helps them). The best single detector, chosen on the
validation days, is reported beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from filet.alerts import Detector
from filet.engine import Engine
from filet.finance import cycles, pass_through, structuring
from filet.finance.common import MICROSECONDS_PER_DAY
from filet.finance.fans import FAN_IN, FAN_OUT
from filet.finance.model import (
    FINANCE_CONFIG,
    Scores,
    TransferModel,
    labels_of,
    load_rows,
    split,
    split_days,
    train,
)
from filet.finance.scatter_gather import GATHER_SCATTER, SCATTER_GATHER
from filet.finance.transfer_features import FeatureSettings
from filet.targeting.features import numbers
from filet.targeting.model import ModelConfig

Key = tuple[str, int]


# Named, not looked up by domain: the baseline stays the same when detectors are added.
TYPOLOGY_DETECTORS: tuple[Detector, ...] = (
    FAN_IN, FAN_OUT, cycles.DETECTOR, structuring.DETECTOR, pass_through.DETECTOR,
    SCATTER_GATHER, GATHER_SCATTER,
)  # fmt: skip


def rule_hits(engine: Engine) -> dict[str, set[Key]]:
    """Per typology detector, the transfers its alerts give as evidence."""
    return {
        detector.id: {
            (item.key["source_file"], int(item.key["source_line"]))
            for alert in detector.run(engine)
            for item in alert.evidence
        }
        for detector in TYPOLOGY_DETECTORS
    }


def flagged_by(rows: pa.Table, hits: set[Key]) -> np.ndarray:
    keys = zip(rows["source_file"].to_pylist(), rows["source_line"].to_pylist(), strict=True)
    return np.array([key in hits for key in keys], dtype=bool)


@dataclass(frozen=True)
class Evaluation:
    """Test-day scores of the model and of the rules, and how the days were cut; each
    triple is (train, validation, test)."""

    model: Scores
    rules: Scores
    best_rule: str  # the detector with the best F1 on the validation days
    best_rule_scores: Scores
    threshold: float
    valid: Scores  # the model's, at its threshold
    transfers: tuple[int, int, int]
    laundering: tuple[int, int, int]
    days: tuple[int, int, int]
    rounds: int  # trees kept by early stopping


def evaluate(
    engine: Engine, config: ModelConfig = FINANCE_CONFIG, settings: FeatureSettings | None = None
) -> tuple[TransferModel, Evaluation]:
    """Features, rules and a model trained on the first days of the engine's
    ``transactions``, scored on the last days."""
    settings = settings or FeatureSettings()
    rows = load_rows(engine, settings)
    hits = rule_hits(engine)
    train_rows, valid_rows, test_rows = split(rows)
    model = train(train_rows, valid_rows, config, settings)
    test_labels, valid_labels = labels_of(test_rows), labels_of(valid_rows)
    valid_flags = {name: flagged_by(valid_rows, keys) for name, keys in hits.items()}
    best = max(sorted(valid_flags), key=lambda name: Scores.of(valid_labels, valid_flags[name]).f1)
    any_rule = flagged_by(test_rows, set().union(*hits.values()))
    ts_us = numbers(rows["ts_us"]).astype(np.int64)
    valid_day, test_day = split_days(ts_us)
    last_day = int((ts_us.max() - ts_us.min()) // MICROSECONDS_PER_DAY) + 1
    evaluation = Evaluation(
        model=Scores.of(test_labels, model.score(test_rows) >= model.threshold),
        rules=Scores.of(test_labels, any_rule),
        best_rule=best,
        best_rule_scores=Scores.of(test_labels, flagged_by(test_rows, hits[best])),
        threshold=round(model.threshold, 6),
        valid=Scores.of(valid_labels, model.score(valid_rows) >= model.threshold),
        transfers=(train_rows.num_rows, valid_rows.num_rows, test_rows.num_rows),
        laundering=(
            int(labels_of(train_rows).sum()),
            int(valid_labels.sum()),
            int(test_labels.sum()),
        ),
        days=(valid_day, test_day - valid_day, last_day - test_day),
        rounds=model.booster.best_iteration or model.booster.current_iteration(),
    )
    return model, evaluation
