"""Cycles: money that leaves an account and comes back to it through others.

Round-tripping disguises the origin of funds (fake invoices between related companies,
loans repaid to oneself). A cycle here is 2 to ``max_hops`` transfers through distinct
accounts, back to the first, within ``window_days``, each hop carrying most of the
previous hop's amount. Time-respecting by default: each hop is no earlier than the one
before (Kumar and Calders, "2SCENT: an efficient algorithm for enumerating all simple
temporal cycles", PVLDB 11(11), 2018). AMLSim schedules each member's hop on its own
step, so its planted cycles are not time-respecting: ``time_respecting = false``
finds them.

The search is bounded: paths grow one hop per SQL step (self-joins), pruned by the
window, the amount ratio and distinct accounts, so the cost stays near the number of
such paths rather than the number of all walks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filet.alerts import Alert, Detector, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Step
from filet.finance.common import MICROSECONDS_PER_DAY, evidence, span, totals, transfers

DETECTOR_ID = "finance.cycle"
VERSION = "1"
_AMLSIM = "IBM/AMLSim @0f565c2 paramFiles/1K/alertPatterns.csv"


@dataclass(frozen=True)
class CycleThresholds(Thresholds):
    max_hops: int = threshold(
        5,
        unit="virements / transfers",
        source=f"{_AMLSIM} (cycle: accounts = 5); finance.md (≤ 5 hops, cost 6-10× per hop)",
        help="Nombre maximal de virements dans un cycle. / Most transfers in one cycle.",
    )
    window_days: float = threshold(
        30.0,
        unit="jours / days",
        source=f"{_AMLSIM} (period = 30 steps of one day)",
        help=(
            "Durée maximale entre le premier et le dernier virement du cycle. / Longest "
            "time between the first and the last transfer of the cycle."
        ),
    )
    min_amount_kept_ratio: float = threshold(
        0.9,
        unit="ratio",
        source=(
            "décision d'analyste du 2026-11-26 : « l'essentiel du montant revient » "
            "(issue 6); AMLSim plants cycles of one amount"
        ),
        help=(
            "Chaque virement porte au moins cette part du précédent (et au plus son "
            "inverse). / Each hop carries at least this share of the previous one (and "
            "at most its inverse)."
        ),
    )
    time_respecting: bool = threshold(
        True,
        unit="booléen / boolean",
        source="Kumar & Calders, 2SCENT, PVLDB 11(11), 2018 (simple temporal cycles)",
        help=(
            "Chaque virement est postérieur ou simultané au précédent. / Each hop is no "
            "earlier than the previous one."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 2 <= self.max_hops <= 8:
            raise ValueError(f"max_hops must be between 2 and 8, not {self.max_hops}")
        if self.window_days <= 0:
            raise ValueError(f"window_days must be positive, not {self.window_days}")
        if not 0 < self.min_amount_kept_ratio <= 1:
            raise ValueError("min_amount_kept_ratio must be in (0, 1]")


_HOP_COLUMNS = ("a", "m", "c", "t", "f", "l")  # account, amount, currency, ts, file, line


def steps(thresholds: CycleThresholds, dialect: Dialect) -> list[Step]:
    """Paths grown one transfer per step, closed cycles carried along; one row per cycle.

    Each step reads the previous one once (a left join keeps the closed cycles), so the
    engines plan one chain instead of re-deriving shorter paths for every length.
    """
    out = [transfers(dialect, "cycle_tx"), _first_hop(thresholds)]
    out += [_grow(hops, thresholds) for hops in range(2, thresholds.max_hops + 1)]
    out.append(_first_of_each(thresholds.max_hops))
    return out


def _hop(i: int, row: str) -> str:
    """Hop ``i``'s columns, taken from a transfer row ``row`` (or NULL)."""
    if row == "NULL":
        return ", ".join(f"NULL AS {name}{i}" for name in _HOP_COLUMNS)
    sources = ("src", "amount", "currency", "ts", "source_file", "source_line")
    return ", ".join(
        f"{row}.{source} AS {name}{i}" for source, name in zip(sources, _HOP_COLUMNS, strict=True)
    )


def _first_hop(thresholds: CycleThresholds) -> Step:
    later = [_hop(i, "NULL") for i in range(2, thresholds.max_hops + 1)]
    # Without time order a cycle is kept from its smallest account only.
    smallest = "" if thresholds.time_respecting else "AND t.src < t.dst"
    sql = f"""
        SELECT {_hop(1, "t")}, {", ".join(later)},
            t.dst AS head, 1 AS hops, false AS closed, t.ts_us AS first_us,
            t.ts_us AS last_us, t.ts_us AS min_us, t.ts_us AS max_us, t.amount AS last_amount
        FROM cycle_tx t WHERE t.src <> t.dst {smallest}
    """
    return Step(sql, "cycle_p1")


