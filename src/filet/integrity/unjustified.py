"""Lookups that no assignment justifies: the first signal of an officer selling them.

A police or customs file may be consulted for a case one works on, or for a check in
the field whose reason is written down. A lookup is unjustified when it cites a case
the officer is not assigned to at that moment (per the ``assignments`` table), or
cites no case and gives a reason shorter than ``min_reason_chars`` (the boilerplate
"vérif", "RAS", "info"). An officer-day is flagged when it has at least
``min_unjustified`` of them.

Why this rule first: a lookup tied to no documented reason is the deterministic,
explainable signal that record-access audits start from (EBAS, Fabbri & LeFevre,
PMC3555324, explains 90–94 % of hospital record accesses by a documented reason; the
rest is what an auditor reads), and the Assemblée nationale's 2018 mission on police
files asked for algorithmic analysis of access traces (proposal 3). The thresholds are
an analyst rule, to be tuned on a service's own logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filet.alerts import Alert, Detector, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Step
from filet.integrity.lookups import by_officer_day, day_of, evidence, lookups_with_day, systems

DETECTOR_ID = "integrity.unjustified_lookups"
VERSION = "1"
_ANALYST_RULE = "Décision d'analyse Filet, 2026-12-07 / analyst decision"
FOREIGN_CASE = "foreign_case"
NO_REASON = "no_reason"


@dataclass(frozen=True)
class UnjustifiedThresholds(Thresholds):
    min_unjustified: int = threshold(
        3,
        unit="lookups",
        source=(
            f"{_ANALYST_RULE}: one or two slips a day are typing errors; Hedda et al. 2017 "
            "(PMC5977720) found 16-43 % of single-access flags explained away"
        ),
        help=(
            "Consultations injustifiées minimales d'un agent dans la journée. / Fewest "
            "unjustified lookups by one officer in a day."
        ),
    )
    min_reason_chars: int = threshold(
        10,
        unit="characters",
        source=(
            f"{_ANALYST_RULE}: shorter than « contrôle routier »; the boilerplate reasons "
            "(vérif, RAS, info) that IGPN/IGGN checks of TAJ lookups find"
        ),
        help=(
            "Longueur minimale du motif d'une consultation sans affaire. / Shortest reason "
            "accepted for a lookup that cites no case."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.min_unjustified < 1:
            raise ValueError(f"min_unjustified must be >= 1, not {self.min_unjustified}")
        if self.min_reason_chars < 0:
            raise ValueError(f"min_reason_chars must be >= 0, not {self.min_reason_chars}")


def steps(thresholds: UnjustifiedThresholds, dialect: Dialect) -> list[Step]:
    """Each lookup marked with whether one of the officer's assignments covers it, then
    the unjustified ones of the officer-days that have enough of them."""
    marked = """
        SELECT l.ts, l.officer, l.unit, l.system, l.subject, l.reason, l.case_ref, l.day,
            l.source_file, l.source_line,
            MAX(CASE WHEN a.officer IS NULL THEN 0 ELSE 1 END) AS assigned
        FROM integrity_lookups l
        LEFT JOIN assignments a
            ON a.officer = l.officer AND a.case_ref = l.case_ref
            AND a.start_ts <= l.ts AND (a.end_ts IS NULL OR l.ts < a.end_ts)
        GROUP BY l.ts, l.officer, l.unit, l.system, l.subject, l.reason, l.case_ref, l.day,
            l.source_file, l.source_line
    """
    no_case = "(case_ref IS NULL OR TRIM(case_ref) = '')"
    short = f"LENGTH(TRIM(COALESCE(reason, ''))) < {thresholds.min_reason_chars}"
    unjustified = f"""
        SELECT *, CASE WHEN {no_case} THEN '{NO_REASON}' ELSE '{FOREIGN_CASE}' END AS why
        FROM integrity_marked
        WHERE ({no_case} AND {short}) OR (NOT {no_case} AND assigned = 0)
    """
    days = f"""
        SELECT officer, day, COUNT(*) AS unjustified
        FROM integrity_unjustified GROUP BY officer, day
        HAVING COUNT(*) >= {thresholds.min_unjustified}
    """
    totals = "SELECT officer, day, COUNT(*) AS lookups FROM integrity_lookups GROUP BY officer, day"
    flagged = """
        SELECT u.*, t.lookups
        FROM integrity_unjustified u
        JOIN integrity_days d ON d.officer = u.officer AND d.day = u.day
        JOIN integrity_totals t ON t.officer = u.officer AND t.day = u.day
        ORDER BY u.officer, u.day, u.ts, u.source_file, u.source_line
    """
    return [
        Step(lookups_with_day(dialect), "integrity_lookups"),
        Step(marked, "integrity_marked"),
        Step(unjustified, "integrity_unjustified"),
        Step(days, "integrity_days"),
        Step(totals, "integrity_totals"),
        Step(flagged, "integrity_unjustified_flagged"),
    ]


def to_alerts(rows: list[dict[str, Any]], thresholds: UnjustifiedThresholds) -> list[Alert]:
    return [_alert(found, thresholds) for found in by_officer_day(rows)]


def _alert(rows: list[dict[str, Any]], thresholds: UnjustifiedThresholds) -> Alert:
    officer, day = rows[0]["officer"], int(rows[0]["day"])
    count, total = len(rows), int(rows[0]["lookups"])
    foreign = sorted({r["case_ref"] for r in rows if r["why"] == FOREIGN_CASE})
    bare = sum(1 for r in rows if r["why"] == NO_REASON)
    when = day_of(day).isoformat()
    cases = ", ".join(foreign) or "-"
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("officer", officer),),
        start=min(r["ts"] for r in rows),
        end=max(r["ts"] for r in rows),
        score=round(count / (count + thresholds.min_unjustified), 3),
        reason_fr=(
            f"{officer} : {count} consultations injustifiées sur {total} le {when} "
            f"({systems(rows)}) ; {count - bare} citent une affaire où l'agent n'est pas "
            f"affecté ({cases}), {bare} sans affaire avec un motif de moins de "
            f"{thresholds.min_reason_chars} caractères."
        ),
        reason_en=(
            f"{officer}: {count} unjustified lookups of {total} on {when} ({systems(rows)}); "
            f"{count - bare} cite a case the officer is not assigned to ({cases}), {bare} "
            f"cite no case with a reason under {thresholds.min_reason_chars} characters."
        ),
        evidence=evidence(rows),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="integrity",
        title_fr="Consultations injustifiées",
        title_en="Unjustified lookups",
        inputs=("lookups", "assignments"),
        thresholds=UnjustifiedThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
