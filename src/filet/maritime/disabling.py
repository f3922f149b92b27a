"""Likely intentional AIS disabling: a long silence, far out at sea, where reception is good.

A gap alone says little: satellites pass, coastal receivers saturate. Welch et al. 2022
(*Sci. Adv.* 8:eabq2109) kept as likely intentional only the gaps that reception cannot
explain: 12 h or more, starting more than 50 nm from shore, by a vessel heard at least
14 times in the 12 h before, in an area where satellites receive more than 10 positions
a day. Their code (``GlobalFishingWatch/AIS-disabling-high-seas``, ``config.py``) gives
those values.

Two approximations, both configurable: positions are counted whatever received them
(Welch counts satellite positions only; Filet's inputs do not say which); and area
reception is measured in the data itself (Welch models it from the whole global feed),
in the 1° cell where the gap starts, as 24 times the positions per vessel-hour (each
hour a vessel was heard there counts once). With
``min_area_positions_per_day`` at 0 the area condition is left out. Distance from shore
is measured on the GLOBE land mask (``filet.maritime.coast``), only for the gaps that
pass the other conditions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.alerts.wording import comma
from filet.engine import Dialect, Step
from filet.maritime.coast import METRES_PER_NAUTICAL_MILE, nearest_land_nm

DETECTOR_ID = "maritime.ais_disabling"
VERSION = "1"
_US_PER_HOUR = 3_600_000_000
_WELCH = "Welch et al. 2022, Sci. Adv. 8:eabq2109; AIS-disabling-high-seas ais_disabling/config.py"


@dataclass(frozen=True)
class DisablingThresholds(Thresholds):
    min_gap_hours: float = threshold(
        12.0,
        unit="h",
        source=f"{_WELCH} (gaps of 12 h or more)",
        help="Silence minimal. / Shortest silence.",
    )
    min_distance_from_shore_nm: float = threshold(
        50.0,
        unit="nm",
        source=f"{_WELCH} (gap start more than 50 nm from shore, 1852*50 m)",
        help=(
            "Distance minimale à la côte au début du silence ; 0 : partout. / "
            "Shortest distance from shore where the silence starts; 0: anywhere."
        ),
    )
    min_positions_before: int = threshold(
        14,
        unit="positions",
        source=f"{_WELCH} (at least 14 positions in the 12 h before the gap)",
        help=(
            "Positions minimales reçues du navire avant le silence. / "
            "Fewest positions heard from the vessel before the silence."
        ),
    )
    lookback_hours: float = threshold(
        12.0,
        unit="h",
        source=f"{_WELCH} (the 12 h before the gap)",
        help="Fenêtre où l'on compte ces positions. / Window those positions are counted in.",
    )
    min_area_positions_per_day: float = threshold(
        10.0,
        unit="positions/day",
        source=(
            f"{_WELCH} (satellite reception over 10 positions a day); approximated by "
            "24 times the positions per vessel-hour in the gap's 1° cell"
        ),
        help=(
            "Réception minimale de la zone (positions par navire et par jour dans la "
            "maille de 1°) ; 0 : sans condition. / Lowest area reception (positions per "
            "vessel-day in the 1° cell); 0: no condition."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("min_gap_hours", "lookback_hours"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, not {getattr(self, name)}")
        for name in ("min_distance_from_shore_nm", "min_positions_before"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, not {getattr(self, name)}")
        if self.min_area_positions_per_day < 0:
            raise ValueError("min_area_positions_per_day must not be negative")


def steps(thresholds: DisablingThresholds, dialect: Dialect) -> list[Step]:
    return [
        Step(_pairs(thresholds, dialect), "ais_disabling_pairs"),
        Step(_reception(dialect), "ais_disabling_reception"),
        Step(_gaps(thresholds, dialect), "ais_disabling_gaps"),
    ]


def _pairs(thresholds: DisablingThresholds, dialect: Dialect) -> str:
    """Each position, the next one of its MMSI, and how many came in the lookback."""
    window = "OVER (PARTITION BY mmsi ORDER BY ts_us, source_file, source_line)"
    lookback_us = round(thresholds.lookback_hours * _US_PER_HOUR)
    return f"""
        SELECT mmsi, ts AS start_ts, lat AS start_lat, lon AS start_lon, ts_us,
            source_file AS start_file, source_line AS start_line,
            LEAD(ts) {window} AS end_ts, LEAD(ts_us) {window} AS end_us,
            LEAD(lat) {window} AS end_lat, LEAD(lon) {window} AS end_lon,
            LEAD(source_file) {window} AS end_file, LEAD(source_line) {window} AS end_line,
            COUNT(*) OVER (PARTITION BY mmsi ORDER BY ts_us
                RANGE BETWEEN {lookback_us} PRECEDING AND CURRENT ROW) AS positions_before
        FROM (SELECT *, {dialect.epoch_microseconds("ts")} AS ts_us FROM ais_positions) AS p
    """


def _reception(dialect: Dialect) -> str:
    """Positions a day in each 1° cell, per vessel present: 24 times the positions per
    vessel-hour, so that a ship that just entered the cell counts at its real rate."""
    hour = f"CAST(floor({dialect.epoch_microseconds('ts')} / {_US_PER_HOUR}) AS BIGINT)"
    return f"""
        SELECT cell_lat, cell_lon, 24.0 * SUM(n) / COUNT(*) AS per_vessel_day
        FROM (
            SELECT CAST(floor(lat) AS BIGINT) AS cell_lat, CAST(floor(lon) AS BIGINT) AS cell_lon,
                mmsi, {hour} AS hour, COUNT(*) AS n
            FROM ais_positions
            GROUP BY 1, 2, 3, 4
        ) AS vessel_days
        GROUP BY cell_lat, cell_lon
    """


def _gaps(thresholds: DisablingThresholds, dialect: Dialect) -> str:
    min_gap_us = round(thresholds.min_gap_hours * _US_PER_HOUR)
    distance = dialect.distance_m("g.start_lat", "g.start_lon", "g.end_lat", "g.end_lon")
    return f"""
        SELECT g.mmsi, g.start_ts, g.end_ts, g.start_lat, g.start_lon, g.positions_before,
            g.start_file, g.start_line, g.end_file, g.end_line, {distance} AS distance_m,
            COALESCE(r.per_vessel_day, 0) AS per_vessel_day
        FROM ais_disabling_pairs AS g
        LEFT JOIN ais_disabling_reception AS r
            ON r.cell_lat = CAST(floor(g.start_lat) AS BIGINT)
                AND r.cell_lon = CAST(floor(g.start_lon) AS BIGINT)
        WHERE g.end_us - g.ts_us >= {min_gap_us}
            AND g.positions_before >= {thresholds.min_positions_before}
            AND ({thresholds.min_area_positions_per_day} = 0
                OR COALESCE(r.per_vessel_day, 0) > {thresholds.min_area_positions_per_day})
        ORDER BY g.mmsi, g.start_ts
    """


def score(gap_hours: float, min_gap_hours: float) -> float:
    """``1 - 2 ** (-gap_hours / min_gap_hours)``: 0.5 at the threshold, towards 1 beyond."""
    return round(1 - 2 ** (-gap_hours / min_gap_hours), 3)


def to_alerts(rows: list[dict[str, Any]], thresholds: DisablingThresholds) -> list[Alert]:
    """Alerts for the gaps that start far enough from shore."""
    radius = thresholds.min_distance_from_shore_nm
    return [
        _alert(row, thresholds)
        for row in rows
        if radius == 0 or nearest_land_nm(row["start_lat"], row["start_lon"], radius) is None
    ]


def _alert(row: dict[str, Any], thresholds: DisablingThresholds) -> Alert:
    hours = (row["end_ts"] - row["start_ts"]).total_seconds() / 3600
    km = row["distance_m"] / 1000
    knots = row["distance_m"] / METRES_PER_NAUTICAL_MILE / hours
    mmsi, heard, area = row["mmsi"], row["positions_before"], row["per_vessel_day"]
    where = f"{row['start_lat']:.3f}, {row['start_lon']:.3f}"
    shore = thresholds.min_distance_from_shore_nm
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("mmsi", mmsi),),
        start=row["start_ts"],
        end=row["end_ts"],
        score=score(hours, thresholds.min_gap_hours),
        reason_fr=(
            f"Extinction AIS probablement volontaire : MMSI {mmsi} silencieux {comma(hours)} h "
            f"à partir de {where}, à plus de {shore:g} milles marins de la côte, après "
            f"{heard} positions reçues en {thresholds.lookback_hours:g} h, dans une zone "
            f"bien couverte ({comma(area)} positions par navire et par jour) ; "
            f"{comma(km)} km parcourus (vitesse implicite {comma(knots)} nœuds)."
        ),
        reason_en=(
            f"Likely intentional AIS disabling: MMSI {mmsi} silent for {hours:.1f} h from "
            f"{where}, more than {shore:g} nm from shore, after {heard} positions heard in "
            f"{thresholds.lookback_hours:g} h, in a well-covered area ({area:.1f} positions "
            f"per vessel-day); {km:.1f} km covered (implied speed {knots:.1f} knots)."
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
        title_fr="Extinction AIS probablement volontaire",
        title_en="Likely intentional AIS disabling",
        inputs=("ais_positions",),
        thresholds=DisablingThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
