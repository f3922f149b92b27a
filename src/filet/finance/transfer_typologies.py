"""The typologies of the detectors as the learned model sees them: time-respecting.

The detectors (:mod:`filet.finance.fans`, :mod:`~filet.finance.cycles`, ...) look at
the whole period at once: a fan-in's fullest window may lie after a transfer, a
cycle is reported with all its hops. The model may only know what was known when a
transfer was made, so each typology is kept from the detector's own steps as far as
they are time-respecting, with its default thresholds, and counted at each transfer
once complete: the closing hop of a cycle (every hop is no earlier than the one
before), the second leg of a relay once enough intermediaries of the same origin
have reached the same target, the out-leg of a pass-through once the sender has
made enough of them, a payment just below the reporting threshold once the sender
has made enough within the week. Fan-in, fan-out and gather-scatter are the distinct
counterparties of the past window against the detectors' minimum.
"""

from __future__ import annotations

from filet.engine import Dialect, Step
from filet.finance import cycles, pass_through, structuring
from filet.finance.common import MICROSECONDS_PER_DAY
from filet.finance.fans import FanThresholds
from filet.finance.scatter_gather import (
    SCATTER_GATHER,
    GatherScatterThresholds,
    ScatterGatherThresholds,
)

FLAGS: tuple[str, ...] = (
    "fan_in", "fan_out", "gather_scatter", "cycle", "scatter_gather", "pass_through",
    "structuring",
)  # fmt: skip
# How far each typology had got at the transfer, beside the detectors' yes or no.
COUNTS: tuple[str, ...] = ("cycles_closed", "relays", "pass_throughs", "band_payments")
LABELS: dict[str, tuple[str, str]] = {
    "fan_in": ("concentration (fan-in) du bénéficiaire", "receiver's fan-in"),
    "fan_out": ("dispersion (fan-out) de l'émetteur", "sender's fan-out"),
    "gather_scatter": ("émetteur collecteur-redistributeur", "sender gathers and scatters"),
    "cycle": ("ferme un cycle", "closes a cycle"),
    "scatter_gather": ("regroupe une dispersion", "gathers a scatter"),
    "pass_through": ("sortie d'un compte de transit", "out of a pass-through account"),
    "structuring": ("fractionnement sous le seuil", "structuring below the threshold"),
    "cycles_closed": ("cycles qu'il ferme", "cycles it closes"),
    "relays": ("intermédiaires arrivés au destinataire", "relays that reached the target"),
    "pass_throughs": ("passages rapides de l'émetteur", "sender's rapid pass-throughs"),
    "band_payments": ("paiements de l'émetteur sous le seuil", "sender's payments below the line"),
}
# Per-transfer tables, each joined to the transfers under its alias.
JOINED: dict[str, str] = {"c": "fm_cycle", "g": "fm_relays", "p": "fm_passes", "b": "fm_structured"}


def windows_us() -> dict[str, int]:
    """The windows over which fan-ins, fan-outs and gather-scatters count parties."""
    fan, gather = FanThresholds(), GatherScatterThresholds()
    return {
        "fan": round(fan.window_days * MICROSECONDS_PER_DAY),
        "gather": round(gather.window_days * MICROSECONDS_PER_DAY),
    }


def columns(parties: dict[str, str]) -> list[str]:
    """The select expressions of :data:`FLAGS` then :data:`COUNTS`, over the sender's
    (``s``) and receiver's (``r``) side rows, whose distinct counterparties over each
    window of :func:`windows_us` carry the suffix ``parties[name]``."""
    fan, gather = FanThresholds(), GatherScatterThresholds()
    low, m = fan.min_counterparties, gather.min_counterparties
    fan_tag, gather_tag = parties["fan"], parties["gather"]
    rules = {
        "fan_in": f"r.in_parties_{fan_tag} >= {low}",
        "fan_out": f"s.out_parties_{fan_tag} >= {low}",
        "gather_scatter": f"s.in_parties_{gather_tag} >= {m} AND s.out_parties_{gather_tag} >= {m}",
        "cycle": "c.cycles IS NOT NULL",
        "scatter_gather": f"g.relays >= {ScatterGatherThresholds().min_intermediaries}",
        "pass_through": f"p.passes >= {pass_through.PassThroughThresholds().min_pass_throughs}",
        "structuring": f"b.payments >= {structuring.StructuringThresholds().min_payments}",
    }
    counts = {
        "cycles_closed": "c.cycles",
        "relays": "g.relays",
        "pass_throughs": "p.passes",
        "band_payments": "b.payments",
    }
    return [f"CASE WHEN {rule} THEN 1 ELSE 0 END AS {name}" for name, rule in rules.items()] + [
        f"CAST(coalesce({column}, 0) AS DOUBLE) AS {name}" for name, column in counts.items()
    ]


