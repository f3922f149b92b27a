"""Fan-in and fan-out: many counterparties paying one account, or paid by it, quickly.

A fan-in gathers money from many accounts into one (collection of street cash by
"mules", smurfing deposits); a fan-out spreads one account's money over many (layering,
paying a network). Both are among the typologies AMLSim plants (``fan_in``,
``fan_out``) and that Altman et al. (NeurIPS 2023) generate in AMLworld. Alone a fan
proves nothing (a shop receives from many customers): the alert lists the
counterparties and amounts for an analyst to weigh. With ``min_same_day_transfers``
above 1 only counterparties that split their payments on one day count (smurfing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from filet.alerts import Alert, Detector, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Step
from filet.finance.common import (
    MICROSECONDS_PER_DAY,
    best_windows,
    evidence,
    grouped,
    growing_score,
    span,
    totals,
    transfers,
)

VERSION = "1"
_AMLSIM_PATTERNS = "IBM/AMLSim @0f565c2 paramFiles/1K/alertPatterns.csv"


@dataclass(frozen=True)
class FanThresholds(Thresholds):
    min_counterparties: int = threshold(
        4,
        unit="comptes / accounts",
        source=f"{_AMLSIM_PATTERNS} (fan_in, fan_out: accounts = 5, one hub and four others)",
        help=(
            "Nombre minimal de contreparties distinctes dans la fenêtre. / Fewest distinct "
            "counterparties within the window."
        ),
    )
    window_days: float = threshold(
        30.0,
        unit="jours / days",
        source=f"{_AMLSIM_PATTERNS} (period = 30 steps of one day)",
        help=(
            "Durée de la fenêtre, comptée depuis un virement du compte. / Length of the "
            "window, counted from one transfer of the account."
        ),
    )
    min_same_day_transfers: int = threshold(
        1,
        unit="virements / transfers",
        source=(
            "décision d'analyste du 2026-11-26 : 1, tout virement compte ; 2 ou plus "
            "cherche le fractionnement par plusieurs payeurs (smurfing)"
        ),
        help=(
            "Une contrepartie ne compte que si elle fait au moins ce nombre de virements "
            "avec le compte le même jour (UTC). / A counterparty counts only when it makes "
            "at least this many transfers with the account on one day (UTC)."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.min_same_day_transfers < 1:
            raise ValueError("min_same_day_transfers must be 1 or more")
        if self.min_counterparties < 2:
            raise ValueError(f"min_counterparties must be 2 or more, not {self.min_counterparties}")
        if self.window_days <= 0:
            raise ValueError(f"window_days must be positive, not {self.window_days}")


def _steps(hub: str, party: str, prefix: str) -> Callable[[FanThresholds, Dialect], list[Step]]:
    def steps(thresholds: FanThresholds, dialect: Dialect) -> list[Step]:
        window_us = round(thresholds.window_days * MICROSECONDS_PER_DAY)
        source = [transfers(dialect, f"{prefix}_tx")]
        if thresholds.min_same_day_transfers > 1:
            source += _repeated(hub, party, prefix, thresholds.min_same_day_transfers)
        return [
            *source,
            *best_windows(
                source[-1].output_table, hub, party, window_us,
                thresholds.min_counterparties, prefix,
            ),
        ]  # fmt: skip

    return steps


def _repeated(hub: str, party: str, prefix: str, minimum: int) -> list[Step]:
    """The transfers of a counterparty that deals with the hub ``minimum`` times a day."""
    day = f"floor(ts_us / {MICROSECONDS_PER_DAY})"
    counted = f"""
        SELECT *, count(*) OVER (PARTITION BY {hub}, {party}, {day}) AS same_day
        FROM {prefix}_tx
    """
    kept = f"SELECT * FROM {prefix}_counted WHERE same_day >= {minimum}"
    return [Step(counted, f"{prefix}_counted"), Step(kept, f"{prefix}_repeated")]


def _to_alerts(
    detector_id: str, inbound: bool
) -> Callable[[list[dict[str, Any]], FanThresholds], list[Alert]]:
    def to_alerts(rows: list[dict[str, Any]], thresholds: FanThresholds) -> list[Alert]:
        return [
            _alert(detector_id, inbound, group, thresholds) for group in grouped(rows, "subject")
        ]

    return to_alerts


def _alert(
    detector_id: str, inbound: bool, rows: list[dict[str, Any]], thresholds: FanThresholds
) -> Alert:
    hub = rows[0]["subject"]
    parties = sorted({row["party"] for row in rows})
    start, end = span(rows)
    days = f"{thresholds.window_days:g}"
    if inbound:
        fr = f"Le compte {hub} reçoit de {len(parties)} comptes en {days} jours"
        en = f"Account {hub} receives from {len(parties)} accounts within {days} days"
    else:
        fr = f"Le compte {hub} paie {len(parties)} comptes en {days} jours"
        en = f"Account {hub} pays {len(parties)} accounts within {days} days"
    return Alert(
        detector_id=detector_id,
        detector_version=VERSION,
        subjects=(Subject("account", hub), *(Subject("account", party) for party in parties)),
        start=start,
        end=end,
        score=growing_score(len(parties), thresholds.min_counterparties),
        reason_fr=f"{fr} : {len(rows)} virements, {totals(rows)}.",
        reason_en=f"{en}: {len(rows)} transfers, {totals(rows, french=False)}.",
        evidence=evidence(rows),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


FAN_IN = register(
    Detector(
        id="finance.fan_in",
        version=VERSION,
        domain="finance",
        title_fr="Concentration (fan-in)",
        title_en="Fan-in",
        inputs=("transactions",),
        thresholds=FanThresholds,
        steps=_steps("dst", "src", "fan_in"),
        to_alerts=_to_alerts("finance.fan_in", inbound=True),
    )
)
FAN_OUT = register(
    Detector(
        id="finance.fan_out",
        version=VERSION,
        domain="finance",
        title_fr="Dispersion (fan-out)",
        title_en="Fan-out",
        inputs=("transactions",),
        thresholds=FanThresholds,
        steps=_steps("src", "dst", "fan_out"),
        to_alerts=_to_alerts("finance.fan_out", inbound=False),
    )
)
