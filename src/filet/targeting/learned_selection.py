"""What the learned selections of consignments and of passengers share, as detectors: the
budget thresholds, training and scoring on the rows with an outcome, the budget spent
with a protected random share under a seed no one chooses, the wording of how each pick
was made, and the note when there is nothing to select.

The budget is spent as ASYCUDA's selectivity module does (criteria hits and an expected
rate, with a "Minimum Random Rate"): the top of the ranking, and a share drawn by
lottery (:func:`filet.targeting.budget.select`), because a model left without
exploration decays as traffic moves ("Take a Chance", arXiv 2010.14282). The lottery's
seed is the SHA-256 of the waiting rows' ids: the same file gives the same selection.

Without inspected history, or with nothing waiting, there is nothing to learn or to
select: the detector finds nothing and says why with a :class:`NoSelection` warning,
which ``filet scan`` and ``filet detect`` print (:func:`noted`).
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from filet.alerts import Alert, threshold
from filet.targeting.budget import DEFAULT_RANDOM_SHARE, Pick, select

if TYPE_CHECKING:
    from filet.targeting.selection import Pool, Scored
    from filet.targeting.trust import Party

LANE = "physical"
TOP_REASONS = 3
_RANDOM_SOURCE = (
    "ASYCUDA « Minimum Random Rate »; 90 % model / 10 % random default of the "
    "KAIST/WCO framework (Seondong/Customs-Fraud-Detection); arXiv 2010.14282"
)


class NoSelection(UserWarning):
    """Nothing to select, and why (French / English): not an error, a state of the data."""


# Silent unless a command asks for the notes (:func:`noted`).
warnings.filterwarnings("ignore", category=NoSelection)


def budget_share(default: float, unit: str, source: str, rows: tuple[str, str]) -> Any:
    """The ``budget_share`` threshold: the share of the waiting ``rows`` (French,
    English) inspected when no count is given."""
    return threshold(
        default,
        unit=unit,
        source=source,
        help=(
            f"Part des {rows[0]} en attente à contrôler, si budget_count vaut 0. / Share of "
            f"the waiting {rows[1]} to inspect, when budget_count is 0."
        ),
    )


def budget_count(unit: str, source: str) -> Any:
    return threshold(
        0,
        unit=unit,
        source=source,
        help=(
            "Nombre de contrôles (0 : budget_share). / Number of inspections (0: use budget_share)."
        ),
    )


def random_share() -> Any:
    return threshold(
        DEFAULT_RANDOM_SHARE,
        unit="share of the budget",
        source=_RANDOM_SOURCE,
        help="Part du budget tirée au sort. / Share of the budget drawn at random.",
    )


class Budgeted:
    """The budget of a selection's thresholds (fields from :func:`budget_share`,
    :func:`budget_count` and :func:`random_share`)."""

    budget_share: float
    budget_count: int
    random_share: float

    def check_budget(self) -> None:
        if not 0 < self.budget_share <= 1:
            raise ValueError("0 < budget_share <= 1 expected")
        if self.budget_count < 0:
            raise ValueError("budget_count >= 0 expected")
        if not 0 <= self.random_share <= 1:
            raise ValueError("0 <= random_share <= 1 expected")

    def budget(self, waiting: int) -> int:
        """Inspections to spend on ``waiting`` rows: the count, else the share (at
        least one)."""
        wanted = self.budget_count or max(1, round(waiting * self.budget_share))
        return min(wanted, waiting)


@dataclass(frozen=True)
class Draw:
    """How one selection was spent: the budget, the rows waiting, the lottery's seed."""

    budget: int
    waiting: int
    seed: str
    random_share: float

    @property
    def drawn(self) -> int:
        return round(self.budget * self.random_share)


@dataclass(frozen=True)
class Chosen:
    pick: Pick
    item: Scored
    row: dict[str, Any]
    rank: int  # place by priority among the waiting rows


@dataclass(frozen=True)
class Words:
    """What is selected, for the notes: « aucun envoi en attente », « no consignment
    awaits »; ``inspected`` for « no inspected consignment »."""

    none_fr: str
    none_en: str
    inspected_fr: str
    inspected_en: str


