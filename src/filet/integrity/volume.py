"""A day of lookups far above the officer's own habit and above the unit's.

An officer who sells lookups, or enumerates a series of plates for someone, does in a
day what their work never asks of them. An officer-day is flagged when it has at least
``min_lookups`` lookups, at least ``factor`` times the officer's mean over the
``baseline_days`` before (days with lookups; at least ``min_baseline_days`` of them,
so a newcomer is not flagged for having no history), and at least ``factor`` times the
mean of the other officers of the same unit on that day, when the unit is known: a busy
day for the whole unit (a raid, an operation) is not one officer's anomaly.

The comparison against one's own and one's peers' baseline is the shape of Microsoft
Sentinel's UEBA volume anomalies; the figures are an analyst rule, to be tuned on a
service's own logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filet.alerts import Alert, Detector, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Step
from filet.integrity.lookups import by_officer_day, day_of, evidence, lookups_with_day, systems

DETECTOR_ID = "integrity.lookup_volume"
VERSION = "1"
_ANALYST_RULE = "Décision d'analyse Filet, 2026-12-07 / analyst decision"
_SENTINEL = "after Microsoft Sentinel UEBA volume anomalies (own and peer baseline)"


@dataclass(frozen=True)
class VolumeThresholds(Thresholds):
    factor: float = threshold(
        3.0,
        unit="ratio",
        source=f"{_ANALYST_RULE}, {_SENTINEL}: a busy day doubles, a sold one triples",
        help=(
            "Multiple minimal de la moyenne de l'agent et de celle de son unité. / Lowest "
            "multiple of the officer's own mean and of the unit's mean."
        ),
    )
    min_lookups: int = threshold(
        30,
        unit="lookups",
        source=f"{_ANALYST_RULE}: a day of ordinary case work stays below",
        help=("Consultations minimales dans la journée. / Fewest lookups in the day."),
    )
    baseline_days: int = threshold(
        28,
        unit="days",
        source=f"{_ANALYST_RULE}, {_SENTINEL}: four weeks, every weekday four times",
        help=(
            "Jours précédents qui font l'habitude de l'agent. / Days before that make the "
            "officer's habit."
        ),
    )
    min_baseline_days: int = threshold(
        5,
        unit="days",
        source=f"{_ANALYST_RULE}: a working week of history before judging a day",
        help=(
            "Jours avec consultations minimaux dans la période de référence. / Fewest days "
            "with lookups in the baseline period."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.factor <= 1:
            raise ValueError(f"factor must be above 1, not {self.factor}")
        if self.min_lookups < 1 or self.min_baseline_days < 1:
            raise ValueError("min_lookups and min_baseline_days must be >= 1")
        if self.baseline_days < self.min_baseline_days:
            raise ValueError("baseline_days must be >= min_baseline_days")


def steps(thresholds: VolumeThresholds, dialect: Dialect) -> list[Step]:
    """Officer-days, each with its own baseline and its unit's mean of the same day,
    then the lookups of the days flagged (for the evidence)."""
    days = """
        SELECT officer, MAX(unit) AS unit, day, COUNT(*) AS lookups,
            COUNT(DISTINCT subject) AS subjects
        FROM integrity_volume_lookups GROUP BY officer, day
    """
    window = f"p.day < d.day AND p.day >= d.day - {thresholds.baseline_days}"
    own = f"""
        SELECT d.officer, d.unit, d.day, d.lookups, d.subjects,
            AVG(p.lookups) AS own_mean, COUNT(p.day) AS own_days
        FROM integrity_volume_days d
        LEFT JOIN integrity_volume_days p ON p.officer = d.officer AND {window}
        GROUP BY d.officer, d.unit, d.day, d.lookups, d.subjects
    """
    peers = """
        SELECT d.officer, d.day, AVG(p.lookups) AS unit_mean
        FROM integrity_volume_days d
        JOIN integrity_volume_days p
            ON p.unit = d.unit AND p.officer <> d.officer AND p.day = d.day
        GROUP BY d.officer, d.day
    """
    factor = thresholds.factor
    flagged = f"""
        SELECT o.*, u.unit_mean
        FROM integrity_volume_own o
        LEFT JOIN integrity_volume_peers u ON u.officer = o.officer AND u.day = o.day
        WHERE o.lookups >= {thresholds.min_lookups}
            AND o.own_days >= {thresholds.min_baseline_days}
            AND o.lookups >= {factor} * o.own_mean
            AND (u.unit_mean IS NULL OR o.lookups >= {factor} * u.unit_mean)
    """
    rows = """
        SELECT l.ts, l.system, l.source_file, l.source_line, f.officer, f.day, f.lookups,
            f.subjects, f.own_mean, f.own_days, f.unit, f.unit_mean
        FROM integrity_volume_lookups l
        JOIN integrity_volume_flagged f ON f.officer = l.officer AND f.day = l.day
        ORDER BY f.officer, f.day, l.ts, l.source_file, l.source_line
    """
    return [
        Step(lookups_with_day(dialect), "integrity_volume_lookups"),
        Step(days, "integrity_volume_days"),
        Step(own, "integrity_volume_own"),
        Step(peers, "integrity_volume_peers"),
        Step(flagged, "integrity_volume_flagged"),
        Step(rows, "integrity_volume_rows"),
    ]


def to_alerts(rows: list[dict[str, Any]], thresholds: VolumeThresholds) -> list[Alert]:
    return [_alert(found, thresholds) for found in by_officer_day(rows)]


def _alert(rows: list[dict[str, Any]], thresholds: VolumeThresholds) -> Alert:
    first = rows[0]
    officer, count = first["officer"], int(first["lookups"])
    own = float(first["own_mean"])
    ratio = count / own
    when = day_of(int(first["day"])).isoformat()
    unit_mean = first["unit_mean"]
    unit_fr = unit_en = ""
    if unit_mean is not None:
        unit_fr = f", unité {first['unit']} ce jour-là {_fr(float(unit_mean))}"
        unit_en = f", unit {first['unit']} that day {float(unit_mean):.1f}"
    subjects = int(first["subjects"])
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("officer", officer),),
        start=min(r["ts"] for r in rows),
        end=max(r["ts"] for r in rows),
        score=round(1 - thresholds.factor / (ratio + thresholds.factor), 3),
        reason_fr=(
            f"{officer} : {count} consultations le {when} ({subjects} sujets distincts ; "
            f"{systems(rows)}), {_fr(ratio)} fois sa moyenne de {_fr(own)} sur "
            f"{int(first['own_days'])} jours{unit_fr}."
        ),
        reason_en=(
            f"{officer}: {count} lookups on {when} ({subjects} distinct subjects; "
            f"{systems(rows)}), {ratio:.1f} times their mean of {own:.1f} over "
            f"{int(first['own_days'])} days{unit_en}."
        ),
        evidence=evidence(rows),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


def _fr(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="integrity",
        title_fr="Pic de consultations",
        title_en="Lookup volume spike",
        inputs=("lookups",),
        thresholds=VolumeThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
