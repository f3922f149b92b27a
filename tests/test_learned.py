"""The learned core shared by cargo and flights: a spec's column order and monotone
constraints, and the comparison training each seed with its own seed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa

from filet.targeting import cargo_model, flight_model
from filet.targeting.learned import FeatureSpec, compare
from filet.targeting.model import ModelConfig
from filet.targeting.profiles import Profile


def test_a_spec_orders_its_columns_and_constrains_rules_and_rates() -> None:
    spec = FeatureSpec(
        categorical=("port",),
        numeric=("cash", "points", "mass"),
        rising=("cash", "points"),
        profiles=(Profile("payer", ("payer",), "payeur", "payer"),),
        labels={},
    )
    assert spec.names() == ["port", "cash", "points", "mass", "payer_seen", "payer_rate"]
    assert spec.monotone() == [0, 1, 1, 0, 0, 1]
    # Cargo and flights share the core; each spec names every column it reads.
    for domain in (cargo_model.SPEC, flight_model.SPEC):
        assert set(domain.categorical) | set(domain.numeric) <= set(domain.labels)
        assert sum(domain.monotone()) == len(domain.rising) + len(domain.profiles)


@dataclass
class _Ranked:
    scores: np.ndarray

    def priority(self, rows: pa.Table) -> np.ndarray:
        return self.scores[-rows.num_rows :]


def test_compare_trains_each_seed_with_its_own_seed() -> None:
    """World seed 7, three seeds: models trained with seeds 7, 8 and 9 (not 0, 1, 2)."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = pa.table(
        {
            "ts": [start + timedelta(days=day) for day in range(100)],
            "item": [f"I{day}" for day in range(100)],
            "points": [float(day % 5) for day in range(100)],
        }
    )
    seen: list[int] = []

    def fit(train_rows: pa.Table, valid_rows: pa.Table, config: ModelConfig) -> _Ranked:
        seen.append(config.seed)
        return _Ranked(np.arange(100, dtype=float))

    result = compare(rows, {"I99", "I98"}, "item", 3, ModelConfig(seed=7), fit)  # type: ignore[arg-type]
    assert seen == [7, 8, 9]
    assert result.test_smuggled == 2
    assert result.rules_and_model[0].precision == 1.0  # the two score highest
    assert result.rules_and_model[0].revenue is None
    valued = compare(rows, {"I99"}, "item", 1, ModelConfig(seed=7), fit, {"I99": 5.0})  # type: ignore[arg-type]
    assert valued.test_value == 5.0 and valued.rules_and_model[0].revenue == 1.0
