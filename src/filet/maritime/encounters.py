"""Ship-to-ship encounters: two vessels side by side, slow, for hours, away from port.

A transfer at sea (transhipment of catch, fuel, or cargo such as cocaine moved from a
mother ship to a go-fast or a fishing boat) needs two hulls alongside for hours. Global
Fishing Watch defines an encounter as two vessels within 500 m for 2 h or more at a
median speed under 2 knots, at least 10 km from a port (Miller et al. 2018).

The method follows GFW's ``pipe-encounters`` @df93ee4. Each track is resampled on a
common 10-minute grid, interpolating only between positions less than an hour apart.
Candidate pairs share a time slot and a grid cell or a neighbouring one, so the join
stays near linear in positions (GFW uses S2 level-12 cells, about 2 km; the cells here
are squares of degrees, wide enough for the distance up to 80° of latitude; beyond, and
across the antimeridian, pairs can be missed). Runs of close slots of 1 h or more are
merged when less than 4 h apart; merged encounters of 2 h or more at a low median speed
are kept, and those near a UN/LOCODE port (``filet.maritime.coast``) are dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.alerts.wording import comma
from filet.engine import Dialect, Step
from filet.engine.dialects import EARTH_RADIUS_M
from filet.maritime.coast import METRES_PER_NAUTICAL_MILE, nearest_port

DETECTOR_ID = "maritime.encounter"
VERSION = "1"
_US_PER_MINUTE = 60_000_000
_US_PER_HOUR = 3_600_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Cells must be at least max_distance_m wide up to this latitude.
_MAX_CELL_LATITUDE = 80.0
_GFW = "Global Fishing Watch, GFW_technical_documentation @1141232 files/encounters.md"
_PIPE = "pipe-encounters @df93ee4"


@dataclass(frozen=True)
class EncounterThresholds(Thresholds):
    max_distance_m: float = threshold(
        500.0,
        unit="m",
        source=f"{_GFW}; {_PIPE} --max_encounter_dist_km 0.5; Miller et al. 2018",
        help="Distance maximale entre les deux navires. / Longest distance between the two.",
    )
    min_duration_hours: float = threshold(
        2.0,
        unit="h",
        source=f"{_GFW}; {_PIPE} merge step --min_encounter_time_minutes 120",
        help="Durée minimale d'une rencontre. / Shortest encounter.",
    )
    min_raw_minutes: float = threshold(
        60.0,
        unit="min",
        source=f"{_PIPE} raw step --min_encounter_time_minutes 60",
        help=(
            "Durée minimale d'une proximité continue avant fusion. / "
            "Shortest unbroken closeness kept before merging."
        ),
    )
    merge_gap_hours: float = threshold(
        4.0,
        unit="h",
        source=f"{_PIPE} min_hours_between_encounters default 4",
        help=(
            "Deux proximités plus rapprochées sont une seule rencontre. / "
            "Closer runs of closeness are one encounter."
        ),
    )
    max_median_speed_knots: float = threshold(
        2.0,
        unit="kn",
        source=f"{_GFW} (median speed under 2 knots)",
        help=(
            "Vitesse médiane maximale de chaque navire pendant la rencontre. / "
            "Highest median speed of each vessel during the encounter."
        ),
    )
    min_distance_from_port_km: float = threshold(
        10.0,
        unit="km",
        source=f"{_GFW}; {_PIPE} filter_by_distance(min_distance_from_port_km=10)",
        help=(
            "Distance minimale au port UN/LOCODE le plus proche (liste searoute) ; 0 garde "
            "tout. / Shortest distance to the nearest UN/LOCODE port (searoute list); 0 "
            "keeps all."
        ),
    )
    resample_minutes: float = threshold(
        10.0,
        unit="min",
        source=f"{_PIPE} RESAMPLE_INCREMENT_MINUTES=10",
        help="Pas de la grille temporelle commune. / Step of the common time grid.",
    )
    max_interpolation_gap_hours: float = threshold(
        1.0,
        unit="h",
        source=f"{_PIPE} MAX_GAP_HOURS=1",
        help=(
            "On n'interpole pas entre deux positions plus espacées. / "
            "No interpolation between positions further apart."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        for name, value in vars(self).items():
            if value < 0 or (value == 0 and name != "min_distance_from_port_km"):
                raise ValueError(f"{name} must be positive, not {value}")


def steps(thresholds: EncounterThresholds, dialect: Dialect) -> list[Step]:
    return [
        Step(_pairs(thresholds, dialect), "encounter_pairs"),
        Step(_grid(thresholds, dialect), "encounter_grid"),
        Step(_close(thresholds, dialect), "encounter_close"),
        Step(_merged(thresholds), "encounters"),
    ]


def _pairs(thresholds: EncounterThresholds, dialect: Dialect) -> str:
    """Consecutive positions of one MMSI close enough in time to interpolate between."""
    window = "OVER (PARTITION BY mmsi ORDER BY ts, source_file, source_line)"
    epoch = dialect.epoch_microseconds("ts")
    max_gap_us = round(thresholds.max_interpolation_gap_hours * _US_PER_HOUR)
    return f"""
        SELECT * FROM (
            SELECT mmsi, lat, lon, source_file, source_line, {epoch} AS ts_us,
                LEAD({epoch}) {window} AS next_us,
                LEAD(lat) {window} AS next_lat, LEAD(lon) {window} AS next_lon
            FROM ais_positions
        ) AS consecutive
        WHERE next_us > ts_us AND next_us - ts_us < {max_gap_us}
    """


def _grid(thresholds: EncounterThresholds, dialect: Dialect) -> str:
    """Each grid slot in ``[ts, next)``, interpolated, with its cell and implied speed."""
    step_us = round(thresholds.resample_minutes * _US_PER_MINUTE)
    per_pair = math.ceil(thresholds.max_interpolation_gap_hours * 60 / thresholds.resample_minutes)
    offsets = ", ".join(f"({k})" for k in range(per_pair))
    cell = _cell_degrees(thresholds.max_distance_m)
    distance = dialect.distance_m("lat", "lon", "next_lat", "next_lon")
    knots = f"{distance} / {METRES_PER_NAUTICAL_MILE} * {_US_PER_HOUR} / (next_us - ts_us)"
    fraction = f"(slot * {step_us} - ts_us) / (next_us - ts_us)"
    return f"""
        SELECT mmsi, slot, source_file, source_line, speed_knots,
            slot_lat AS lat, slot_lon AS lon,
            CAST(floor(slot_lat / {cell}) AS BIGINT) AS cell_lat,
            CAST(floor(slot_lon / {cell}) AS BIGINT) AS cell_lon
        FROM (
            SELECT mmsi, slot, source_file, source_line, {knots} AS speed_knots,
                lat + (next_lat - lat) * {fraction} AS slot_lat,
                lon + (next_lon - lon) * {fraction} AS slot_lon
            FROM (
                SELECT p.*, CAST(-floor(-p.ts_us / {step_us}) AS BIGINT) + o.k AS slot
                FROM encounter_pairs AS p CROSS JOIN (VALUES {offsets}) AS o(k)
            ) AS slotted
            WHERE slot * {step_us} < next_us
        ) AS interpolated
    """


def _cell_degrees(max_distance_m: float) -> float:
    """Cell side in degrees: at least ``max_distance_m`` east-west up to 80° latitude."""
    metres_per_degree = EARTH_RADIUS_M * math.pi / 180
    return max_distance_m / (metres_per_degree * math.cos(math.radians(_MAX_CELL_LATITUDE)))


def _close(thresholds: EncounterThresholds, dialect: Dialect) -> str:
    """Pairs of MMSIs within the distance in one slot; ``island`` numbers unbroken runs.

    The grid is read twice, as a CTE: DuckDB then computes it once (a view read twice
    is planned twice, its window over every position with it)."""
    neighbours = ", ".join(f"({i}, {j})" for i in (-1, 0, 1) for j in (-1, 0, 1))
    distance = dialect.distance_m("a.lat", "a.lon", "b.lat", "b.lon")
    return f"""
        WITH grid AS (SELECT * FROM encounter_grid)
        SELECT *, slot - ROW_NUMBER() OVER (
            PARTITION BY mmsi_a, mmsi_b ORDER BY slot) AS island
        FROM (
            SELECT a.mmsi AS mmsi_a, b.mmsi AS mmsi_b, a.slot,
                a.lat AS lat, a.lon AS lon, {distance} AS distance_m,
                a.speed_knots AS speed_a, b.speed_knots AS speed_b,
                a.source_file AS file_a, a.source_line AS line_a,
                b.source_file AS file_b, b.source_line AS line_b
            FROM grid AS a
            JOIN (
                SELECT g.*, g.cell_lat + n.dlat AS near_lat, g.cell_lon + n.dlon AS near_lon
                FROM grid AS g CROSS JOIN (VALUES {neighbours}) AS n(dlat, dlon)
            ) AS b
            ON a.slot = b.slot AND a.cell_lat = b.near_lat AND a.cell_lon = b.near_lon
                AND a.mmsi < b.mmsi
        ) AS candidates
        WHERE distance_m <= {thresholds.max_distance_m}
    """


def _raw_runs(thresholds: EncounterThresholds, close: str) -> str:
    """Unbroken runs long enough, grouped with the previous run when close in time."""
    step_minutes = thresholds.resample_minutes
    min_slots = math.ceil(thresholds.min_raw_minutes / step_minutes - 1e-9)
    merge_slots = thresholds.merge_gap_hours * 60 / step_minutes
    return f"""
        SELECT mmsi_a, mmsi_b, island, SUM(CASE WHEN gap_slots >= {merge_slots} THEN 1 ELSE 0
            END) OVER (PARTITION BY mmsi_a, mmsi_b ORDER BY start_slot
                ROWS UNBOUNDED PRECEDING) AS encounter_id
        FROM (
            SELECT *, start_slot - LAG(end_slot) OVER (
                PARTITION BY mmsi_a, mmsi_b ORDER BY start_slot) AS gap_slots
            FROM (
                SELECT mmsi_a, mmsi_b, island, MIN(slot) AS start_slot, MAX(slot) AS end_slot
                FROM {close}
                GROUP BY mmsi_a, mmsi_b, island
                HAVING MAX(slot) - MIN(slot) >= {min_slots}
            ) AS runs
        ) AS spaced
    """


def _merged(thresholds: EncounterThresholds) -> str:
    """Close slots grouped by merged encounter; the runs and the slots come from one
    CTE, so that DuckDB finds the close pairs once, not once for each."""
    min_slots = math.ceil(thresholds.min_duration_hours * 60 / thresholds.resample_minutes - 1e-9)
    speed = thresholds.max_median_speed_knots
    return f"""
        WITH close_slots AS (SELECT * FROM encounter_close),
            raw_runs AS ({_raw_runs(thresholds, "close_slots")})
        SELECT c.mmsi_a, c.mmsi_b, MIN(c.slot) AS start_slot, MAX(c.slot) AS end_slot,
            ROUND(AVG(c.lat), 5) AS lat, ROUND(AVG(c.lon), 5) AS lon,
            ROUND(MIN(c.distance_m), 1) AS min_distance_m,
            MEDIAN(c.speed_a) AS median_speed_a, MEDIAN(c.speed_b) AS median_speed_b,
            ARG_MIN(c.file_a, c.slot) AS file_a, ARG_MIN(c.line_a, c.slot) AS line_a,
            ARG_MIN(c.file_b, c.slot) AS file_b, ARG_MIN(c.line_b, c.slot) AS line_b
        FROM close_slots AS c
        JOIN raw_runs AS r
            ON c.mmsi_a = r.mmsi_a AND c.mmsi_b = r.mmsi_b AND c.island = r.island
        GROUP BY c.mmsi_a, c.mmsi_b, r.encounter_id
        HAVING MAX(c.slot) - MIN(c.slot) >= {min_slots}
            AND MEDIAN(c.speed_a) < {speed} AND MEDIAN(c.speed_b) < {speed}
        ORDER BY c.mmsi_a, c.mmsi_b, start_slot
    """


def score(hours: float, min_duration_hours: float) -> float:
    """``1 - 2 ** (-hours / min_duration_hours)``: 0.5 at the threshold, towards 1 beyond."""
    return round(1 - 2 ** (-hours / min_duration_hours), 3)


def to_alerts(rows: list[dict[str, Any]], thresholds: EncounterThresholds) -> list[Alert]:
    """Alerts for the encounters far enough from every port."""
    alerts = []
    for row in rows:
        port, metres = nearest_port(row["lat"], row["lon"])
        if metres >= thresholds.min_distance_from_port_km * 1000:
            alerts.append(_alert(row, thresholds, f"{port.name} ({port.locode})", metres))
    return alerts


def _alert(row: dict[str, Any], thresholds: EncounterThresholds, port: str, port_m: float) -> Alert:
    step = timedelta(minutes=thresholds.resample_minutes)
    start, end = _EPOCH + row["start_slot"] * step, _EPOCH + row["end_slot"] * step
    hours = (end - start).total_seconds() / 3600
    a, b = row["mmsi_a"], row["mmsi_b"]
    speeds = (row["median_speed_a"], row["median_speed_b"])
    where = f"{row['lat']:.3f}, {row['lon']:.3f}"
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("mmsi", a), Subject("mmsi", b)),
        start=start,
        end=end,
        score=score(hours, thresholds.min_duration_hours),
        reason_fr=(
            f"Rencontre en mer : MMSI {a} et {b} à moins de {thresholds.max_distance_m:.0f} m "
            f"pendant {comma(hours)} h (au plus près {row['min_distance_m']:.0f} m, vitesses "
            f"médianes {comma(speeds[0])} et {comma(speeds[1])} nœuds) autour de {where} ; port "
            f"le plus proche {port} à {comma(port_m / 1000)} km."
        ),
        reason_en=(
            f"Encounter at sea: MMSI {a} and {b} within {thresholds.max_distance_m:.0f} m "
            f"for {hours:.1f} h (closest {row['min_distance_m']:.0f} m, median speeds "
            f"{speeds[0]:.1f} and {speeds[1]:.1f} knots) around {where}; nearest port "
            f"{port} at {port_m / 1000:.1f} km."
        ),
        evidence=(
            Evidence("ais_positions", {"source_file": row["file_a"], "source_line": row["line_a"]}),
            Evidence("ais_positions", {"source_file": row["file_b"], "source_line": row["line_b"]}),
        ),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="maritime",
        title_fr="Rencontre en mer",
        title_en="Ship-to-ship encounter",
        inputs=("ais_positions",),
        thresholds=EncounterThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
