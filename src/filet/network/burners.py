"""Burner-phone switch: a line goes silent and a new one takes over its contacts.

Traffickers change lines ("ligne taxi", "téléphone jetable") every few weeks, but not
their suppliers and customers: the new line calls the same people. A pair of numbers
is flagged when the old one's last call comes before the new one's first (no overlap
in time, a silence of at most ``max_silence_days``) and their contact sets overlap
strongly: at least ``min_shared_contacts`` in common and a Jaccard index (Jaccard
1901, shared contacts over contacts of either) of at least ``min_jaccard``. Two members
of the same cell also share contacts, but they are active at the same time, which the
no-overlap rule excludes.

The rule is an analyst rule (Filet, 2026-11); the same idea, one subject's profiles
merged when their contact networks are similar (call records among the inputs), is
claimed in US patent 9,602,674. No published threshold was found: the defaults are
dated decisions, to be tuned on cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Step

DETECTOR_ID = "network.burner_switch"
VERSION = "1"
_MICROSECONDS_PER_DAY = 86_400_000_000
_ANALYST_RULE = "Décision d'analyse Filet, 2026-11-26 (issue 7) / analyst decision"


@dataclass(frozen=True)
class BurnerThresholds(Thresholds):
    min_jaccard: float = threshold(
        0.5,
        unit="ratio",
        source=(
            f"{_ANALYST_RULE}: at least half of the two lines' contacts in common; Jaccard, "
            "Bull. Soc. vaudoise sci. nat. 37:547-579 (1901)"
        ),
        help=(
            "Indice de Jaccard minimal des contacts des deux lignes (contacts communs sur "
            "contacts de l'une ou l'autre). / Lowest Jaccard index of the two lines' contacts "
            "(shared over either)."
        ),
    )
    min_shared_contacts: int = threshold(
        3,
        unit="numbers",
        source=f"{_ANALYST_RULE}: one or two common contacts happen by chance (a relative)",
        help=(
            "Contacts communs minimaux entre l'ancienne et la nouvelle ligne. / Fewest "
            "contacts shared by the old and the new line."
        ),
    )
    max_silence_days: float = threshold(
        30.0,
        unit="days",
        source=f"{_ANALYST_RULE}: a new line is usually in use within days of dropping one",
        help=(
            "Délai maximal entre le dernier appel de l'ancienne ligne et le premier de la "
            "nouvelle. / Longest time between the old line's last call and the new one's "
            "first."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 < self.min_jaccard <= 1:
            raise ValueError(f"min_jaccard must be in (0, 1], not {self.min_jaccard}")
        if self.min_shared_contacts < 1:
            raise ValueError(f"min_shared_contacts must be >= 1, not {self.min_shared_contacts}")
        if self.max_silence_days <= 0:
            raise ValueError(f"max_silence_days must be positive, not {self.max_silence_days}")


def steps(thresholds: BurnerThresholds, dialect: Dialect) -> list[Step]:
    """Each line's contacts and activity span, then the pairs that fit the rule.

    A call counts for both ends: the contacts of a line are the numbers it called and
    the numbers that called it. First and last calls are chosen by time, file and line,
    so both engines cite the same rows; the silence is compared in whole microseconds.
    """
    ends = """
        SELECT caller AS number, callee AS contact, start_ts, source_file, source_line
        FROM calls WHERE caller <> callee
        UNION ALL
        SELECT callee, caller, start_ts, source_file, source_line
        FROM calls WHERE caller <> callee
    """
    order = "start_ts, source_file, source_line"
    ranked = f"""
        SELECT number, contact, start_ts, source_file, source_line,
            ROW_NUMBER() OVER (PARTITION BY number ORDER BY {order}) AS n_first,
            ROW_NUMBER() OVER (
                PARTITION BY number ORDER BY start_ts DESC, source_file DESC, source_line DESC
            ) AS n_last
        FROM burner_ends
    """
    lines = """
        SELECT number,
            COUNT(DISTINCT contact) AS contacts,
            MIN(start_ts) AS first_ts,
            MAX(start_ts) AS last_ts,
            MAX(CASE WHEN n_first = 1 THEN source_file END) AS first_file,
            MAX(CASE WHEN n_first = 1 THEN source_line END) AS first_line,
            MAX(CASE WHEN n_last = 1 THEN source_file END) AS last_file,
            MAX(CASE WHEN n_last = 1 THEN source_line END) AS last_line
        FROM burner_ranked
        GROUP BY number
    """
    pairs_sql = _pairs_sql(thresholds, dialect)
    return [
        Step(ends, "burner_ends"),
        Step(ranked, "burner_ranked"),
        Step(lines, "burner_lines"),
        Step("SELECT DISTINCT number, contact FROM burner_ends", "burner_contacts"),
        Step(pairs_sql, "burner_pairs"),
    ]


def _pairs_sql(thresholds: BurnerThresholds, dialect: Dialect) -> str:
    silence = (
        f"{dialect.epoch_microseconds('n.first_ts')} - {dialect.epoch_microseconds('o.last_ts')}"
    )
    max_silence = round(thresholds.max_silence_days * _MICROSECONDS_PER_DAY)
    shared = f"""
        SELECT o.number AS old_number, n.number AS new_number, COUNT(*) AS shared
        FROM burner_contacts oc
        JOIN burner_contacts nc ON oc.contact = nc.contact AND oc.number <> nc.number
        JOIN burner_lines o ON o.number = oc.number
        JOIN burner_lines n ON n.number = nc.number
        WHERE o.last_ts < n.first_ts AND {silence} <= {max_silence}
        GROUP BY o.number, n.number
        HAVING COUNT(*) >= {thresholds.min_shared_contacts}
    """
    return f"""
        SELECT s.old_number, s.new_number, s.shared,
            o.contacts AS old_contacts, n.contacts AS new_contacts,
            o.last_ts AS old_last_ts, n.first_ts AS new_first_ts,
            o.last_file, o.last_line, n.first_file, n.first_line
        FROM ({shared}) s
        JOIN burner_lines o ON o.number = s.old_number
        JOIN burner_lines n ON n.number = s.new_number
        WHERE s.shared >= {thresholds.min_jaccard} * (o.contacts + n.contacts - s.shared)
        ORDER BY s.old_number, s.new_number
    """


def to_alerts(rows: list[dict[str, Any]], thresholds: BurnerThresholds) -> list[Alert]:
    return [_alert(row, thresholds) for row in rows]


def _alert(row: dict[str, Any], thresholds: BurnerThresholds) -> Alert:
    old, new, shared = row["old_number"], row["new_number"], int(row["shared"])
    union = int(row["old_contacts"]) + int(row["new_contacts"]) - shared
    jaccard = shared / union
    silent: datetime = row["old_last_ts"]
    started: datetime = row["new_first_ts"]
    hours = (started - silent).total_seconds() / 3600
    days = round(hours / 24)
    after_fr, after_en = (f"{days} j", f"{days} d") if hours >= 48 else (f"{hours:.0f} h",) * 2
    jaccard_fr = f"{jaccard:.2f}".replace(".", ",")
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("phone", old), Subject("phone", new)),
        start=silent,
        end=started,
        score=round(jaccard, 3),
        reason_fr=(
            f"Changement de ligne probable : {old} se tait, {new} apparaît {after_fr} plus tard "
            f"avec {shared} contacts communs sur {union} (Jaccard {jaccard_fr})."
        ),
        reason_en=(
            f"Likely line switch: {old} goes silent, {new} appears {after_en} later "
            f"with {shared} of {union} contacts in common (Jaccard {jaccard:.2f})."
        ),
        evidence=(
            Evidence("calls", {"source_file": row["last_file"], "source_line": row["last_line"]}),
            Evidence("calls", {"source_file": row["first_file"], "source_line": row["first_line"]}),
        ),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="network",
        title_fr="Changement de ligne (téléphone jetable)",
        title_en="Burner-phone switch",
        inputs=("calls",),
        thresholds=BurnerThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
