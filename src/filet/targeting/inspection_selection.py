"""The learned inspection selection as a detector: which consignments awaiting a decision
to inspect, under a budget, with a protected random share.

The cargo rules (:mod:`filet.targeting.cargo_rules`) flag every consignment in SQL;
LightGBM (:mod:`filet.targeting.cargo_model`) then learns from the **inspected** ones
which rules and which records weigh in this service's traffic, and ranks those whose
``inspection`` is still empty. The budget is spent as ASYCUDA's selectivity module does
(criteria hits and an expected rate, with a "Minimum Random Rate"): the top of the
ranking, and a share drawn by lottery (:func:`filet.targeting.budget.select`), because
a model left without exploration decays as traffic moves ("Take a Chance",
arXiv 2010.14282). Each pick is an alert with its priority, the rules it hit, the
model's strongest contributions, the trust profile of its shipper, consignee, booking
party and carrier (:mod:`filet.targeting.trust`) and the thresholds applied.

The lottery's seed is the SHA-256 of the waiting consignments' ids: the same file gives
the same selection, and no one chooses the seed. A draw that must be proven unsteered
(seed committed in the audit log before the draw, officers dealt by lottery) is
``filet targeting commit`` then ``filet targeting select``.

Without inspected history, or with no consignment waiting, there is nothing to learn or
to select: the detector finds nothing and says why with a :class:`NoSelection` warning,
which ``filet scan`` and ``filet detect`` print.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from filet.alerts import Alert, Detector, Evidence, Subject, register, threshold
from filet.engine import Dialect, Step
from filet.targeting.budget import DEFAULT_RANDOM_SHARE, Pick, select
from filet.targeting.cargo_rules import CargoRuleThresholds, flag_steps, hits
from filet.targeting.trust import CARGO_PARTIES

if TYPE_CHECKING:
    from filet.targeting.selection import Scored

DETECTOR_ID = "targeting.inspection_selection"
VERSION = "1"
LANE = "physical"
TOP_REASONS = 3
_NUMERIC_COLUMNS = ("gross_mass_kg",)


class NoSelection(UserWarning):
    """Nothing to select, and why (French / English): not an error, a state of the data."""


# Silent unless a command asks for the notes (:func:`noted`).
warnings.filterwarnings("ignore", category=NoSelection)


@dataclass(frozen=True)
class SelectionThresholds(CargoRuleThresholds):
    """The cargo rules' thresholds (their flags are the model's features) and the budget."""

    budget_share: float = threshold(
        0.10,
        unit="share of the consignments waiting",
        source=(
            "Europol 2023: about 10 % of South American containers are inspected; the "
            "online setting of « Take a Chance » (arXiv 2010.14282) settles at 10 % inspected "
            "(docs/targeting.md §2-3)"
        ),
        help=(
            "Part des envois en attente à contrôler, si budget_count vaut 0. / Share of the "
            "waiting consignments to inspect, when budget_count is 0."
        ),
    )
    budget_count: int = threshold(
        0,
        unit="consignments",
        source="ASYCUDA selectivity: an expected number per lane, set by the service's capacity",
        help=(
            "Nombre de contrôles (0 : budget_share). / Number of inspections (0: use budget_share)."
        ),
    )
    random_share: float = threshold(
        DEFAULT_RANDOM_SHARE,
        unit="share of the budget",
        source=(
            "ASYCUDA « Minimum Random Rate »; 90 % model / 10 % random default of the "
            "KAIST/WCO framework (Seondong/Customs-Fraud-Detection); arXiv 2010.14282"
        ),
        help="Part du budget tirée au sort. / Share of the budget drawn at random.",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 < self.budget_share <= 1:
            raise ValueError("0 < budget_share <= 1 expected")
        if self.budget_count < 0:
            raise ValueError("budget_count >= 0 expected")
        if not 0 <= self.random_share <= 1:
            raise ValueError("0 <= random_share <= 1 expected")

    def budget(self, waiting: int) -> int:
        """Inspections to spend on ``waiting`` consignments: the count, else the share
        (at least one)."""
        wanted = self.budget_count or max(1, round(waiting * self.budget_share))
        return min(wanted, waiting)


def steps(thresholds: SelectionThresholds, dialect: Dialect) -> list[Step]:
    """The cargo rules' flags on every consignment, inspected or waiting."""
    return flag_steps(thresholds, dialect)


def to_alerts(rows: list[dict[str, Any]], thresholds: SelectionThresholds) -> list[Alert]:
    """:func:`table_to_alerts` on rows given as dictionaries."""
    return table_to_alerts(_table(rows), thresholds) if rows else []


def table_to_alerts(flags: pa.Table, thresholds: SelectionThresholds) -> list[Alert]:
    """Train on the inspected consignments, rank the waiting ones, spend the budget."""
    # Imported here: LightGBM loads only when there is something to select.
    from filet.targeting.cargo_model import CARGO_CONFIG, labelled
    from filet.targeting.selection import fit, pending, pending_trust, score

    if flags.num_rows == 0:
        return []
    table = labelled(flags)
    waiting = pending(table)
    if waiting.num_rows == 0:
        return _none(
            "aucun envoi en attente de décision (inspection vide) : rien à sélectionner",
            "no consignment awaits a decision (empty inspection): nothing to select",
        )
    if waiting.num_rows == table.num_rows or table["seized"].null_count == table.num_rows:
        return _none(
            "aucun envoi contrôlé dans l'historique : pas de sélection apprise",
            "no inspected consignment in the history: no learned selection",
        )
    try:
        model = fit(table, CARGO_CONFIG, thresholds)
    except ValueError as error:
        return _none(f"pas de sélection apprise : {error}", f"no learned selection: {error}")
    trust = pending_trust(table, model.prior, CARGO_CONFIG.profile_weight)
    scored = score(model, waiting, trust, TOP_REASONS)
    return _alerts(scored, waiting.to_pylist(), thresholds)


