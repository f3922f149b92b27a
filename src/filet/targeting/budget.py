"""Spend an inspection budget per lane by score, keeping a protected random share.

ASYCUDA's selectivity module combines criteria hits with a "Minimum Random Rate" and an
expected rate per lane (Red: physical, Yellow: documentary); the KAIST/WCO simulation
framework (Seondong/Customs-Fraud-Detection) defaults to 90% model / 10% random, and
"Take a Chance" (arXiv 2010.14282) shows a model left without exploration decaying as
traffic shifts. Random picks are verifiable: each declaration's lottery number is
SHA-256(seed, id), so anyone holding the seed recomputes the draw, and publishing
:func:`commitment` before the draw shows the seed was not chosen after seeing the
declarations.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

# Share of each lane's budget drawn at random: the framework's 10% default (docs/targeting.md
# §2 and §3, ASYCUDA "Minimum Random Rate").
DEFAULT_RANDOM_SHARE = 0.10


@dataclass(frozen=True)
class Pick:
    declaration_id: str
    lane: str
    why: str  # "score" or "random"


def commitment(seed: str) -> str:
    """Published before the draw; the seed itself is revealed after."""
    return hashlib.sha256(seed.encode()).hexdigest()


def select(
    ids: list[str],
    scores: np.ndarray,
    budgets: dict[str, int],
    seed: str,
    random_share: float = DEFAULT_RANDOM_SHARE,
) -> list[Pick]:
    """Fill the lanes in the order given (most intrusive first): each takes its top
    unpicked declarations by score, then its random share from the rest by lottery."""
    if not 0.0 <= random_share <= 1.0:
        raise ValueError(f"random_share {random_share} hors de / outside [0, 1]")
    by_score = [ids[i] for i in np.argsort(-scores, kind="stable")]
    by_lottery = sorted(ids, key=lambda item: _lottery(seed, item))
    taken: set[str] = set()
    picks: list[Pick] = []
    for lane, budget in budgets.items():
        drawn = round(budget * random_share)
        for why, order, count in (
            ("score", by_score, budget - drawn),
            ("random", by_lottery, drawn),
        ):
            chosen = [item for item in order if item not in taken][:count]
            taken.update(chosen)
            picks.extend(Pick(item, lane, why) for item in chosen)
    return picks


def _lottery(seed: str, declaration_id: str) -> str:
    return hashlib.sha256(f"{seed}\x00{declaration_id}".encode()).hexdigest()
