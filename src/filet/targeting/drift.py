"""Has the traffic moved away from what the score learned? Score distribution and
seizure rate, recent days against the days before.

A targeting model decays as traffickers change routes and covers ("Take a Chance",
arXiv 2010.14282): its scores drift, or its hits fall while it still looks confident.
Two signals, each with its usual test:

- the **population stability index** of the learned scores and of the rule points
  (deciles of the reference period; the rule points move even when too few seizures
  leave the learned score flat;
  Siddiqi, *Credit Risk Scorecards*, Wiley 2006: under 0.10 stable, 0.10-0.25 watch,
  above 0.25 shifted; Yurdakul, 2018, for its sampling behaviour);
- the **seizure rate** of inspected consignments, recent against reference, by a
  two-proportion z-test (|z| >= 1.96: different at the 5 % level).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

PSI_WATCH = 0.10
PSI_SHIFTED = 0.25
Z_CRITICAL = 1.96  # two-sided 5 %
# Added to empty bins so that the logarithm stays finite (a common PSI convention).
_EMPTY_BIN = 1e-4


@dataclass(frozen=True)
class Drift:
    psi_score: float
    psi_points: float
    psi_level: str  # of the larger: stable, watch, shifted
    reference_hit_rate: float | None
    recent_hit_rate: float | None
    hit_rate_z: float | None

    @property
    def hit_rate_moved(self) -> bool:
        return self.hit_rate_z is not None and abs(self.hit_rate_z) >= Z_CRITICAL


def population_stability(reference: np.ndarray, recent: np.ndarray, bins: int = 10) -> float:
    """PSI of ``recent`` against ``reference``, on the reference's quantile bins."""
    if len(reference) == 0 or len(recent) == 0:
        raise ValueError("PSI: deux périodes non vides / two non-empty periods needed")
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1]))
    expected = _shares(np.searchsorted(edges, reference, side="right"), len(edges) + 1)
    actual = _shares(np.searchsorted(edges, recent, side="right"), len(edges) + 1)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def _shares(bin_of: np.ndarray, count: int) -> np.ndarray:
    shares = np.bincount(bin_of, minlength=count) / len(bin_of)
    return np.maximum(shares, _EMPTY_BIN)


def two_proportion_z(hits_a: int, n_a: int, hits_b: int, n_b: int) -> float | None:
    """z of the difference of two rates (pooled), None when it cannot be computed."""
    if n_a == 0 or n_b == 0:
        return None
    pooled = (hits_a + hits_b) / (n_a + n_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    return None if spread == 0 else (hits_b / n_b - hits_a / n_a) / spread


@dataclass(frozen=True)
class Period:
    """One period's consignments: learned scores, rule points, outcomes (1 seizure,
    0 clean, NaN not inspected)."""

    scores: np.ndarray
    points: np.ndarray
    outcomes: np.ndarray


def drift(reference: Period, recent: Period) -> Drift:
    psi_score = population_stability(reference.scores, recent.scores)
    psi_points = population_stability(reference.points, recent.points)
    worst = max(psi_score, psi_points)
    level = "shifted" if worst > PSI_SHIFTED else "watch" if worst >= PSI_WATCH else "stable"
    ref, rec = _inspected(reference.outcomes), _inspected(recent.outcomes)
    z = two_proportion_z(int(ref.sum()), len(ref), int(rec.sum()), len(rec))
    return Drift(psi_score, psi_points, level, _rate(ref), _rate(rec), z)


def _inspected(outcomes: np.ndarray) -> np.ndarray:
    return outcomes[~np.isnan(outcomes)]


def _rate(outcomes: np.ndarray) -> float | None:
    return float(outcomes.mean()) if len(outcomes) else None
