"""Port calls: a vessel enters a port's radius, stops there (or goes silent), and leaves.

Where a ship called is the backbone of a voyage: the port of loading of a container
of cocaine, a fishing boat's landing, a supply run. Global Fishing Watch defines a port
visit with hysteresis, so that a ship idling on the boundary does not make a string of
visits: it enters within 3 km of an anchorage, leaves only beyond 4 km, and counts as a
visit when it stopped in between (speed under 0.2 knots) or was silent there for 4 h
or more (a "port gap"). Here the anchorages are the 3,962 UN/LOCODE ports shipped by
``searoute`` (``filet.maritime.coast``): a port whose berths lie more than 3 km from its
listed point is missed, and neighbouring ports less than 8 km apart make one call, at
the port the ship came closest to.

The ports travel inside the SQL as a VALUES list with a grid cell each, so both engines
join positions to the few ports of their own and neighbouring cells, not to all 4,000.
A call still open at the last position (no exit seen yet) is reported as such.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.alerts.wording import comma
from filet.engine import Dialect, Step
from filet.engine.dialects import EARTH_RADIUS_M
from filet.maritime.coast import METRES_PER_NAUTICAL_MILE, Port, all_ports

DETECTOR_ID = "maritime.port_call"
VERSION = "1"
_US_PER_HOUR = 3_600_000_000
# Cells must be at least exit_km wide east-west up to this latitude.
_MAX_CELL_LATITUDE = 80.0
_GFW = (
    "Global Fishing Watch, GFW_technical_documentation @1141232 "
    "files/anchorages-voyages-port-visits.md"
)
# A call is context for an analyst, not a suspicion by itself.
CALL_SCORE = 0.1


@dataclass(frozen=True)
class PortCallThresholds(Thresholds):
    entry_km: float = threshold(
        3.0,
        unit="km",
        source=f"{_GFW} (port entry: within 3 km of an anchorage)",
        help="Distance au port qui marque l'entrée. / Distance to the port that marks entry.",
    )
    exit_km: float = threshold(
        4.0,
        unit="km",
        source=f"{_GFW} (port exit: beyond 4 km of the anchorage)",
        help=(
            "Distance au port au-delà de laquelle le navire est sorti (hystérésis). / "
            "Distance beyond which the vessel has left (hysteresis)."
        ),
    )
    stop_speed_knots: float = threshold(
        0.2,
        unit="kn",
        source=f"{_GFW} (port stop: speed under 0.2 knots)",
        help=(
            "Vitesse (déclarée, sinon implicite) sous laquelle le navire est à l'arrêt. / "
            "Speed (reported, else implied) under which the vessel is stopped."
        ),
    )
    port_gap_hours: float = threshold(
        4.0,
        unit="h",
        source=f"{_GFW} (port gap: no AIS for 4 h or more inside the port)",
        help=(
            "Un silence aussi long dans le port vaut un arrêt. / "
            "A silence this long inside the port counts as a stop."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        for name, value in vars(self).items():
            if isinstance(value, float) and value <= 0:
                raise ValueError(f"{name} must be positive, not {value}")
        if self.exit_km < self.entry_km:
            raise ValueError(f"exit_km ({self.exit_km}) must not be below entry_km")


def steps(thresholds: PortCallThresholds, dialect: Dialect) -> list[Step]:
    return call_steps(thresholds, dialect, all_ports(), "port_call")


def call_steps(
    thresholds: PortCallThresholds, dialect: Dialect, ports: Sequence[Port], prefix: str
) -> list[Step]:
    """The pipeline against ``ports``; tables are named after ``prefix``, the last one
    ``<prefix>s`` holds one row per call."""
    return [
        Step(_near(thresholds, dialect, ports), f"{prefix}_near"),
        Step(_zoned(thresholds, dialect, f"{prefix}_near"), f"{prefix}_zoned"),
        Step(_calls(thresholds, f"{prefix}_zoned"), f"{prefix}s"),
    ]


def _cell_degrees(exit_km: float) -> float:
    metres_per_degree = EARTH_RADIUS_M * math.pi / 180
    return exit_km * 1000 / (metres_per_degree * math.cos(math.radians(_MAX_CELL_LATITUDE)))


def _near(thresholds: PortCallThresholds, dialect: Dialect, ports: Sequence[Port]) -> str:
    """Each position with its nearest port within the exit radius (NULL when none).

    Only the positions within a radius are ranked by distance, then joined back by
    their key (MMSI, time, file, line) to the positions of the vessels that came near a
    port at all: the others can make no call, and ranking, then ordering, every
    position, most of them near no port, took two windows over all of them."""
    cell = _cell_degrees(thresholds.exit_km)
    values = ", ".join(
        f"('{p.locode}', {p.lat}, {p.lon}, {math.floor(p.lat / cell)}, {math.floor(p.lon / cell)})"
        for p in ports
    )
    neighbours = ", ".join(f"({i}, {j})" for i in (-1, 0, 1) for j in (-1, 0, 1))
    distance = dialect.distance_m("p.lat", "p.lon", "q.port_lat", "q.port_lon")
    epoch = dialect.epoch_microseconds("p.ts")
    key = ("mmsi", "ts", "source_file", "source_line")
    return f"""
        WITH nearest AS (
            SELECT * FROM (
                SELECT p.mmsi, p.ts, p.source_file, p.source_line, q.locode,
                    {distance} AS port_m,
                    ROW_NUMBER() OVER (
                        PARTITION BY {", ".join(f"p.{column}" for column in key)}
                        ORDER BY {distance}, q.locode) AS rank_by_distance
                FROM ais_positions AS p
                JOIN (
                    SELECT v.*, v.cell_lat + n.dlat AS near_lat, v.cell_lon + n.dlon AS near_lon
                    FROM (VALUES {values}) AS v(locode, port_lat, port_lon, cell_lat, cell_lon)
                    CROSS JOIN (VALUES {neighbours}) AS n(dlat, dlon)
                ) AS q
                ON CAST(floor(p.lat / {cell}) AS BIGINT) = q.near_lat
                    AND CAST(floor(p.lon / {cell}) AS BIGINT) = q.near_lon
                    AND {distance} <= {thresholds.exit_km * 1000}
            ) AS ranked
            WHERE rank_by_distance = 1
        )
        SELECT p.mmsi, p.ts, {epoch} AS ts_us, p.lat, p.lon, p.sog_knots,
            p.source_file, p.source_line, n.locode, n.port_m
        FROM ais_positions AS p
        LEFT JOIN nearest AS n
            ON {" AND ".join(f"n.{column} = p.{column}" for column in key)}
        WHERE p.mmsi IN (SELECT mmsi FROM nearest)
    """


def _zoned(thresholds: PortCallThresholds, dialect: Dialect, near: str) -> str:
    """``visit`` numbers the runs of positions inside an exit radius; the speed and
    silence to the next position say whether the vessel stopped.

    The next position's ``visit`` is this one's, plus one when the next is outside every
    radius: so the count and the next position come from one window over the positions,
    where ``LEAD(visit)`` would sort them all a second time."""
    window = "OVER (PARTITION BY mmsi ORDER BY ts_us, source_file, source_line)"
    hop = dialect.distance_m("lat", "lon", "next_lat", "next_lon")
    return f"""
        SELECT *,
            CASE WHEN next_us > ts_us AND next_visit = visit
                THEN {hop} / {METRES_PER_NAUTICAL_MILE} * {_US_PER_HOUR} / (next_us - ts_us)
            END AS implied_knots
        FROM (
            SELECT *, CASE WHEN next_us IS NOT NULL
                THEN visit + CASE WHEN next_locode IS NULL THEN 1 ELSE 0 END END AS next_visit
            FROM (
                SELECT *, SUM(CASE WHEN locode IS NULL THEN 1 ELSE 0 END) {window} AS visit,
                    LEAD(ts_us) {window} AS next_us, LEAD(lat) {window} AS next_lat,
                    LEAD(lon) {window} AS next_lon, LEAD(locode) {window} AS next_locode
                FROM {near}
            ) AS linked
        ) AS numbered
        WHERE locode IS NOT NULL
    """


def _calls(thresholds: PortCallThresholds, zoned: str) -> str:
    """Runs that came within the entry radius and stopped or went silent there."""
    entry_m = thresholds.entry_km * 1000
    gap_us = round(thresholds.port_gap_hours * _US_PER_HOUR)
    stopped = f"COALESCE(sog_knots, implied_knots) < {thresholds.stop_speed_knots}"
    silent = f"next_visit = visit AND next_us - ts_us >= {gap_us}"
    return f"""
        SELECT mmsi, ARG_MIN(locode, port_m) AS locode, ROUND(MIN(port_m), 1) AS closest_m,
            MIN(CASE WHEN port_m <= {entry_m} THEN ts END) AS start_ts, MAX(ts) AS end_ts,
            MAX(CASE WHEN next_locode IS NULL AND next_us IS NOT NULL THEN 1 ELSE 0 END)
                AS left_port,
            MAX(CASE WHEN {stopped} THEN 1 ELSE 0 END) AS stopped,
            MAX(CASE WHEN {silent} THEN 1 ELSE 0 END) AS silent,
            ARG_MIN(source_file, CASE WHEN port_m <= {entry_m} THEN ts_us END) AS start_file,
            ARG_MIN(source_line, CASE WHEN port_m <= {entry_m} THEN ts_us END) AS start_line,
            ARG_MAX(source_file, ts_us) AS end_file, ARG_MAX(source_line, ts_us) AS end_line
        FROM {zoned}
        GROUP BY mmsi, visit
        HAVING MIN(port_m) <= {entry_m} AND MAX(CASE WHEN {stopped} OR {silent} THEN 1 ELSE 0
            END) = 1
        ORDER BY mmsi, start_ts
    """


def to_alerts(rows: list[dict[str, Any]], thresholds: PortCallThresholds) -> list[Alert]:
    ports = {p.locode: p for p in reversed(all_ports())}
    return [
        call_alert(row, thresholds, ports[row["locode"]], DETECTOR_ID, CALL_SCORE) for row in rows
    ]


def call_alert(
    row: dict[str, Any],
    thresholds: Thresholds,
    port: Port,
    detector_id: str,
    score: float,
    notes: tuple[str, str] = ("", ""),
) -> Alert:
    """One call as an alert; ``notes`` (French, English) end the reasons."""
    mmsi, hours = row["mmsi"], (row["end_ts"] - row["start_ts"]).total_seconds() / 3600
    named = f"{port.name} ({port.locode}, {port.country.replace('_', ' ')})"
    how_fr = "arrêt" if row["stopped"] else "silence AIS"
    how_en = "stop" if row["stopped"] else "AIS silence"
    left_fr = "" if row["left_port"] else " ; toujours dans le port à la dernière position"
    left_en = "" if row["left_port"] else "; still in port at the last position"
    return Alert(
        detector_id=detector_id,
        detector_version=VERSION,
        subjects=(Subject("mmsi", mmsi), Subject("locode", port.locode)),
        start=row["start_ts"],
        end=row["end_ts"],
        score=score,
        reason_fr=(
            f"Escale de MMSI {mmsi} à {named} pendant {comma(hours)} h ({how_fr} dans le port, "
            f"au plus près {comma(row['closest_m'] / 1000)} km){left_fr}.{notes[0]}"
        ),
        reason_en=(
            f"Port call of MMSI {mmsi} at {named} for {hours:.1f} h ({how_en} in port, "
            f"closest {row['closest_m'] / 1000:.1f} km){left_en}.{notes[1]}"
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
        title_fr="Escale",
        title_en="Port call",
        inputs=("ais_positions",),
        thresholds=PortCallThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
