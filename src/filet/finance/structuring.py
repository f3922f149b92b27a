"""Structuring ("schtroumpfage"): several payments just below a reporting threshold.

Cash of €10,000 or more must be declared when it crosses a French border (Code
monétaire et financier, art. L.152-1), and French banks report cash deposits and
withdrawals above €10,000 a month to Tracfin (COSI, art. L.561-15-1 and D.561-31-1);
US banks file a Currency Transaction Report above $10,000 (31 CFR 1010.311), the
currency of most AMLworld transfers. Splitting a sum into payments just under that
line, from one account within a few days, is the classic way to stay unseen.
"""

from __future__ import annotations

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
    money,
    span,
    totals,
    transfers,
)

DETECTOR_ID = "finance.structuring"
VERSION = "1"


@dataclass(frozen=True)
class StructuringThresholds(Thresholds):
    reporting_threshold: float = threshold(
        10_000.0,
        unit="unité de la devise / currency unit",
        source=(
            "Code monétaire et financier L.152-1 (€10,000 cash declaration); Tracfin "
            "COSI, CMF L.561-15-1 and D.561-31-1 (€10,000 cash per month); US CTR, "
            "31 CFR 1010.311 ($10,000)"
        ),
        help=(
            "Seuil déclaratif, dans la devise du paiement. / Reporting threshold, in the "
            "payment's currency."
        ),
    )
    below_margin_ratio: float = threshold(
        0.1,
        unit="ratio",
        source="décision d'analyste du 2026-11-26 (« juste sous le seuil » : 10 %)",
        help=(
            "Un montant compte s'il est dans cette marge sous le seuil (9 000 à 9 999,99 "
            "par défaut). / An amount counts when within this margin below the threshold."
        ),
    )
    min_payments: int = threshold(
        3,
        unit="virements / transfers",
        source="décision d'analyste du 2026-11-26 (deux montants proches peuvent être fortuits)",
        help=(
            "Nombre minimal de paiements sous le seuil dans la fenêtre. / Fewest payments "
            "just below the threshold within the window."
        ),
    )
    window_days: float = threshold(
        7.0,
        unit="jours / days",
        source="décision d'analyste du 2026-11-26 (une semaine d'activité)",
        help="Durée de la fenêtre. / Length of the window.",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.reporting_threshold <= 0 or not 0 < self.below_margin_ratio < 1:
            raise ValueError("reporting_threshold > 0 and 0 < below_margin_ratio < 1")
        if self.min_payments < 2 or self.window_days <= 0:
            raise ValueError("min_payments >= 2 and window_days > 0")


def steps(thresholds: StructuringThresholds, dialect: Dialect) -> list[Step]:
    """Payments in the band below the threshold; per payer, the fullest window."""
    low = thresholds.reporting_threshold * (1 - thresholds.below_margin_ratio)
    band = f"""
        SELECT *, concat(CAST(source_line AS VARCHAR), '@', source_file) AS payment
        FROM structuring_tx
        WHERE amount >= {low} AND amount < {thresholds.reporting_threshold}
    """
    window_us = round(thresholds.window_days * MICROSECONDS_PER_DAY)
    return [
        transfers(dialect, "structuring_tx"),
        Step(band, "structuring_band"),
        *best_windows(
            "structuring_band",
            "src",
            "payment",
            window_us,
            thresholds.min_payments,
            "structuring",
        ),
    ]


def to_alerts(rows: list[dict[str, Any]], thresholds: StructuringThresholds) -> list[Alert]:
    return [_alert(group, thresholds) for group in grouped(rows, "subject")]


def _alert(rows: list[dict[str, Any]], thresholds: StructuringThresholds) -> Alert:
    payer = rows[0]["subject"]
    start, end = span(rows)
    line = money(thresholds.reporting_threshold)
    line_en = money(thresholds.reporting_threshold, french=False)
    days = f"{thresholds.window_days:g}"
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("account", payer),),
        start=start,
        end=end,
        score=growing_score(len(rows), thresholds.min_payments),
        reason_fr=(
            f"Le compte {payer} fait {len(rows)} paiements juste sous le seuil de {line} "
            f"en {days} jours, {totals(rows)} au total."
        ),
        reason_en=(
            f"Account {payer} makes {len(rows)} payments just below the {line_en} threshold "
            f"within {days} days, {totals(rows, french=False)} in all."
        ),
        evidence=evidence(rows),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="finance",
        title_fr="Fractionnement sous le seuil déclaratif",
        title_en="Structuring below a reporting threshold",
        inputs=("transactions",),
        thresholds=StructuringThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
