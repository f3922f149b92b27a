"""Scatter-gather and gather-scatter: money split over intermediaries, then rejoined.

A scatter-gather sends money from one account to several intermediaries that each
pass it on to the same final account (layering through mules or front companies, so
that no single transfer links the two ends). A gather-scatter collects from many
accounts into one hub that soon pays many others (a collection point redistributing
street cash). Both are among the laundering patterns that Altman et al. (NeurIPS 2023,
"Realistic Synthetic Financial Transactions for Anti-Money Laundering Models") plant
in AMLworld, after AMLSim's ``scatter_gather`` and ``gather_scatter`` typologies.

Both are time-respecting: the second leg of an intermediary comes after its first leg
and within the window, so that a payment made before the money arrived is not taken
for a relay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filet.alerts import Alert, Detector, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Step
from filet.finance.common import (
    MICROSECONDS_PER_DAY,
    evidence,
    grouped,
    growing_score,
    span,
    totals,
    transfers,
)

VERSION = "1"
_AMLWORLD = (
    "Altman et al. 2023, Realistic Synthetic Financial Transactions for AML Models "
    "(NeurIPS Datasets and Benchmarks), §3 laundering patterns"
)
_AMLSIM_PATTERNS = "IBM/AMLSim @0f565c2 paramFiles/1K/alertPatterns.csv"


_WINDOW_SOURCE = f"{_AMLSIM_PATTERNS} (period = 30 steps of one day)"
_WINDOW_HELP = (
    "Délai maximal entre les deux étapes d'un relais, et durée d'une collecte suivie de sa "
    "redistribution. / Longest delay between a relay's two legs, and length of a gathering "
    "and its redistribution."
)


def _check_window(window_days: float) -> None:
    if window_days <= 0:
        raise ValueError(f"window_days must be positive, not {window_days}")


@dataclass(frozen=True)
class ScatterGatherThresholds(Thresholds):
    min_intermediaries: int = threshold(
        3,
        unit="comptes / accounts",
        source=(
            f"{_AMLSIM_PATTERNS} (scatter_gather: 5 to 6 accounts, i.e. at least 3 between "
            "the two ends); " + _AMLWORLD
        ),
        help=(
            "Nombre minimal d'intermédiaires distincts entre l'origine et la destination. / "
            "Fewest distinct intermediaries between the origin and the target."
        ),
    )
    window_days: float = threshold(
        30.0, unit="jours / days", source=_WINDOW_SOURCE, help=_WINDOW_HELP
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.min_intermediaries < 2:
            raise ValueError(f"min_intermediaries must be 2 or more, not {self.min_intermediaries}")
        _check_window(self.window_days)


@dataclass(frozen=True)
class GatherScatterThresholds(Thresholds):
    min_counterparties: int = threshold(
        4,
        unit="comptes / accounts",
        source=(
            f"{_AMLSIM_PATTERNS} (fan_in, fan_out: one hub and four others, the two halves "
            "of a gather-scatter); " + _AMLWORLD
        ),
        help=(
            "Nombre minimal de payeurs distincts, et de bénéficiaires distincts, du compte "
            "pivot. / Fewest distinct payers, and distinct payees, of the hub."
        ),
    )
    window_days: float = threshold(
        30.0, unit="jours / days", source=_WINDOW_SOURCE, help=_WINDOW_HELP
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.min_counterparties < 2:
            raise ValueError(f"min_counterparties must be 2 or more, not {self.min_counterparties}")
        _check_window(self.window_days)


def _scatter_gather_steps(thresholds: ScatterGatherThresholds, dialect: Dialect) -> list[Step]:
    window_us = round(thresholds.window_days * MICROSECONDS_PER_DAY)
    relays = f"""
        SELECT a.src AS origin, a.dst AS relay, b.dst AS target,
            a.amount AS amount_in, a.currency AS currency_in, a.ts AS ts_in,
            a.source_file AS file_in, a.source_line AS line_in,
            b.amount AS amount_out, b.currency AS currency_out, b.ts AS ts_out,
            b.source_file AS file_out, b.source_line AS line_out
        FROM sg_tx a JOIN sg_tx b
          ON b.src = a.dst AND b.ts_us >= a.ts_us AND b.ts_us <= a.ts_us + {window_us}
        WHERE a.src <> a.dst AND b.src <> b.dst AND b.dst <> a.src
    """
    pairs = f"""
        SELECT origin, target, count(DISTINCT relay) AS n
        FROM sg_relays GROUP BY origin, target
        HAVING count(DISTINCT relay) >= {thresholds.min_intermediaries}
    """
    legs = """
        SELECT concat(r.origin, ' -> ', r.target) AS subject, r.origin, r.target,
            r.relay AS party, r.amount_in AS amount, r.currency_in AS currency,
            r.ts_in AS ts, r.file_in AS source_file, r.line_in AS source_line, 'in' AS leg
        FROM sg_relays r JOIN sg_pairs p ON r.origin = p.origin AND r.target = p.target
        UNION
        SELECT concat(r.origin, ' -> ', r.target) AS subject, r.origin, r.target,
            r.relay AS party, r.amount_out AS amount, r.currency_out AS currency,
            r.ts_out AS ts, r.file_out AS source_file, r.line_out AS source_line, 'out' AS leg
        FROM sg_relays r JOIN sg_pairs p ON r.origin = p.origin AND r.target = p.target
    """
    return [
        transfers(dialect, "sg_tx"),
        Step(relays, "sg_relays"),
        Step(pairs, "sg_pairs"),
        Step(legs, "sg_rows"),
    ]


def _gather_scatter_steps(thresholds: GatherScatterThresholds, dialect: Dialect) -> list[Step]:
    """Per hub, the window opened by each inbound transfer: distinct payers in it, and
    distinct payees of the hub after that transfer and within the window."""
    window_us = round(thresholds.window_days * MICROSECONDS_PER_DAY)
    minimum = thresholds.min_counterparties
    inbound = f"""
        SELECT a.dst AS hub, a.ts_us AS start_us, count(DISTINCT b.src) AS payers
        FROM gs_tx a JOIN gs_tx b
          ON b.dst = a.dst AND b.ts_us >= a.ts_us AND b.ts_us <= a.ts_us + {window_us}
        WHERE a.src <> a.dst AND b.src <> b.dst
        GROUP BY a.dst, a.ts_us
        HAVING count(DISTINCT b.src) >= {minimum}
    """
    outbound = f"""
        SELECT w.hub, w.start_us, w.payers, count(DISTINCT t.dst) AS payees
        FROM gs_inbound w JOIN gs_tx t
          ON t.src = w.hub AND t.ts_us >= w.start_us AND t.ts_us <= w.start_us + {window_us}
        WHERE t.dst <> t.src
        GROUP BY w.hub, w.start_us, w.payers
        HAVING count(DISTINCT t.dst) >= {minimum}
    """
    ranked = """
        SELECT hub, start_us,
            row_number() OVER (
                PARTITION BY hub ORDER BY payers + payees DESC, start_us
            ) AS rank
        FROM gs_outbound
    """
    rows = f"""
        SELECT w.hub AS subject, t.src AS party, t.amount, t.currency, t.ts,
            t.source_file, t.source_line, 'in' AS leg
        FROM gs_ranked w JOIN gs_tx t
          ON t.dst = w.hub AND t.src <> t.dst
         AND t.ts_us >= w.start_us AND t.ts_us <= w.start_us + {window_us}
        WHERE w.rank = 1
        UNION
        SELECT w.hub AS subject, t.dst AS party, t.amount, t.currency, t.ts,
            t.source_file, t.source_line, 'out' AS leg
        FROM gs_ranked w JOIN gs_tx t
          ON t.src = w.hub AND t.src <> t.dst
         AND t.ts_us >= w.start_us AND t.ts_us <= w.start_us + {window_us}
        WHERE w.rank = 1
    """
    return [
        transfers(dialect, "gs_tx"),
        Step(inbound, "gs_inbound"),
        Step(outbound, "gs_outbound"),
        Step(ranked, "gs_ranked"),
        Step(rows, "gs_rows"),
    ]


def _legs(rows: list[dict[str, Any]], leg: str) -> list[dict[str, Any]]:
    return [row for row in rows if row["leg"] == leg]


def _scatter_gather_alerts(
    rows: list[dict[str, Any]], thresholds: ScatterGatherThresholds
) -> list[Alert]:
    return [_scatter_gather_alert(group, thresholds) for group in grouped(rows, "subject")]


def _scatter_gather_alert(rows: list[dict[str, Any]], thresholds: ScatterGatherThresholds) -> Alert:
    origin, target = rows[0]["origin"], rows[0]["target"]
    relays = sorted({row["party"] for row in rows})
    sent, received = _legs(rows, "in"), _legs(rows, "out")
    start, end = span(rows)
    days = f"{thresholds.window_days:g}"
    return Alert(
        detector_id="finance.scatter_gather",
        detector_version=VERSION,
        subjects=(
            Subject("account", origin),
            Subject("account", target),
            *(Subject("account", relay) for relay in relays),
        ),
        start=start,
        end=end,
        score=growing_score(len(relays), thresholds.min_intermediaries),
        reason_fr=(
            f"Le compte {origin} envoie {totals(sent)} à {len(relays)} intermédiaires qui "
            f"reversent {totals(received)} au compte {target}, chaque relais en moins de "
            f"{days} jours."
        ),
        reason_en=(
            f"Account {origin} sends {totals(sent, french=False)} to {len(relays)} "
            f"intermediaries that pass {totals(received, french=False)} on to account "
            f"{target}, each relay within {days} days."
        ),
        evidence=evidence(rows),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


def _gather_scatter_alerts(
    rows: list[dict[str, Any]], thresholds: GatherScatterThresholds
) -> list[Alert]:
    return [_gather_scatter_alert(group, thresholds) for group in grouped(rows, "subject")]


def _gather_scatter_alert(rows: list[dict[str, Any]], thresholds: GatherScatterThresholds) -> Alert:
    hub = rows[0]["subject"]
    gathered, scattered = _legs(rows, "in"), _legs(rows, "out")
    payers = sorted({row["party"] for row in gathered})
    payees = sorted({row["party"] for row in scattered})
    start, end = span(rows)
    days = f"{thresholds.window_days:g}"
    return Alert(
        detector_id="finance.gather_scatter",
        detector_version=VERSION,
        subjects=(
            Subject("account", hub),
            *(Subject("account", party) for party in sorted({*payers, *payees})),
        ),
        start=start,
        end=end,
        score=growing_score(min(len(payers), len(payees)), thresholds.min_counterparties),
        reason_fr=(
            f"Le compte {hub} reçoit {totals(gathered)} de {len(payers)} comptes et paie "
            f"{totals(scattered)} à {len(payees)} comptes en {days} jours."
        ),
        reason_en=(
            f"Account {hub} receives {totals(gathered, french=False)} from {len(payers)} "
            f"accounts and pays {totals(scattered, french=False)} to {len(payees)} accounts "
            f"within {days} days."
        ),
        evidence=evidence(rows),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


SCATTER_GATHER = register(
    Detector(
        id="finance.scatter_gather",
        version=VERSION,
        domain="finance",
        title_fr="Dispersion puis regroupement (scatter-gather)",
        title_en="Scatter-gather",
        inputs=("transactions",),
        thresholds=ScatterGatherThresholds,
        steps=_scatter_gather_steps,
        to_alerts=_scatter_gather_alerts,
    )
)
GATHER_SCATTER = register(
    Detector(
        id="finance.gather_scatter",
        version=VERSION,
        domain="finance",
        title_fr="Regroupement puis dispersion (gather-scatter)",
        title_en="Gather-scatter",
        inputs=("transactions",),
        thresholds=GatherScatterThresholds,
        steps=_gather_scatter_steps,
        to_alerts=_gather_scatter_alerts,
    )
)