def learn_and_spend(
    table: pa.Table,
    pool: Pool,
    thresholds: Budgeted,
    detector_id: str,
    words: Words,
    alert: Callable[[Chosen, Draw], Alert],
) -> list[Alert]:
    """Train on the rows of ``table`` with an outcome, rank those awaiting a decision,
    spend the budget and make one alert per pick; or find nothing and say why."""
    from filet.targeting.selection import fit, pending, pending_trust, score

    waiting = pending(table)
    if waiting.num_rows == 0:
        return nothing(
            detector_id,
            f"{words.none_fr} en attente de décision (inspection vide) : rien à sélectionner",
            f"{words.none_en} awaits a decision (empty inspection): nothing to select",
        )
    label = table[pool.label]
    if waiting.num_rows == table.num_rows or label.null_count == table.num_rows:
        return nothing(
            detector_id,
            f"{words.inspected_fr} dans l'historique : pas de sélection apprise",
            f"{words.inspected_en} in the history: no learned selection",
        )
    try:
        model = fit(table, pool)
    except ValueError as error:
        fr, en = f"pas de sélection apprise : {error}", f"no learned selection: {error}"
        return nothing(detector_id, fr, en)
    scored = score(model, waiting, pending_trust(table, pool, model.prior), pool, TOP_REASONS)
    draw, chosen = spend(scored, waiting.to_pylist(), thresholds)
    return [alert(item, draw) for item in chosen]


def spend(
    scored: list[Scored], rows: list[dict[str, Any]], thresholds: Budgeted
) -> tuple[Draw, list[Chosen]]:
    """The budget spent on ``scored`` (one lane), its seed the SHA-256 of their ids."""
    ids = [item.item_id for item in scored]
    budget = thresholds.budget(len(scored))
    seed = hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()
    priorities = np.array([item.priority for item in scored])
    picks = select(ids, priorities, {LANE: budget}, seed, thresholds.random_share)
    order = np.argsort(-priorities, kind="stable")
    rank = {ids[index]: place for place, index in enumerate(order, 1)}
    by_id = {item.item_id: (item, row) for item, row in zip(scored, rows, strict=True)}
    draw = Draw(budget, len(scored), seed, thresholds.random_share)
    chosen = [Chosen(p, *by_id[p.declaration_id], rank[p.declaration_id]) for p in picks]
    return draw, chosen


def how(chosen: Chosen, draw: Draw, french: bool) -> str:
    """How the pick was made: its rank by score, or the lottery with its seed."""
    share = f"{draw.random_share:.0%}"
    if french:
        if chosen.pick.why == "random":
            return (
                f"tiré au sort dans la part aléatoire protégée ({draw.drawn} des "
                f"{draw.budget} contrôles, {share}, graine {draw.seed[:16]})"
            )
        return f"rang {chosen.rank} au score"
    if chosen.pick.why == "random":
        return (
            f"drawn in the protected random share ({draw.drawn} of the {draw.budget} "
            f"inspections, {share}, seed {draw.seed[:16]})"
        )
    return f"ranked {chosen.rank} by score"


def model_said(item: Scored, french: bool) -> str:
    """The model's strongest pushes on the score, « label = value (+push) »."""
    said = "; ".join(
        f"{r.label_fr if french else r.label_en} = {r.value} (+{r.contribution:.2f})"
        for r in item.reasons
    )
    return said or "-"


def trust_said(
    item: Scored, parties: tuple[Party, ...], french: bool, rows: tuple[str, str]
) -> str:
    """The records of the pick's parties before its day, counted in ``rows``."""
    known = [
        item.trust[party.name].said_in(party, french, rows)
        for party in parties
        if party.name in item.trust
    ]
    return ("; " if not french else " ; ").join(known) or "-"


def as_table(rows: list[dict[str, Any]], numeric: frozenset[str]) -> pa.Table:
    """Rows given as dictionaries back in Arrow; a column empty throughout gets its type
    back (``numeric`` ones float, the others text)."""
    table = pa.Table.from_pylist(rows)
    for index, name in enumerate(table.column_names):
        if pa.types.is_null(table.schema.field(name).type):
            kind = pa.float64() if name in numeric else pa.string()
            table = table.set_column(index, name, table[name].cast(kind))
    return table


def nothing(detector_id: str, fr: str, en: str) -> list[Alert]:
    warnings.warn(NoSelection(f"{detector_id} : {fr} / {en}"), stacklevel=3)
    return []


@contextmanager
def noted() -> Iterator[list[str]]:
    """Collect the :class:`NoSelection` notes of the detectors run inside, for the
    command to print; other warnings go on as before."""
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NoSelection)
        yield notes
    for warning in caught:
        if issubclass(warning.category, NoSelection):
            notes.append(str(warning.message))
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