def _grow(hops: int, thresholds: CycleThresholds) -> Step:
    """Paths of ``hops`` transfers: the open paths one transfer longer, through a new
    account or back to the first; the cycles already closed pass unchanged."""
    kept = [", ".join(f"p.{name}{i}" for name in _HOP_COLUMNS) for i in range(1, hops)]
    later = [_hop(i, "NULL") for i in range(hops + 1, thresholds.max_hops + 1)]
    seen = " AND ".join(f"t.dst <> p.a{i}" for i in range(1, hops))
    new_account = f"t.dst <> p.head AND {seen}"
    if not thresholds.time_respecting:
        new_account += " AND t.dst > p.a1"
    target = "t.dst = p.a1" if hops == thresholds.max_hops else f"(t.dst = p.a1 OR ({new_account}))"
    sql = f"""
        SELECT {", ".join([*kept, _hop(hops, "t"), *later])},
            CASE WHEN p.closed THEN p.head ELSE t.dst END AS head,
            CASE WHEN p.closed THEN p.hops ELSE {hops} END AS hops,
            p.closed OR t.dst = p.a1 AS closed,
            p.first_us,
            coalesce(t.ts_us, p.last_us) AS last_us,
            least(p.min_us, coalesce(t.ts_us, p.min_us)) AS min_us,
            greatest(p.max_us, coalesce(t.ts_us, p.max_us)) AS max_us,
            coalesce(t.amount, p.last_amount) AS last_amount
        FROM cycle_p{hops - 1} p LEFT JOIN cycle_tx t
          ON NOT p.closed AND t.src = p.head AND {target} AND {_hop_ok("p", "t", thresholds)}
        WHERE p.closed OR t.src IS NOT NULL
    """
    return Step(sql, f"cycle_p{hops}")


def _hop_ok(path: str, hop: str, thresholds: CycleThresholds) -> str:
    """The next hop keeps the amount, stays in the window, and (if asked) in time order."""
    ratio = thresholds.min_amount_kept_ratio
    window_us = round(thresholds.window_days * MICROSECONDS_PER_DAY)
    conditions = [
        f"{hop}.amount >= {ratio} * {path}.last_amount",
        f"{hop}.amount * {ratio} <= {path}.last_amount",
    ]
    if thresholds.time_respecting:
        conditions.append(f"{hop}.ts_us >= {path}.last_us")
        conditions.append(f"{hop}.ts_us <= {path}.first_us + {window_us}")
    else:
        conditions.append(
            f"greatest({path}.max_us, {hop}.ts_us) - least({path}.min_us, {hop}.ts_us) "
            f"<= {window_us}"
        )
    return " AND ".join(conditions)


def _first_of_each(max_hops: int) -> Step:
    """One occurrence per cycle of accounts: the earliest (repeats add no news)."""
    accounts = ", ".join(f"a{i}" for i in range(1, max_hops + 1))
    order = ", ".join(f"f{i}, l{i}" for i in range(1, max_hops + 1))
    sql = f"""
        SELECT * FROM (
            SELECT *, row_number() OVER (PARTITION BY cycle ORDER BY min_us, {order}) AS rank
            FROM (SELECT *, concat_ws('>', {accounts}) AS cycle FROM cycle_p{max_hops})
            WHERE closed
        ) WHERE rank = 1
        ORDER BY cycle
    """
    return Step(sql, "cycle_first")


def to_alerts(rows: list[dict[str, Any]], thresholds: CycleThresholds) -> list[Alert]:
    return [_alert(_hops(row), thresholds) for row in sorted(rows, key=lambda r: r["cycle"])]


def _hops(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "src": row[f"a{i}"],
            "amount": row[f"m{i}"],
            "currency": row[f"c{i}"],
            "ts": row[f"t{i}"],
            "source_file": row[f"f{i}"],
            "source_line": row[f"l{i}"],
        }
        for i in range(1, row["hops"] + 1)
    ]


def _alert(hops: list[dict[str, Any]], thresholds: CycleThresholds) -> Alert:
    accounts = [hop["src"] for hop in hops]
    start, end = span(hops)
    path = " → ".join([*accounts, accounts[0]])
    first, last = hops[0]["amount"], hops[-1]["amount"]
    returned = round(100 * last / first)
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=tuple(Subject("account", account) for account in accounts),
        start=start,
        end=end,
        score=round(min(first, last) / max(first, last), 3),
        reason_fr=(
            f"Cycle de {len(hops)} virements : {path} ; {returned} % du premier montant "
            f"revient ({totals(hops[:1])} envoyés, {totals(hops[-1:])} revenus)."
        ),
        reason_en=(
            f"Cycle of {len(hops)} transfers: {path}; {returned}% of the first amount "
            f"returns ({totals(hops[:1], False)} sent, {totals(hops[-1:], False)} back)."
        ),
        evidence=evidence(hops),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="finance",
        title_fr="Cycle de virements",
        title_en="Transfer cycle",
        inputs=("transactions",),
        thresholds=CycleThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
