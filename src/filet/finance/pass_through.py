"""Rapid pass-through: an account that sends on, within hours, most of what it receives.

Mule and transit accounts hold money only long enough to forward it: the balance stays
near zero while large sums flow through. An account is flagged when, several times,
a transfer in is followed within ``max_hours`` by a transfer out to someone else
carrying most of it. Paying back the sender is a two-hop cycle, left to
``finance.cycle``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filet.alerts import Alert, Detector, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Step
from filet.finance.common import evidence, grouped, growing_score, span, totals, transfers

DETECTOR_ID = "finance.pass_through"
VERSION = "1"
_MICROSECONDS_PER_HOUR = 3_600_000_000


@dataclass(frozen=True)
class PassThroughThresholds(Thresholds):
    max_hours: float = threshold(
        24.0,
        unit="h",
        source="décision d'analyste du 2026-11-26 (« in and out within hours », issue 6)",
        help=(
            "Délai maximal entre l'entrée et la sortie des fonds. / Longest time between "
            "money coming in and going out."
        ),
    )
    min_amount_kept_ratio: float = threshold(
        0.9,
        unit="ratio",
        source="décision d'analyste du 2026-11-26, comme / as finance.cycle",
        help=(
            "La sortie porte au moins cette part de l'entrée, et pas plus qu'elle. / The "
            "transfer out carries at least this share of the one in, and no more than it."
        ),
    )
    min_pass_throughs: int = threshold(
        2,
        unit="passages",
        source="décision d'analyste du 2026-11-26 (un passage isolé peut être un paiement fortuit)",
        help=(
            "Nombre minimal de paires entrée-sortie pour une alerte. / Fewest in-out pairs "
            "that make an alert."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_hours <= 0 or not 0 < self.min_amount_kept_ratio <= 1:
            raise ValueError("max_hours > 0 and 0 < min_amount_kept_ratio <= 1")
        if self.min_pass_throughs < 1:
            raise ValueError(f"min_pass_throughs must be 1 or more, not {self.min_pass_throughs}")


def steps(thresholds: PassThroughThresholds, dialect: Dialect) -> list[Step]:
    """Pairs (in, out) through one account; accounts with enough pairs; their transfers."""
    window_us = round(thresholds.max_hours * _MICROSECONDS_PER_HOUR)
    ratio = thresholds.min_amount_kept_ratio
    pairs = f"""
        SELECT i.dst AS subject, i.source_file AS in_file, i.source_line AS in_line,
            o.source_file AS out_file, o.source_line AS out_line
        FROM pass_tx i JOIN pass_tx o
          ON o.src = i.dst AND o.ts_us >= i.ts_us AND o.ts_us <= i.ts_us + {window_us}
         AND o.amount >= {ratio} * i.amount AND o.amount <= i.amount
         AND o.dst <> i.src AND i.src <> i.dst
    """
    accounts = f"""
        SELECT subject, count(*) AS n FROM pass_pairs GROUP BY subject
        HAVING count(*) >= {thresholds.min_pass_throughs}
    """
    rows = """
        SELECT DISTINCT a.subject, a.n, h.direction, t.src, t.dst, t.amount, t.currency,
            t.ts, t.source_file, t.source_line
        FROM pass_accounts a
        JOIN (
            SELECT subject, 'in' AS direction, in_file AS f, in_line AS l FROM pass_pairs
            UNION ALL
            SELECT subject, 'out' AS direction, out_file AS f, out_line AS l FROM pass_pairs
        ) h ON h.subject = a.subject
        JOIN pass_tx t ON t.source_file = h.f AND t.source_line = h.l
        ORDER BY a.subject, t.ts, t.source_file, t.source_line
    """
    return [
        transfers(dialect, "pass_tx"),
        Step(pairs, "pass_pairs"),
        Step(accounts, "pass_accounts"),
        Step(rows, "pass_rows"),
    ]


def to_alerts(rows: list[dict[str, Any]], thresholds: PassThroughThresholds) -> list[Alert]:
    return [_alert(group, thresholds) for group in grouped(rows, "subject")]


def _alert(rows: list[dict[str, Any]], thresholds: PassThroughThresholds) -> Alert:
    account = rows[0]["subject"]
    pairs = rows[0]["n"]
    received = [row for row in rows if row["direction"] == "in"]
    sent = [row for row in rows if row["direction"] == "out"]
    others = sorted({row["src"] for row in received} | {row["dst"] for row in sent})
    start, end = span(rows)
    hours = f"{thresholds.max_hours:g}"
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("account", account), *(Subject("account", o) for o in others)),
        start=start,
        end=end,
        score=growing_score(pairs, thresholds.min_pass_throughs),
        reason_fr=(
            f"Le compte {account} renvoie en moins de {hours} h l'essentiel de ce qu'il "
            f"reçoit, {pairs} fois : {totals(received)} reçus, {totals(sent)} renvoyés."
        ),
        reason_en=(
            f"Account {account} sends on within {hours} h most of what it receives, "
            f"{pairs} times: {totals(received, False)} in, {totals(sent, False)} out."
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
        title_fr="Compte de transit rapide",
        title_en="Rapid pass-through account",
        inputs=("transactions",),
        thresholds=PassThroughThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
