"""Loitering: a vessel idling far from shore for hours.

Carriers that take catch or cargo from other vessels at sea wait for them, slow, away
from any port; Global Fishing Watch flags a carrier that stays under 2 knots for 4 hours
or more at least 20 nautical miles from shore. Speed here is the implied speed between
the first positions of consecutive hours, as in GFW's ``pipe-loitering`` (an hour is
"slow" if its implied mean speed is under the threshold), so GPS jitter between
reports seconds apart does not look like motion.

Near shore, slow vessels are mostly at anchor or waiting for a berth: the distance to
the nearest land (GLOBE 1 km land mask, see ``filet.maritime.coast``) is measured at the
event's mean position. Set ``min_distance_from_shore_nm`` to 0 to keep every slow
period, which makes this an anchoring detector.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.alerts.wording import comma
from filet.engine import Dialect, Step
from filet.maritime.coast import METRES_PER_NAUTICAL_MILE, nearest_land_nm

DETECTOR_ID = "maritime.loitering"
VERSION = "1"
_MICROSECONDS_PER_HOUR = 3_600_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_GFW_LOITERING = "Global Fishing Watch, GFW_technical_documentation @1141232 files/loitering.md"


@dataclass(frozen=True)
class LoiteringThresholds(Thresholds):
    max_speed_knots: float = threshold(
        2.0,
        unit="kn",
        source=f"{_GFW_LOITERING}; pipe-loitering @6d2c5e8, --slow-threshold default 2",
        help=(
            "Vitesse moyenne implicite sous laquelle une heure compte comme lente. / "
            "Implied mean speed under which an hour counts as slow."
        ),
    )
    min_duration_hours: float = threshold(
        4.0,
        unit="h",
        source=(
            f"{_GFW_LOITERING} (carrier loitering: 4 h or more); Miller et al. 2018, "
            "Front. Mar. Sci. 5:240, used 8 h"
        ),
        help=(
            "Durée minimale d'une suite d'heures lentes. / "
            "Shortest run of slow hours that makes an event."
        ),
    )
    min_distance_from_shore_nm: float = threshold(
        20.0,
        unit="nm",
        source=f"{_GFW_LOITERING} (avg_distance_from_shore_nm >= 20)",
        help=(
            "Distance minimale à la terre la plus proche (masque GLOBE 1 km) ; 0 garde "
            "aussi les mouillages près des côtes. / Shortest distance to the nearest land "
            "(GLOBE 1 km mask); 0 also keeps anchoring near the coast."
        ),
    )
    max_silence_hours: float = threshold(
        6.0,
        unit="h",
        source="GFW files/gaps.md: a silence of 6 h or more is an AIS gap event of its own",
        help=(
            "Un silence plus long coupe l'événement : on ne sait pas ce que le navire "
            "a fait. / A longer silence ends the event: what the vessel did is unknown."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("max_speed_knots", "min_duration_hours", "max_silence_hours"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, not {getattr(self, name)}")
        if self.min_distance_from_shore_nm < 0:
            raise ValueError("min_distance_from_shore_nm must be 0 or more")


def steps(thresholds: LoiteringThresholds, dialect: Dialect) -> list[Step]:
    """First position of each hour, implied speed to the next, runs of slow hours.

    A run is cut by a fast hour or by a silence over ``max_silence_hours``; the run id is
    the count of cuts so far (gaps and islands). Speeds are compared as distance against
    ``max_speed_knots`` times the elapsed time, in exact integer microseconds.
    """
    epoch = dialect.epoch_microseconds("ts")
    hourly = f"""
        SELECT mmsi, ts, lat, lon, source_file, source_line, {epoch} AS ts_us
        FROM (
            SELECT *, ROW_NUMBER() OVER (
                PARTITION BY mmsi, CAST(floor({epoch} / {_MICROSECONDS_PER_HOUR}) AS BIGINT)
                ORDER BY ts, source_file, source_line) AS rank_in_hour
            FROM ais_positions
        ) AS ranked
        WHERE rank_in_hour = 1
    """
    window = "OVER (PARTITION BY mmsi ORDER BY ts_us)"
    pairs = f"""
        SELECT *, LEAD(ts_us) {window} AS next_us, LEAD(lat) {window} AS next_lat,
            LEAD(lon) {window} AS next_lon, LEAD(source_file) {window} AS next_file,
            LEAD(source_line) {window} AS next_line
        FROM loitering_hourly
    """
    distance = dialect.distance_m("lat", "lon", "next_lat", "next_lon")
    max_metres_per_us = thresholds.max_speed_knots * METRES_PER_NAUTICAL_MILE
    silence_us = round(thresholds.max_silence_hours * _MICROSECONDS_PER_HOUR)
    slow = f"""
        SELECT *, SUM(CASE WHEN is_slow THEN 0 ELSE 1 END) OVER (
            PARTITION BY mmsi ORDER BY ts_us ROWS UNBOUNDED PRECEDING) AS run_id
        FROM (
            SELECT *, (next_us IS NOT NULL AND next_us - ts_us <= {silence_us}
                AND {distance} * {_MICROSECONDS_PER_HOUR}
                    < {max_metres_per_us} * (next_us - ts_us)) AS is_slow
            FROM loitering_pairs
        ) AS flagged
    """
    min_us = round(thresholds.min_duration_hours * _MICROSECONDS_PER_HOUR)
    runs = f"""
        SELECT mmsi, MIN(ts_us) AS start_us, MAX(next_us) AS end_us, COUNT(*) AS hours,
            ROUND(AVG(lat), 5) AS lat, ROUND(AVG(lon), 5) AS lon,
            ARG_MIN(source_file, ts_us) AS start_file, ARG_MIN(source_line, ts_us) AS start_line,
            ARG_MAX(next_file, ts_us) AS end_file, ARG_MAX(next_line, ts_us) AS end_line
        FROM loitering_slow
        WHERE is_slow
        GROUP BY mmsi, run_id
        HAVING MAX(next_us) - MIN(ts_us) >= {min_us}
        ORDER BY mmsi, start_us
    """
    return [
        Step(hourly, "loitering_hourly"),
        Step(pairs, "loitering_pairs"),
        Step(slow, "loitering_slow"),
        Step(runs, "loitering_runs"),
    ]


def score(hours: float, min_duration_hours: float) -> float:
    """``1 - 2 ** (-hours / min_duration_hours)``: 0.5 at the threshold, towards 1 beyond."""
    return round(1 - 2 ** (-hours / min_duration_hours), 3)


def to_alerts(rows: list[dict[str, Any]], thresholds: LoiteringThresholds) -> list[Alert]:
    """Alerts for the runs far enough from shore (every run when the distance is 0)."""
    shore_nm = thresholds.min_distance_from_shore_nm
    return [
        _alert(row, thresholds)
        for row in rows
        if shore_nm == 0 or nearest_land_nm(row["lat"], row["lon"], shore_nm) is None
    ]


def _alert(row: dict[str, Any], thresholds: LoiteringThresholds) -> Alert:
    start = _EPOCH + timedelta(microseconds=row["start_us"])
    end = _EPOCH + timedelta(microseconds=row["end_us"])
    hours = (end - start).total_seconds() / 3600
    mmsi, lat, lon = row["mmsi"], row["lat"], row["lon"]
    shore = thresholds.min_distance_from_shore_nm
    where_fr = f"à plus de {comma(shore)} milles de toute terre" if shore else "distance non testée"
    where_en = f"more than {shore:.1f} nm from any land" if shore else "distance not tested"
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("mmsi", mmsi),),
        start=start,
        end=end,
        score=score(hours, thresholds.min_duration_hours),
        reason_fr=(
            f"MMSI {mmsi} sous {comma(thresholds.max_speed_knots)} nœuds pendant {comma(hours)} h "
            f"autour de {lat:.3f}, {lon:.3f} ({where_fr})."
        ),
        reason_en=(
            f"MMSI {mmsi} under {thresholds.max_speed_knots:.1f} knots for {hours:.1f} h "
            f"around {lat:.3f}, {lon:.3f} ({where_en})."
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
        title_fr="Navire en attente au large",
        title_en="Loitering",
        inputs=("ais_positions",),
        thresholds=LoiteringThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
