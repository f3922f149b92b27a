"""The learned selection of passengers as a detector: which travellers awaiting a decision
to stop at arrival, under a budget, with a protected random share.

The courier rules (:mod:`filet.targeting.couriers`) flag every PNR passenger in SQL;
LightGBM (:mod:`filet.targeting.flight_model`) then learns from the **inspected** ones
which rules and which records weigh on these routes, and ranks the boarded passengers
whose ``inspection`` is still empty. The budget is spent as for consignments
(:mod:`filet.targeting.learned_selection`): the top of the ranking and a share drawn by
lottery, the seed the SHA-256 of the waiting passengers' ids. Each pick is an alert
with its priority, the courier rules it hit, the model's strongest contributions, the
trust profile of its travel agency, payer and booking phone (:mod:`filet.targeting.trust`)
and the thresholds applied. Without inspected history, or with no passenger waiting,
it finds nothing and says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from filet.alerts import Alert, Detector, Evidence, register
from filet.engine import Dialect, Step
from filet.targeting import learned_selection as chosen_by
from filet.targeting.couriers import (
    CourierThresholds,
    flag_steps,
    passenger_subjects,
    said_hits,
)
from filet.targeting.learned_selection import Budgeted, Chosen, Draw, Words
from filet.targeting.trust import PASSENGER_PARTIES

DETECTOR_ID = "targeting.passenger_selection"
VERSION = "1"
_NUMERIC_COLUMNS = frozenset(
    {"checked_bags", "party_size", "dep_us", "book_us", "ret_us", "payer_surnames", "no_shows"}
)
_WORDS = Words(
    "aucun passager", "no passenger", "aucun passager contrôlé", "no inspected passenger"
)
_ROWS = ("passagers", "passengers")


@dataclass(frozen=True)
class PassengerSelectionThresholds(CourierThresholds, Budgeted):
    """The courier rules' thresholds (their flags are the model's features) and the budget."""

    budget_share: float = chosen_by.budget_share(
        0.05,
        unit="share of the boarded passengers waiting",
        source=(
            "Analyst decision, as the courier weights: 5 % of the passengers, the share the "
            "seeded flight world inspects; Sénat r19-707: 20-30 couriers try each Cayenne "
            "flight, where checks reached 100 % for a time; set it to the service's capacity"
        ),
        rows=_ROWS,
    )
    budget_count: int = chosen_by.budget_count(
        "passengers",
        "ASYCUDA selectivity: an expected number per lane, set by the service's capacity "
        "(officers at the arrival of the flights)",
    )
    random_share: float = chosen_by.random_share()

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check_budget()


def steps(thresholds: PassengerSelectionThresholds, dialect: Dialect) -> list[Step]:
    """The courier rules' flags on every PNR passenger, inspected or waiting."""
    return flag_steps(thresholds, dialect)


def to_alerts(rows: list[dict[str, Any]], thresholds: PassengerSelectionThresholds) -> list[Alert]:
    """:func:`table_to_alerts` on rows given as dictionaries."""
    if not rows:
        return []
    return table_to_alerts(chosen_by.as_table(rows, _NUMERIC_COLUMNS), thresholds)


def table_to_alerts(flags: pa.Table, thresholds: PassengerSelectionThresholds) -> list[Alert]:
    """Train on the inspected passengers, rank the waiting ones, spend the budget."""
    # Imported here: LightGBM loads only when there is something to select.
    from filet.targeting.flight_model import POOL, labelled

    if flags.num_rows == 0:
        return []

    def alert(chosen: Chosen, draw: Draw) -> Alert:
        return _alert(chosen, draw, thresholds)

    table = labelled(flags)
    return chosen_by.learn_and_spend(table, POOL, thresholds, DETECTOR_ID, _WORDS, alert)


def _alert(chosen: Chosen, draw: Draw, rules: PassengerSelectionThresholds) -> Alert:
    item, row = chosen.item, chosen.row
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=passenger_subjects(row),
        start=row["departure_ts"],
        end=row["departure_ts"],
        score=round(min(max(item.priority, 0.0), 1.0), 4),
        reason_fr=_said(chosen, draw, rules, french=True),
        reason_en=_said(chosen, draw, rules, french=False),
        evidence=(
            Evidence(
                "passengers",
                {"source_file": row["source_file"], "source_line": row["source_line"]},
            ),
        ),
        thresholds=rules.used(),
        thresholds_hash=rules.digest(),
    )


def _said(chosen: Chosen, draw: Draw, rules: PassengerSelectionThresholds, french: bool) -> str:
    """Why this passenger: how they were picked, their rules, the model, the records of
    their agency, payer and booking phone."""
    item, row = chosen.item, chosen.row
    what = f"{item.detail} (PNR {row['record_locator'] or '-'})"
    how = chosen_by.how(chosen, draw, french)
    rules_hit = said_hits(row, rules, french) or ("aucune" if french else "none")
    model = chosen_by.model_said(item, french)
    trust = chosen_by.trust_said(item, PASSENGER_PARTIES, french, _ROWS)
    if french:
        return (
            f"Passager {what} proposé au contrôle, {how} (budget {draw.budget} sur "
            f"{draw.waiting} en attente) : priorité {item.priority:.3f}, {item.points:g} "
            f"points. Règles : {rules_hit}. Modèle : {model}. Confiance : {trust}."
        )
    return (
        f"Passenger {what} proposed for inspection, {how} (budget {draw.budget} of "
        f"{draw.waiting} waiting): priority {item.priority:.3f}, {item.points:g} points. "
        f"Rules: {rules_hit}. Model: {model}. Trust: {trust}."
    )


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="targeting",
        title_fr="Sélection apprise des passagers",
        title_en="Learned passenger selection",
        inputs=("passengers",),
        thresholds=PassengerSelectionThresholds,
        steps=steps,
        to_alerts=to_alerts,
        table_to_alerts=table_to_alerts,
    )
)
