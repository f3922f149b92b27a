"""Positions on land: an AIS track no ship could sail, a sign of spoofing.

A transmitter that reports positions well inland is not where it says: its GPS is
spoofed or jammed, or the track is fabricated (a vessel hiding a call at a port by
broadcasting positions elsewhere, or an identity used by a shore station). The land
comes from the GLOBE 1 km mask of ``global-land-mask`` (see ``filet.maritime.coast``).

The mask's cells are about 0.93 km wide, so docks, canals and rivers narrower than a
cell read as land: a position counts only when every cell within ``inland_margin_m``
of it is land too, and never within ``port_radius_km`` of a UN/LOCODE port, where berths
sit in basins the mask does not resolve. Inland waterways the mask misses (the Seine
upstream of its estuary, say) can still raise an alert; the reason says so, and the
vessel's track shows it at a glance. One bad fix is noise, so an MMSI needs
``min_positions`` such positions.

The SQL only hands the positions over; the mask is a Python lookup (numpy, vectorized),
so DuckDB and Spark give the same alerts from the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Step
from filet.engine.dialects import EARTH_RADIUS_M
from filet.maritime.coast import is_land, near_any_port

DETECTOR_ID = "maritime.position_on_land"
VERSION = "1"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SAMPLE_M = 463.0  # half a GLOBE cell (30 arc-seconds of latitude, 926 m)
_MASK = "global-land-mask 1.0.0 (GLOBE 1 km, NOAA NGDC), cells of 30 arc-seconds (926 m)"
_EVIDENCE_ROWS = 5


@dataclass(frozen=True)
class OnLandThresholds(Thresholds):
    inland_margin_m: float = threshold(
        2_000.0,
        unit="m",
        source=(
            f"{_MASK}: two cells, so that a waterway one cell wide and the position's own "
            "error (IMO A.915: 10 m) cannot make land of water"
        ),
        help="Toute cellule à moins de cette distance doit être terre. / "
        "Every cell within this distance must be land.",
    )
    port_radius_km: float = threshold(
        5.0,
        unit="km",
        source=(
            "Filet: port basins and berths are narrower than the mask's cells; 5 km "
            "holds the port call detector's 3 km entry radius (GFW anchorages) with room"
        ),
        help="Positions ignorées autour des ports UN/LOCODE. / "
        "Positions ignored around UN/LOCODE ports.",
    )
    min_positions: int = threshold(
        3,
        unit="positions",
        source="Filet: one bad fix is noise, as for impossible jumps (maritime.spoofing)",
        help="Nombre minimal de positions à terre pour un MMSI. / "
        "Fewest positions on land for one MMSI.",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.inland_margin_m < 0 or self.port_radius_km < 0 or self.min_positions < 1:
            raise ValueError("margins must be non-negative and min_positions at least 1")


def steps(thresholds: OnLandThresholds, dialect: Dialect) -> list[Step]:
    """Every position with a valid fix; the mask is applied in ``table_to_alerts``."""
    query = f"""
        SELECT mmsi, lat, lon, {dialect.epoch_microseconds("ts")} AS ts_us,
            source_file, source_line
        FROM ais_positions
        WHERE lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180
    """
    return [Step(query, "on_land_positions")]


def inland(lats: np.ndarray, lons: np.ndarray, margin_m: float) -> np.ndarray:
    """Whether each point is land, and so is every point of a lattice around it within
    ``margin_m`` (a square, half a mask cell apart, so that no cell it crosses is
    skipped); the lattice only grows with the margin, so a wider one never adds land."""
    found = is_land(lats, lons)
    reach = int(margin_m // _SAMPLE_M)
    offsets = [k * _SAMPLE_M for k in range(-reach, reach + 1)]
    for north in offsets:
        for east in offsets:
            if not found.any():
                return found
            if north == 0 and east == 0:
                continue
            at = np.flatnonzero(found)
            lat = np.clip(lats[at] + np.degrees(north / EARTH_RADIUS_M), -90.0, 90.0)
            scale = EARTH_RADIUS_M * np.maximum(np.cos(np.radians(lats[at])), 1e-6)
            lon = (lons[at] + np.degrees(east / scale) + 180.0) % 360.0 - 180.0
            found[at] &= is_land(lat, lon)
    return found


def table_to_alerts(rows: pa.Table, thresholds: OnLandThresholds) -> list[Alert]:
    lats = rows.column("lat").to_numpy(zero_copy_only=False).astype(float)
    lons = rows.column("lon").to_numpy(zero_copy_only=False).astype(float)
    on_land = inland(lats, lons, thresholds.inland_margin_m)
    candidates = np.flatnonzero(on_land)
    if thresholds.port_radius_km > 0 and len(candidates):
        radius_m = thresholds.port_radius_km * 1000
        harbour = near_any_port(lats[candidates], lons[candidates], radius_m)
        candidates = candidates[~harbour]
    found = rows.take(pa.array(candidates, type=pa.int64()))
    found = found.sort_by([("mmsi", "ascending"), ("ts_us", "ascending"),
                           ("source_file", "ascending"), ("source_line", "ascending")])  # fmt: skip
    by_mmsi: dict[str, list[dict[str, Any]]] = {}
    for row in found.to_pylist():
        by_mmsi.setdefault(row["mmsi"], []).append(row)
    totals = _positions_per_mmsi(rows, set(by_mmsi))
    return [
        _alert(mmsi, positions, totals[mmsi], thresholds)
        for mmsi, positions in by_mmsi.items()
        if len(positions) >= thresholds.min_positions
    ]


def to_alerts(rows: list[dict[str, Any]], thresholds: OnLandThresholds) -> list[Alert]:
    """The same from dictionaries (rows of ``steps``), for callers without Arrow."""
    schema = pa.schema([("mmsi", pa.string()), ("lat", pa.float64()), ("lon", pa.float64()),
                        ("ts_us", pa.int64()), ("source_file", pa.string()),
                        ("source_line", pa.int64())])  # fmt: skip
    return table_to_alerts(pa.Table.from_pylist(rows, schema=schema), thresholds)


def _positions_per_mmsi(rows: pa.Table, mmsis: set[str]) -> dict[str, int]:
    if not mmsis:
        return {}
    counted = rows.filter(pc.is_in(rows["mmsi"], pa.array(sorted(mmsis))))
    grouped = counted.group_by("mmsi").aggregate([("mmsi", "count")])
    return dict(zip(grouped["mmsi"].to_pylist(), grouped["mmsi_count"].to_pylist(), strict=True))


def score(positions: int, min_positions: int) -> float:
    """0.5 at the threshold, nearing 1 as positions on land add up."""
    return round(1 - 2 ** (-positions / min_positions), 3)


def _alert(
    mmsi: str, positions: list[dict[str, Any]], total: int, thresholds: OnLandThresholds
) -> Alert:
    first, last = positions[0], positions[-1]
    where = f"{first['lat']:.3f}, {first['lon']:.3f}"
    margin_km = thresholds.inland_margin_m / 1000
    count = len(positions)
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("mmsi", mmsi),),
        start=_EPOCH + timedelta(microseconds=first["ts_us"]),
        end=_EPOCH + timedelta(microseconds=last["ts_us"]),
        score=score(count, thresholds.min_positions),
        reason_fr=(
            f"Positions à terre : {count} des {total} positions du MMSI {mmsi} sont à plus "
            f"de {margin_km:g} km de toute eau (la première en {where}), loin de tout port : "
            "position usurpée ou brouillée, ou voie navigable intérieure absente du masque."
        ),
        reason_en=(
            f"Positions on land: {count} of MMSI {mmsi}'s {total} positions lie more than "
            f"{margin_km:g} km from any water (the first at {where}), away from any port: "
            "spoofed or jammed position, or an inland waterway the mask lacks."
        ),
        evidence=tuple(
            Evidence(
                "ais_positions",
                {"source_file": row["source_file"], "source_line": row["source_line"]},
            )
            for row in positions[:_EVIDENCE_ROWS]
        ),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="maritime",
        title_fr="Positions à terre",
        title_en="Positions on land",
        inputs=("ais_positions",),
        thresholds=OnLandThresholds,
        steps=steps,
        to_alerts=to_alerts,
        table_to_alerts=table_to_alerts,
    )
)