def _alerts(
    scored: list[Scored], rows: list[dict[str, Any]], thresholds: SelectionThresholds
) -> list[Alert]:
    ids = [item.consignment_id for item in scored]
    budget = thresholds.budget(len(scored))
    seed = hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()
    priorities = np.array([item.priority for item in scored])
    picks = select(ids, priorities, {LANE: budget}, seed, thresholds.random_share)
    rank = {cid: place for place, cid in enumerate(np.array(ids)[np.argsort(-priorities)], 1)}
    by_id = {item.consignment_id: (item, row) for item, row in zip(scored, rows, strict=True)}
    context = _Context(budget, len(scored), seed, thresholds)
    return [_alert(pick, *by_id[pick.declaration_id], rank, context) for pick in picks]


@dataclass(frozen=True)
class _Context:
    budget: int
    waiting: int
    seed: str
    thresholds: SelectionThresholds


def _alert(
    pick: Pick, item: Scored, row: dict[str, Any], rank: dict[str, int], context: _Context
) -> Alert:
    rules = context.thresholds
    certain = item.points >= rules.certain_points
    learned = min(max(item.priority - (1.0 if certain else 0.0), 0.0), 1.0)
    subjects = [Subject("consignment", item.consignment_id)]
    if item.container:
        subjects.append(Subject("container", item.container))
    if row["consignee"]:
        subjects.append(Subject("consignee", row["consignee"]))
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=tuple(subjects),
        start=row["ts"],
        end=row["ts"],
        score=round(learned, 4),
        reason_fr=_said(pick, item, row, rank, context, certain, french=True),
        reason_en=_said(pick, item, row, rank, context, certain, french=False),
        evidence=(
            Evidence(
                "manifests", {"source_file": row["source_file"], "source_line": row["source_line"]}
            ),
        ),
        thresholds=rules.used(),
        thresholds_hash=rules.digest(),
    )


def _said(
    pick: Pick,
    item: Scored,
    row: dict[str, Any],
    rank: dict[str, int],
    context: _Context,
    certain: bool,
    french: bool,
) -> str:
    """Why this consignment: how it was picked, its rules, the model, its parties."""
    what = f"{item.consignment_id} ({item.container or '-'}, {row['port_loading'] or '?'})"
    drawn = round(context.budget * context.thresholds.random_share)
    found = hits(row, context.thresholds)
    reasons = [
        (r.label_fr if french else r.label_en, r.value, r.contribution) for r in item.reasons
    ]
    model = "; ".join(f"{label} = {value} (+{push:.2f})" for label, value, push in reasons)
    parties = [
        item.trust[party.name].said_in(party, french)
        for party in CARGO_PARTIES
        if party.name in item.trust
    ]
    share = f"{context.thresholds.random_share:.0%}"
    if french:
        how = (
            f"tiré au sort dans la part aléatoire protégée ({drawn} des {context.budget} "
            f"contrôles, {share}, graine {context.seed[:16]})"
            if pick.why == "random"
            else f"rang {rank[item.consignment_id]} au score"
        )
        first = " ; points certains, contrôlé avant tout score" if certain else ""
        said = "; ".join(f"{r.label_fr} (+{w:g})" for r, w in found) or "aucune"
        return (
            f"Envoi {what} proposé au contrôle, {how} (budget {context.budget} sur "
            f"{context.waiting} en attente) : priorité {item.priority:.3f}, "
            f"{item.points:g} points{first}. Règles : {said}. Modèle : {model or '-'}. "
            f"Confiance : {' ; '.join(parties) or '-'}."
        )
    how = (
        f"drawn in the protected random share ({drawn} of the {context.budget} "
        f"inspections, {share}, seed {context.seed[:16]})"
        if pick.why == "random"
        else f"ranked {rank[item.consignment_id]} by score"
    )
    first = "; certain points, inspected ahead of any score" if certain else ""
    said = "; ".join(f"{r.label_en} (+{w:g})" for r, w in found) or "none"
    return (
        f"Consignment {what} proposed for inspection, {how} (budget {context.budget} of "
        f"{context.waiting} waiting): priority {item.priority:.3f}, {item.points:g} points"
        f"{first}. Rules: {said}. Model: {model or '-'}. Trust: {'; '.join(parties) or '-'}."
    )


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    """The rows back in Arrow; a column empty throughout gets its type back."""
    table = pa.Table.from_pylist(rows)
    for index, name in enumerate(table.column_names):
        if pa.types.is_null(table.schema.field(name).type):
            kind = pa.float64() if name in _NUMERIC_COLUMNS else pa.string()
            table = table.set_column(index, name, table[name].cast(kind))
    return table


def _none(fr: str, en: str) -> list[Alert]:
    warnings.warn(NoSelection(f"{DETECTOR_ID} : {fr} / {en}"), stacklevel=2)
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


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="targeting",
        title_fr="Sélection apprise des contrôles",
        title_en="Learned inspection selection",
        inputs=("manifests",),
        thresholds=SelectionThresholds,
        steps=steps,
        to_alerts=to_alerts,
        table_to_alerts=table_to_alerts,
    )
)