def _until(chain: list[Step], table: str) -> list[Step]:
    """A detector's steps up to the one that makes ``table`` (the later ones see the
    whole period at once and are left out)."""
    made = [step.output_table for step in chain]
    return chain[: made.index(table) + 1]


def steps(dialect: Dialect) -> list[Step]:
    """The detectors' own steps as far as they are time-respecting, then per transfer."""
    cycle = cycles.CycleThresholds()
    last = f"cycle_p{cycle.max_hops}"
    closing = {
        key: "CASE hops "
        + " ".join(f"WHEN {i} THEN {key}{i}" for i in range(2, cycle.max_hops + 1))
        + " END"
        for key in ("f", "l")
    }
    closed = f"""
        SELECT source_file, source_line, count(*) AS cycles FROM (
            SELECT {closing["f"]} AS source_file, {closing["l"]} AS source_line
            FROM {last} WHERE closed
        ) GROUP BY source_file, source_line
    """
    first_relays = """
        SELECT origin, target, relay, min(ts_out) AS first_out
        FROM sg_relays GROUP BY origin, target, relay
    """
    # Relays of each (origin, target) that have delivered by each second leg: a
    # running count of first deliveries, as for the counterparties.
    relays = """
        SELECT source_file, source_line, max(relays) AS relays FROM (
            SELECT source_file, source_line, sum(delta) OVER (
                PARTITION BY origin, target ORDER BY at_ts
                RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS relays
            FROM (
                SELECT origin, target, first_out AS at_ts, 1 AS delta,
                    CAST(NULL AS VARCHAR) AS source_file, CAST(NULL AS BIGINT) AS source_line
                FROM fm_first_relays
                UNION ALL
                SELECT origin, target, ts_out AS at_ts, 0 AS delta, file_out AS source_file,
                    line_out AS source_line
                FROM sg_relays
            )
        ) WHERE source_file IS NOT NULL GROUP BY source_file, source_line
    """
    outs = """
        SELECT out_file AS source_file, out_line AS source_line, max(so_far) AS passes FROM (
            SELECT p.out_file, p.out_line, count(*) OVER (
                PARTITION BY p.subject ORDER BY t.ts_us
                RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS so_far
            FROM pass_pairs p JOIN pass_tx t
              ON t.source_file = p.out_file AND t.source_line = p.out_line
        ) GROUP BY out_file, out_line
    """
    band = structuring.StructuringThresholds()
    band_us = round(band.window_days * MICROSECONDS_PER_DAY)
    structured = f"""
        SELECT source_file, source_line, count(*) OVER (
            PARTITION BY src ORDER BY ts_us RANGE BETWEEN {band_us} PRECEDING AND CURRENT ROW
        ) AS payments
        FROM structuring_band
    """
    return [
        *_until(cycles.steps(cycle, dialect), last),
        Step(closed, "fm_cycle"),
        *_until(SCATTER_GATHER.steps(ScatterGatherThresholds(), dialect), "sg_relays"),
        Step(first_relays, "fm_first_relays"),
        Step(relays, "fm_relays"),
        *_until(pass_through.steps(pass_through.PassThroughThresholds(), dialect), "pass_pairs"),
        Step(outs, "fm_passes"),
        *_until(structuring.steps(band, dialect), "structuring_band"),
        Step(structured, "fm_structured"),
    ]
