"""The day's inspections: score the consignments not yet inspected, spend the lanes'
budgets, and hand each pick to an officer by a lottery nobody can steer.

A container steered to a friendly inspector is the corruption the Senate report
describes at Le Havre and Antwerp; the defence is an assignment that no one chooses.
The draw uses a seed whose SHA-256 (:func:`filet.targeting.budget.commitment`) was
recorded in the audit log **before** the draw: the seed is revealed with the result,
and anyone recomputes both the random share and who inspects what
(:func:`assign`), so a draw run again until it suits someone would show.

What is drawn from is a :class:`Pool`: consignments (``cargo_model.pool()``) or
passengers (``flight_model.POOL``), each with its id, the parties whose records go with
each pick and the learned score to train.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from filet.targeting.budget import Pick, select
from filet.targeting.drift import Drift, Period, drift
from filet.targeting.features import numbers
from filet.targeting.learned import LearnedModel
from filet.targeting.model import ModelConfig, Reason
from filet.targeting.trust import Party, Trust, per_row, records

# Share of the labelled history kept, at its end, to stop training (as the KCS
# evaluation stops on the next period).
EARLY_STOPPING_SHARE = 0.2


@dataclass(frozen=True)
class Pool:
    """What a draw picks from: each row's id (``id_column``) and what tells an officer
    which one it is (``detail_column``: a container, a passenger on a flight), the
    parties whose records go with each pick, and the learned score (settings, training
    on ``label``)."""

    id_column: str
    detail_column: str
    parties: tuple[Party, ...]
    config: ModelConfig
    train: Callable[[pa.Table, pa.Table, ModelConfig], LearnedModel]
    label: str = "seized"


@dataclass(frozen=True)
class Scored:
    item_id: str
    detail: str
    priority: float
    points: float
    reasons: list[Reason]
    trust: dict[str, Trust]  # party role -> its record before the row's day


@dataclass(frozen=True)
class Assigned:
    pick: Pick
    officer: str
    scored: Scored


def pending(rows: pa.Table) -> pa.Table:
    """Rows awaiting a decision (``inspection`` empty): those to choose from; ``none``
    is a decision already taken, release without inspection."""
    return rows.filter(pc.is_null(rows["inspection"]))


def fit(rows: pa.Table, pool: Pool) -> LearnedModel:
    """The learned score, trained on the rows with an outcome, the last
    ``EARLY_STOPPING_SHARE`` of their period held back to stop training."""
    label = pool.label
    history = rows.filter(pc.is_valid(rows[label]))
    if pc.sum(pc.cast(history[label], pa.int64())).as_py() in (None, 0):
        raise ValueError("aucune saisie dans l'historique / no seizure in the history to learn")
    first, last = (moment.as_py() for moment in pc.min_max(history["ts"]).values())
    cut: datetime = first + (last - first) * (1 - EARLY_STOPPING_SHARE)
    before = pc.less(rows["ts"], pa.scalar(cut))
    return pool.train(rows.filter(before), rows.filter(pc.invert(before)), pool.config)


def score(
    model: LearnedModel, rows: pa.Table, trust: list[dict[str, Trust]], pool: Pool, top: int = 3
) -> list[Scored]:
    """Each row of ``rows`` with its priority, its ``top`` reasons and its parties'
    ``trust`` profiles (one per row, :func:`pending_trust`)."""
    priority, reasons = model.explain(rows, top)
    return [
        Scored(str(item), detail or "", float(p), float(points), why, known)
        for item, detail, p, points, why, known in zip(
            rows[pool.id_column].to_pylist(),
            rows[pool.detail_column].to_pylist(),
            priority,
            rows["points"].to_pylist(),
            reasons,
            trust,
            strict=True,
        )
    ]


def draw(
    scored: list[Scored],
    budgets: dict[str, int],
    officers: dict[str, list[str]],
    seed: str,
    random_share: float,
) -> list[Assigned]:
    """Spend the budgets (:func:`filet.targeting.budget.select`), then give each lane's
    picks to that lane's officers (:func:`assign`)."""
    ids = [item.item_id for item in scored]
    picks = select(ids, np.array([item.priority for item in scored]), budgets, seed, random_share)
    by_id = {item.item_id: item for item in scored}
    drawn = []
    for lane in budgets:
        lane_picks = [pick for pick in picks if pick.lane == lane]
        for pick, officer in assign(lane_picks, officers[lane], seed).items():
            drawn.append(Assigned(pick, officer, by_id[pick.declaration_id]))
    return drawn


def assign(picks: list[Pick], officers: list[str], seed: str) -> dict[Pick, str]:
    """Picks in lottery order (SHA-256 of the seed and the id), dealt to the officers in
    their sorted order: each gets as many as the others, give or take one, and which
    ones only the seed decides."""
    if not officers:
        raise ValueError("aucun agent pour ce couloir / no officer for this lane")
    dealt = sorted(officers)
    order = sorted(picks, key=lambda pick: _lottery(seed, pick.declaration_id))
    return {pick: dealt[index % len(dealt)] for index, pick in enumerate(order)}


def _lottery(seed: str, item: str) -> str:
    return hashlib.sha256(f"{seed}\x00officer\x00{item}".encode()).hexdigest()


def periods_drift(rows: pa.Table, days: int, pool: Pool) -> Drift:
    """The last ``days`` against the ``days`` before, scored by a model trained on all
    that came earlier."""
    last = pc.max(rows["ts"]).as_py()
    recent_from = last - timedelta(days=days)
    reference_from = recent_from - timedelta(days=days)
    earlier = rows.filter(pc.less(rows["ts"], pa.scalar(reference_from)))
    reference = rows.filter(
        pc.and_(
            pc.greater_equal(rows["ts"], pa.scalar(reference_from)),
            pc.less(rows["ts"], pa.scalar(recent_from)),
        )
    )
    recent = rows.filter(pc.greater_equal(rows["ts"], pa.scalar(recent_from)))
    if earlier.num_rows == 0 or reference.num_rows == 0:
        raise ValueError(f"moins de / fewer than {2 * days} jours d'historique / days of history")
    model = fit(earlier, pool)
    return drift(_period(model, reference, pool.label), _period(model, recent, pool.label))


def _period(model: LearnedModel, rows: pa.Table, label: str) -> Period:
    return Period(model.score(rows), numbers(rows["points"]), _outcomes(rows, label))


def _outcomes(rows: pa.Table, label: str) -> np.ndarray:
    return np.array(
        [np.nan if v is None else float(v) for v in rows[label].to_pylist()], np.float64
    )


def pending_trust(rows: pa.Table, pool: Pool, prior: float) -> list[dict[str, Trust]]:
    """The trust profiles (:mod:`filet.targeting.trust`) of the rows awaiting a
    decision, in :func:`pending`'s order, each on the days before its own, shrunk as
    the pool's profiles are."""
    weight = pool.config.profile_weight
    figures = per_row(rows, pool.parties, pool.label, prior, weight)
    waiting = pc.is_null(rows["inspection"])
    return records(figures.filter(waiting), rows.filter(waiting), pool.parties)
