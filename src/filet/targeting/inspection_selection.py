"""The learned inspection selection as a detector: which consignments awaiting a decision
to inspect, under a budget, with a protected random share.

The cargo rules (:mod:`filet.targeting.cargo_rules`) flag every consignment in SQL;
LightGBM (:mod:`filet.targeting.cargo_model`) then learns from the **inspected** ones
which rules and which records weigh in this service's traffic, and ranks those whose
``inspection`` is still empty. The budget is spent as ASYCUDA's selectivity module does
(criteria hits and an expected rate, with a "Minimum Random Rate"): the top of the
ranking, and a share drawn by lottery (:mod:`filet.targeting.learned_selection`, shared
with the passengers' selection), because a model left without exploration decays as
traffic moves ("Take a Chance", arXiv 2010.14282). Each pick is an alert with its
priority, the rules it hit, the model's strongest contributions, the trust profile of
its shipper, consignee, booking party and carrier (:mod:`filet.targeting.trust`) and
the thresholds applied.

The lottery's seed is the SHA-256 of the waiting consignments' ids: the same file gives
the same selection, and no one chooses the seed. A draw that must be proven unsteered
(seed committed in the audit log before the draw, officers dealt by lottery) is
``filet targeting commit`` then ``filet targeting select``.

Without inspected history, or with no consignment waiting, there is nothing to learn or
to select: the detector finds nothing and says why with a :class:`NoSelection` warning,
which ``filet scan`` and ``filet detect`` print.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from filet.alerts import Alert, Detector, Evidence, Subject, register
from filet.engine import Dialect, Step
from filet.targeting import learned_selection as chosen_by
from filet.targeting.cargo_rules import CargoRuleThresholds, flag_steps, hits
from filet.targeting.learned_selection import Budgeted, Chosen, Draw, Words
from filet.targeting.learned_selection import NoSelection as NoSelection
from filet.targeting.learned_selection import noted as noted
from filet.targeting.trust import CARGO_PARTIES

DETECTOR_ID = "targeting.inspection_selection"
VERSION = "1"
_NUMERIC_COLUMNS = frozenset({"gross_mass_kg"})
_WORDS = Words("aucun envoi", "no consignment", "aucun envoi contrôlé", "no inspected consignment")
_ROWS = ("envois", "consignments")


@dataclass(frozen=True)
class SelectionThresholds(CargoRuleThresholds, Budgeted):
    """The cargo rules' thresholds (their flags are the model's features) and the budget."""

    budget_share: float = chosen_by.budget_share(
        0.10,
        unit="share of the consignments waiting",
        source=(
            "Europol 2023: about 10 % of South American containers are inspected; the "
            "online setting of « Take a Chance » (arXiv 2010.14282) settles at 10 % inspected "
            "(docs/targeting.md §2-3)"
        ),
        rows=_ROWS,
    )
    budget_count: int = chosen_by.budget_count(
        "consignments",
        "ASYCUDA selectivity: an expected number per lane, set by the service's capacity",
    )
    random_share: float = chosen_by.random_share()

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check_budget()


def steps(thresholds: SelectionThresholds, dialect: Dialect) -> list[Step]:
    """The cargo rules' flags on every consignment, inspected or waiting."""
    return flag_steps(thresholds, dialect)


def to_alerts(rows: list[dict[str, Any]], thresholds: SelectionThresholds) -> list[Alert]:
    """:func:`table_to_alerts` on rows given as dictionaries."""
    if not rows:
        return []
    return table_to_alerts(chosen_by.as_table(rows, _NUMERIC_COLUMNS), thresholds)


def table_to_alerts(flags: pa.Table, thresholds: SelectionThresholds) -> list[Alert]:
    """Train on the inspected consignments, rank the waiting ones, spend the budget."""
    # Imported here: LightGBM loads only when there is something to select.
    from filet.targeting.cargo_model import labelled, pool

    if flags.num_rows == 0:
        return []

    def alert(chosen: Chosen, draw: Draw) -> Alert:
        return _alert(chosen, draw, thresholds)

    table = labelled(flags)
    return chosen_by.learn_and_spend(
        table, pool(thresholds), thresholds, DETECTOR_ID, _WORDS, alert
    )


def _alert(chosen: Chosen, draw: Draw, rules: SelectionThresholds) -> Alert:
    item, row = chosen.item, chosen.row
    certain = item.points >= rules.certain_points
    learned = min(max(item.priority - (1.0 if certain else 0.0), 0.0), 1.0)
    subjects = [Subject("consignment", item.item_id)]
    if item.detail:
        subjects.append(Subject("container", item.detail))
    if row["consignee"]:
        subjects.append(Subject("consignee", row["consignee"]))
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=tuple(subjects),
        start=row["ts"],
        end=row["ts"],
        score=round(learned, 4),
        reason_fr=_said(chosen, draw, rules, certain, french=True),
        reason_en=_said(chosen, draw, rules, certain, french=False),
        evidence=(
            Evidence(
                "manifests", {"source_file": row["source_file"], "source_line": row["source_line"]}
            ),
        ),
        thresholds=rules.used(),
        thresholds_hash=rules.digest(),
    )


def _said(
    chosen: Chosen, draw: Draw, rules: SelectionThresholds, certain: bool, french: bool
) -> str:
    """Why this consignment: how it was picked, its rules, the model, its parties."""
    item, row = chosen.item, chosen.row
    what = f"{item.item_id} ({item.detail or '-'}, {row['port_loading'] or '?'})"
    found = hits(row, rules)
    how = chosen_by.how(chosen, draw, french)
    model = chosen_by.model_said(item, french)
    trust = chosen_by.trust_said(item, CARGO_PARTIES, french, _ROWS)
    if french:
        first = " ; points certains, contrôlé avant tout score" if certain else ""
        said = "; ".join(f"{r.label_fr} (+{w:g})" for r, w in found) or "aucune"
        return (
            f"Envoi {what} proposé au contrôle, {how} (budget {draw.budget} sur "
            f"{draw.waiting} en attente) : priorité {item.priority:.3f}, "
            f"{item.points:g} points{first}. Règles : {said}. Modèle : {model}. "
            f"Confiance : {trust}."
        )
    first = "; certain points, inspected ahead of any score" if certain else ""
    said = "; ".join(f"{r.label_en} (+{w:g})" for r, w in found) or "none"
    return (
        f"Consignment {what} proposed for inspection, {how} (budget {draw.budget} of "
        f"{draw.waiting} waiting): priority {item.priority:.3f}, {item.points:g} points"
        f"{first}. Rules: {said}. Model: {model}. Trust: {trust}."
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
