"""Naive AIS gaps: one MMSI silent for hours between two consecutive positions.

A vessel under way broadcasts its position every few seconds; a long silence can be
poor reception (satellite passes, crowded waters) or a transponder switched off to hide
a meeting or a port call. Global Fishing Watch catalogues "AIS gap events of 6+ hours
in duration" and warns that gaps under 12 h say little about intentional disabling,
which needs more evidence (distance from shore, satellite reception before the gap):
this detector finds the candidates, an analyst or a later detector weighs them.

Gaps are keyed by MMSI, so a number shared by several transmitters (see the
``416000000`` sample) mixes their tracks: the distance in the reason makes that visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.alerts.wording import comma
from filet.engine import Dialect, Step

DETECTOR_ID = "maritime.ais_gap"
VERSION = "1"
_MICROSECONDS_PER_HOUR = 3_600_000_000
_METRES_PER_NAUTICAL_MILE = 1852


@dataclass(frozen=True)
class AisGapThresholds(Thresholds):
    min_gap_hours: float = threshold(
        6.0,
        unit="h",
        source=(
            "Global Fishing Watch, GFW_technical_documentation @1141232 files/gaps.md "
            "(AIS gap events of 6+ hours in duration); pipe-gaps @9d9426e, "
            "min_gap_length: 6"
        ),
        help=(
            "Silence minimal entre deux positions consécutives d'un MMSI pour faire une "
            "alerte ; GFW ne retient que les silences de 12 h ou plus comme extinctions "
            "volontaires possibles. / Shortest silence between two consecutive positions "
            "of one MMSI that makes a gap; GFW counts only gaps of 12 h or more as "
            "possible intentional disabling."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.min_gap_hours <= 0:
            raise ValueError(f"min_gap_hours must be positive, not {self.min_gap_hours}")


def steps(thresholds: AisGapThresholds, dialect: Dialect) -> list[Step]:
    """Pair each position with the next one of the same MMSI, keep pairs far apart in time.

    Ties on ``ts`` are broken by ``source_file`` and ``source_line`` so that both
    engines pair the same rows. The threshold is compared in whole microseconds, exact
    on both engines, so a gap of exactly ``min_gap_hours`` counts.
    """
    window = "OVER (PARTITION BY mmsi ORDER BY ts, source_file, source_line)"
    pairs = f"""
        SELECT
            mmsi,
            ts AS start_ts, lat AS start_lat, lon AS start_lon,
            source_file AS start_file, source_line AS start_line,
            LEAD(ts) {window} AS end_ts,
            LEAD(lat) {window} AS end_lat,
            LEAD(lon) {window} AS end_lon,
            LEAD(source_file) {window} AS end_file,
            LEAD(source_line) {window} AS end_line
        FROM ais_positions
    """
    min_gap_us = round(thresholds.min_gap_hours * _MICROSECONDS_PER_HOUR)
    duration_us = (
        f"{dialect.epoch_microseconds('end_ts')} - {dialect.epoch_microseconds('start_ts')}"
    )
    distance = dialect.distance_m("start_lat", "start_lon", "end_lat", "end_lon")
    gaps = f"""
        SELECT
            mmsi, start_ts, end_ts, start_file, start_line, end_file, end_line,
            {distance} AS distance_m
        FROM ais_gap_pairs
        WHERE end_ts IS NOT NULL AND {duration_us} >= {min_gap_us}
        ORDER BY mmsi, start_ts
    """
    return [Step(pairs, "ais_gap_pairs"), Step(gaps, "ais_gaps")]


def score(gap_hours: float, min_gap_hours: float) -> float:
    """``1 - 2 ** (-gap_hours / min_gap_hours)``, rounded to 3 decimals.

    Grows with the gap: 0.5 at the threshold, 0.75 at twice it (12 h by default,
    where GFW starts to consider disabling), 0.94 at four times, towards 1 beyond.
    """
    return round(1 - 2 ** (-gap_hours / min_gap_hours), 3)


def to_alerts(rows: list[dict[str, Any]], thresholds: AisGapThresholds) -> list[Alert]:
    return [_alert(row, thresholds) for row in rows]


def _alert(row: dict[str, Any], thresholds: AisGapThresholds) -> Alert:
    hours = (row["end_ts"] - row["start_ts"]).total_seconds() / 3600
    km = row["distance_m"] / 1000
    knots = row["distance_m"] / _METRES_PER_NAUTICAL_MILE / hours
    mmsi = row["mmsi"]
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("mmsi", mmsi),),
        start=row["start_ts"],
        end=row["end_ts"],
        score=score(hours, thresholds.min_gap_hours),
        reason_fr=(
            f"Silence AIS de {comma(hours)} h (MMSI {mmsi}) ; {comma(km)} km entre la dernière "
            f"position avant le silence et la première après "
            f"(vitesse moyenne implicite {comma(knots)} nœuds)."
        ),
        reason_en=(
            f"AIS silence of {hours:.1f} h (MMSI {mmsi}); {km:.1f} km between the last "
            f"position before the silence and the first one after "
            f"(implied mean speed {knots:.1f} knots)."
        ),
        evidence=(
            Evidence(
                "ais_positions",
                {"source_file": row["start_file"], "source_line": row["start_line"]},
            ),
            Evidence(
                "ais_positions", {"source_file": row["end_file"], "source_line": row["end_line"]}
            ),
        ),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="maritime",
        title_fr="Silence AIS",
        title_en="AIS gap",
        inputs=("ais_positions",),
        thresholds=AisGapThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
