"""Dark targets: a vessel seen by radar, aircraft or drone that AIS does not show.

A go-fast, a fishing boat used as a relay or a mother ship with its transponder off is
still seen by a coastal radar, a patrol aircraft or a drone. Each contact of such a
sensor track (``sensor_tracks``) is compared with the AIS positions: a contact is
matched when some MMSI reported within the time window and distance. A track most of
whose contacts match nothing is a dark target.

The window follows the AIS reporting intervals of ITU-R M.1371-5: the slowest nominal
rate is one report every 3 minutes (class A at anchor, class B under 2 knots), so a
vessel transmitting normally reports within twice that of any instant; a vessel at
20 knots covers 2 nm in those 6 minutes. Candidates come from a grid join (time slots
of the window, cells at least as wide as the distance up to 80° of latitude), so the
cost grows with the contacts and positions, not their product.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.alerts.wording import comma
from filet.engine import Dialect, Step
from filet.engine.dialects import EARTH_RADIUS_M
from filet.maritime.coast import METRES_PER_NAUTICAL_MILE

DETECTOR_ID = "maritime.dark_target"
VERSION = "1"
_US_PER_MINUTE = 60_000_000
_MAX_CELL_LATITUDE = 80.0
_ITU = "ITU-R M.1371-5 Annex 1, tables 1 and 2 (longest nominal reporting interval 3 min)"


@dataclass(frozen=True)
class DarkTargetThresholds(Thresholds):
    max_time_minutes: float = threshold(
        6.0,
        unit="min",
        source=f"{_ITU}: twice the slowest rate",
        help=(
            "Écart de temps maximal entre un contact et une position AIS. / "
            "Longest time between a contact and an AIS position."
        ),
    )
    max_distance_nm: float = threshold(
        2.0,
        unit="nm",
        source=f"{_ITU}: 6 min at 20 knots",
        help=(
            "Distance maximale entre un contact et une position AIS. / "
            "Longest distance between a contact and an AIS position."
        ),
    )
    min_unmatched_share: float = threshold(
        0.5,
        unit="share",
        source=(
            "Filet: a majority of the contacts, so that an AIS vessel passing a dark "
            "target once does not hide it"
        ),
        help=(
            "Part minimale des contacts d'une piste sans position AIS. / "
            "Smallest share of a track's contacts without an AIS position."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        for name, value in vars(self).items():
            if value <= 0:
                raise ValueError(f"{name} must be positive, not {value}")
        if self.min_unmatched_share > 1:
            raise ValueError("min_unmatched_share is a share, at most 1")


def steps(thresholds: DarkTargetThresholds, dialect: Dialect) -> list[Step]:
    return [
        Step(_matched(thresholds, dialect), "dark_target_matched"),
        Step(_tracks(thresholds, dialect), "dark_targets"),
    ]


def _keyed(table: str, thresholds: DarkTargetThresholds, dialect: Dialect) -> str:
    window_us = round(thresholds.max_time_minutes * _US_PER_MINUTE)
    metres_per_degree = EARTH_RADIUS_M * math.pi / 180
    cell = (
        thresholds.max_distance_nm
        * METRES_PER_NAUTICAL_MILE
        / (metres_per_degree * math.cos(math.radians(_MAX_CELL_LATITUDE)))
    )
    epoch = dialect.epoch_microseconds("ts")
    return f"""
        SELECT *, {epoch} AS ts_us, CAST(floor({epoch} / {window_us}) AS BIGINT) AS slot,
            CAST(floor(lat / {cell}) AS BIGINT) AS cell_lat,
            CAST(floor(lon / {cell}) AS BIGINT) AS cell_lon
        FROM {table}
    """


def _matched(thresholds: DarkTargetThresholds, dialect: Dialect) -> str:
    """The contacts with an AIS position close enough in time and space."""
    near = ", ".join(f"({t}, {i}, {j})" for t in (-1, 0, 1) for i in (-1, 0, 1) for j in (-1, 0, 1))
    window_us = round(thresholds.max_time_minutes * _US_PER_MINUTE)
    distance = dialect.distance_m("c.lat", "c.lon", "a.lat", "a.lon")
    return f"""
        SELECT DISTINCT c.track_id, c.source_file, c.source_line
        FROM (
            SELECT k.*, n.dt, n.dlat, n.dlon
            FROM ({_keyed("sensor_tracks", thresholds, dialect)}) AS k
            CROSS JOIN (VALUES {near}) AS n(dt, dlat, dlon)
        ) AS c
        JOIN ({_keyed("ais_positions", thresholds, dialect)}) AS a
            ON a.slot = c.slot + c.dt AND a.cell_lat = c.cell_lat + c.dlat
                AND a.cell_lon = c.cell_lon + c.dlon
        WHERE abs(a.ts_us - c.ts_us) <= {window_us}
            AND {distance} <= {thresholds.max_distance_nm * METRES_PER_NAUTICAL_MILE}
    """


def _tracks(thresholds: DarkTargetThresholds, dialect: Dialect) -> str:
    """Per track: contacts, unmatched ones, and the first and last of those."""
    epoch = dialect.epoch_microseconds("c.ts")
    dark = "m.track_id IS NULL"
    return f"""
        SELECT c.track_id, MIN(c.sensor) AS sensor, COUNT(*) AS contacts,
            CAST(SUM(CASE WHEN {dark} THEN 1 ELSE 0 END) AS BIGINT) AS unmatched,
            MIN(CASE WHEN {dark} THEN c.ts END) AS start_ts,
            MAX(CASE WHEN {dark} THEN c.ts END) AS end_ts,
            ARG_MIN(c.source_file, CASE WHEN {dark} THEN {epoch} END) AS start_file,
            ARG_MIN(c.source_line, CASE WHEN {dark} THEN {epoch} END) AS start_line,
            ARG_MAX(c.source_file, CASE WHEN {dark} THEN {epoch} END) AS end_file,
            ARG_MAX(c.source_line, CASE WHEN {dark} THEN {epoch} END) AS end_line
        FROM sensor_tracks AS c
        LEFT JOIN dark_target_matched AS m
            ON m.track_id = c.track_id AND m.source_file = c.source_file
                AND m.source_line = c.source_line
        GROUP BY c.track_id
        HAVING SUM(CASE WHEN {dark} THEN 1 ELSE 0 END) > 0
            AND SUM(CASE WHEN {dark} THEN 1 ELSE 0 END)
                >= {thresholds.min_unmatched_share} * COUNT(*)
        ORDER BY c.track_id
    """


def to_alerts(rows: list[dict[str, Any]], thresholds: DarkTargetThresholds) -> list[Alert]:
    return [_alert(row, thresholds) for row in rows]


def _alert(row: dict[str, Any], thresholds: DarkTargetThresholds) -> Alert:
    track, sensor = row["track_id"], row["sensor"] or "?"
    dark, total = row["unmatched"], row["contacts"]
    minutes, nm = thresholds.max_time_minutes, thresholds.max_distance_nm
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("sensor_track", track),),
        start=row["start_ts"],
        end=row["end_ts"],
        score=round(dark / total, 3),
        reason_fr=(
            f"Cible sans AIS : piste {track} ({sensor}), {dark} contacts sur {total} sans "
            f"aucune position AIS à moins de {comma(nm)} milles marins et {minutes:g} min."
        ),
        reason_en=(
            f"Dark target: track {track} ({sensor}), {dark} of {total} contacts with no AIS "
            f"position within {nm:.1f} nm and {minutes:g} min."
        ),
        evidence=(
            Evidence(
                "sensor_tracks",
                {"source_file": row["start_file"], "source_line": row["start_line"]},
            ),
            Evidence(
                "sensor_tracks", {"source_file": row["end_file"], "source_line": row["end_line"]}
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
        title_fr="Cible sans AIS",
        title_en="Dark target",
        inputs=("sensor_tracks", "ais_positions"),
        thresholds=DarkTargetThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
