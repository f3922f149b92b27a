"""Container pick-ups that do not follow the release: the trace of a stolen PIN.

Cocaine containers are pulled out of terminals with release PINs that insiders steal,
sell or obtain corruptly, often by a haulier or truck the consignee never chose, and as
soon as the box is on the quay, before customs targets it (Europol, *Criminal networks
in EU ports: risks and challenges for law enforcement*, 2023). Each gate-out (pick-up)
is set against what the terminal recorded for the same container since it last left
(the *visit*, at most ``visit_lookback_days`` back): the latest release, the PIN issued
with the digest presented, and the latest discharge. Five rules:

- ``unexpected_haulier``: the haulier is not the one the release nominated; or, with no
  nomination, one never seen in the release party's ``min_prior_pickups`` or more
  earlier pick-ups (a new customer's first hauliers are not judged);
- ``fast_pickup``: out less than ``max_dwell_minutes`` after discharge, where import
  containers typically stay days;
- ``pin_other_party``: the PIN was issued to one party and presented by another (neither
  the same party nor the haulier the release nominated, who may present it for them);
- ``pin_not_issued``: a PIN was issued for the container in the visit, but the one
  presented is none of them: a guessed, forged or recycled PIN (the terminal let it
  through, so its gate log and its PIN log disagree);
- ``no_release``: out of the gate with no release recorded in the visit.

One alert per pick-up, naming every rule it breaks; its score grows with their number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filet.alerts import Alert, Detector, Thresholds, register, threshold
from filet.engine import Dialect, Step
from filet.targeting.terminal_events_sql import (
    MICROSECONDS_PER_MINUTE,
    NORMALIZED_COLUMNS,
    evidence,
    latest_in_visit,
    moment,
    normalized_events,
    subjects,
)

DETECTOR_ID = "targeting.release_anomalies"
VERSION = "2"
_ANALYST = "Décision d'analyse Filet, 2026-12-07 / analyst decision"
_EUROPOL = "Europol, Criminal networks in EU ports, 2023"
_DWELL = (
    "FourKites, reported by Merzario Logistics, 2021-22 congestion (mean container dwell: "
    "Rotterdam 6.9 days, Antwerp 7.5, Hamburg 9.5)"
)
# Each rule's id, as alerts name it, with its label in French and English.
RULES = {
    "unexpected_haulier": ("transporteur inattendu", "unexpected haulier"),
    "fast_pickup": ("enlèvement rapide", "fast pick-up"),
    "pin_other_party": ("PIN utilisé par un autre", "PIN used by another party"),
    "pin_not_issued": ("PIN non émis", "PIN not issued"),
    "no_release": ("sortie sans mainlevée", "gate-out without release"),
}


@dataclass(frozen=True)
class ReleaseThresholds(Thresholds):
    max_dwell_minutes: int = threshold(
        360,
        unit="minutes",
        source=(
            f"{_ANALYST}: {_EUROPOL} describes boxes pulled out within hours of discharge; "
            f"{_DWELL}: six hours is far below a normal stay, yet leaves reefers and "
            "pre-cleared priority boxes that leave the same day to the terminal's own "
            "dwell distribution, on which to tune it"
        ),
        help=(
            "Sortie plus rapide après le déchargement : enlèvement rapide. / A pick-up "
            "sooner than this after discharge is fast."
        ),
    )
    min_prior_pickups: int = threshold(
        3,
        unit="pick-ups",
        source=(
            f"{_ANALYST}: a party needs a few pick-ups before a haulier can be called "
            "unseen for it; UK P&I Club advisories warn of new customers, judged apart"
        ),
        help=(
            "Enlèvements antérieurs du donneur d'ordre pour juger un transporteur inconnu. "
            "/ Earlier pick-ups of the release party before a haulier is called unseen."
        ),
    )
    visit_lookback_days: int = threshold(
        60,
        unit="days",
        source=(
            f"{_ANALYST}: how far back a release, PIN or discharge counts when the "
            f"container's previous gate-out is not in the data; well above {_DWELL}"
        ),
        help=(
            "Antériorité maximale d'une mainlevée, d'un PIN, d'un déchargement pour une "
            "sortie. / Oldest release, PIN or discharge that counts for a pick-up."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_dwell_minutes < 1:
            raise ValueError(f"max_dwell_minutes must be >= 1, not {self.max_dwell_minutes}")
        if self.min_prior_pickups < 1:
            raise ValueError(f"min_prior_pickups must be >= 1, not {self.min_prior_pickups}")
        if self.visit_lookback_days < 1:
            raise ValueError(f"visit_lookback_days must be >= 1, not {self.visit_lookback_days}")


def steps(thresholds: ReleaseThresholds, dialect: Dialect) -> list[Step]:
    """Pick-ups with their visit, what the terminal recorded in it, the release party's
    earlier pick-ups, then the pick-ups that break a rule."""
    lookback = thresholds.visit_lookback_days * 1440 * MICROSECONDS_PER_MINUTE
    columns = ", ".join(f"g.{name}" for name in NORMALIZED_COLUMNS)
    pickups = f"""
        SELECT {columns}, COALESCE(MAX(p.t_us), g.t_us - {lookback}) AS visit_us
        FROM release_events g
        LEFT JOIN release_events p ON p.container = g.container AND p.event = 'gate_out'
            AND p.t_us < g.t_us AND p.t_us >= g.t_us - {lookback}
        WHERE g.event = 'gate_out'
        GROUP BY {columns}
    """
    context = """
        SELECT g.*, r.party AS r_party, r.party_key AS r_party_key, r.haulier AS r_haulier,
            r.haulier_key AS r_haulier_key, r.ts AS r_ts, r.source_file AS r_file,
            r.source_line AS r_line, p.party AS p_party, p.party_key AS p_party_key,
            p.ts AS p_ts, p.source_file AS p_file, p.source_line AS p_line,
            d.ts AS d_ts, d.t_us AS d_us, d.source_file AS d_file, d.source_line AS d_line,
            q.party AS q_party, q.ts AS q_ts, q.source_file AS q_file, q.source_line AS q_line
        FROM release_pickups g
        LEFT JOIN release_release r ON r.g_file = g.source_file AND r.g_line = g.source_line
        LEFT JOIN release_pin p ON p.g_file = g.source_file AND p.g_line = g.source_line
        LEFT JOIN release_discharge d ON d.g_file = g.source_file AND d.g_line = g.source_line
        LEFT JOIN release_any_pin q ON q.g_file = g.source_file AND q.g_line = g.source_line
    """
    history = """
        SELECT c.source_file, c.source_line, COUNT(h.source_line) AS prior_pickups,
            COALESCE(SUM(CASE WHEN h.haulier_key = c.haulier_key THEN 1 ELSE 0 END), 0)
                AS prior_same_haulier
        FROM release_context c
        LEFT JOIN release_context h ON h.r_party_key = c.r_party_key AND h.t_us < c.t_us
        GROUP BY c.source_file, c.source_line
    """
    return [
        Step(normalized_events(dialect), "release_events"),
        Step(pickups, "release_pickups"),
        Step(latest_in_visit("release_issued"), "release_release"),
        Step(latest_in_visit("pin_issued", same_pin=True), "release_pin"),
        Step(latest_in_visit("pin_issued"), "release_any_pin"),
        Step(latest_in_visit("discharge"), "release_discharge"),
        Step(context, "release_context"),
        Step(history, "release_history"),
        Step(_flags(thresholds), "release_flags"),
        Step(_flagged(), "release_flagged"),
    ]


def _flags(thresholds: ReleaseThresholds) -> str:
    """One 0/1 column per rule, for every pick-up."""
    nominated = "c.r_haulier_key IS NOT NULL AND c.haulier_key <> c.r_haulier_key"
    unseen = (
        f"c.r_haulier_key IS NULL AND c.r_party_key IS NOT NULL "
        f"AND h.prior_pickups >= {thresholds.min_prior_pickups} AND h.prior_same_haulier = 0"
    )
    fast = f"c.t_us - c.d_us < {thresholds.max_dwell_minutes * MICROSECONDS_PER_MINUTE}"
    other = (
        "c.party_key <> c.p_party_key "
        "AND (c.r_haulier_key IS NULL OR c.party_key <> c.r_haulier_key)"
    )
    return f"""
        SELECT c.*, h.prior_pickups, h.prior_same_haulier,
            CASE WHEN c.haulier_key IS NOT NULL AND (({nominated}) OR ({unseen}))
                THEN 1 ELSE 0 END AS unexpected_haulier,
            CASE WHEN c.d_us IS NOT NULL AND {fast} THEN 1 ELSE 0 END AS fast_pickup,
            CASE WHEN c.party_key IS NOT NULL AND c.p_party_key IS NOT NULL AND {other}
                THEN 1 ELSE 0 END AS pin_other_party,
            CASE WHEN c.pin_digest IS NOT NULL AND c.q_ts IS NOT NULL AND c.p_ts IS NULL
                THEN 1 ELSE 0 END AS pin_not_issued,
            CASE WHEN c.r_ts IS NULL THEN 1 ELSE 0 END AS no_release
        FROM release_context c
        JOIN release_history h ON h.source_file = c.source_file
            AND h.source_line = c.source_line
    """


def _flagged() -> str:
    broken = " OR ".join(f"{rule} = 1" for rule in RULES)
    return f"SELECT * FROM release_flags WHERE {broken} ORDER BY ts, source_file, source_line"


def to_alerts(rows: list[dict[str, Any]], thresholds: ReleaseThresholds) -> list[Alert]:
    return [_alert(row, thresholds) for row in rows]


def _alert(row: dict[str, Any], thresholds: ReleaseThresholds) -> Alert:
    broken = [rule for rule in RULES if row[rule]]
    reasons = [_REASONS[rule](row, thresholds) for rule in broken]
    named_fr = ", ".join(f"{RULES[rule][0]} [{rule}]" for rule in broken)
    named_en = ", ".join(f"{RULES[rule][1]} [{rule}]" for rule in broken)
    where = f"{row['container']}, {row['terminal'] or '?'}, {moment(row['ts'])}"
    related = [row[f"{kind}_ts"] for kind in ("r", "p", "d") if row[f"{kind}_ts"] is not None]
    if row["pin_not_issued"]:
        related.append(row["q_ts"])
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=subjects(row),
        start=min([row["ts"], *related]),
        end=row["ts"],
        score=round(len(broken) / (len(broken) + 1), 3),
        reason_fr=f"Sortie de {where} ({named_fr}) : " + " ; ".join(fr for fr, _ in reasons) + ".",
        reason_en=f"Pick-up of {where} ({named_en}): " + "; ".join(en for _, en in reasons) + ".",
        evidence=evidence(row, ("r", "p", "d", "q") if row["pin_not_issued"] else ("r", "p", "d")),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


def _haulier(row: dict[str, Any], thresholds: ReleaseThresholds) -> tuple[str, str]:
    haulier, party = row["haulier"], row["r_party"]
    if row["r_haulier"] is not None:
        return (
            f"transporteur {haulier}, alors que {party} avait désigné {row['r_haulier']}",
            f"haulier {haulier}, where {party} nominated {row['r_haulier']}",
        )
    prior = int(row["prior_pickups"])
    return (
        f"transporteur {haulier} jamais vu en {prior} enlèvements antérieurs pour {party} "
        f"(à partir de {thresholds.min_prior_pickups})",
        f"haulier {haulier} never seen in {party}'s {prior} earlier pick-ups "
        f"(judged from {thresholds.min_prior_pickups})",
    )


def _fast(row: dict[str, Any], thresholds: ReleaseThresholds) -> tuple[str, str]:
    minutes = (row["ts"] - row["d_ts"]).total_seconds() / 60
    limit = thresholds.max_dwell_minutes
    return (
        f"sorti {minutes:.0f} min après le déchargement (seuil {limit} min)",
        f"out {minutes:.0f} min after discharge (threshold {limit} min)",
    )


def _pin(row: dict[str, Any], _: ReleaseThresholds) -> tuple[str, str]:
    issued, used = row["p_party"], row["party"]
    return (
        f"PIN émis pour {issued} le {moment(row['p_ts'])}, présenté par {used}",
        f"PIN issued to {issued} on {moment(row['p_ts'])}, presented by {used}",
    )


def _not_issued(row: dict[str, Any], _: ReleaseThresholds) -> tuple[str, str]:
    issued = row["q_party"] or "?"
    return (
        f"le PIN présenté n'est pas celui émis pour {issued} le {moment(row['q_ts'])}",
        f"the PIN presented is not the one issued to {issued} on {moment(row['q_ts'])}",
    )


def _no_release(row: dict[str, Any], thresholds: ReleaseThresholds) -> tuple[str, str]:
    days = thresholds.visit_lookback_days
    return (
        f"aucune mainlevée (release) enregistrée depuis la sortie précédente (au plus {days} j)",
        f"no release recorded since the previous gate-out (at most {days} days back)",
    )


_REASONS = {
    "unexpected_haulier": _haulier,
    "fast_pickup": _fast,
    "pin_other_party": _pin,
    "pin_not_issued": _not_issued,
    "no_release": _no_release,
}


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="targeting",
        title_fr="Sorties de conteneurs anormales",
        title_en="Container release anomalies",
        inputs=("terminal_events",),
        thresholds=ReleaseThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
