"""Track segments: one MMSI's positions split into the tracks of separate transmitters.

Several transmitters can share an MMSI (a copied or default identity, or spoofing),
and one transmitter's track breaks at long silences. Following Global Fishing Watch's
segmenter (``gpsdio-segment``, used by ``pipe-segment``), each MMSI keeps a set of open
segments; each position, in time order, joins the open segment it can reach at a
plausible speed and that scores best, or opens a new one. A segment closes when it has
been silent longer than ``max_gap_hours``.

The speed a vessel may need to reach a point grows without bound as the distance
shrinks: GPS noise and clock jitter make short hops look fast, while a long jump at
high speed is a different transmitter. The cut-off used here is
``max_speed × (1 + max_speed_multiplier / distance_nm ^ max_speed_exponent)``, where
``max_speed`` is ``max_speed_knots`` or 1.1 × the speed the vessel itself reports,
whichever is higher, so a fast boat is not split from itself. Among reachable segments
the one with the lowest ``hours since its last point / max(1, its duration in hours)``
wins: the most recent, longest track. The parameter names and defaults are
``pipe-segment``'s; the cut-off's form is this module's reading of the segmenter's
documented behaviour ("a cutoff max speed dependent on the distance, which grows to
infinity at zero distance").

This is a sequential algorithm: where a position goes depends on every earlier
assignment of its MMSI (the open segments' last points), so no window function or
self-join expresses it. It is plain Python over positions sorted by MMSI and time, a
single pass with a handful of open segments per MMSI; MMSIs with nothing to separate
skip it through a vectorized check (see ``segment_table``).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from filet.alerts.thresholds import Thresholds, threshold

EARTH_RADIUS_NM = 6371.0088 / 1.852  # IUGG mean radius (km) over the international nautical mile
_SOURCE = "GFW pipe-segment @b72a869 cli/commands/segment.py (gpsdio-segment)"


@dataclass(frozen=True)
class SegmentThresholds(Thresholds):
    max_gap_hours: float = threshold(
        24.0,
        unit="h",
        source=_SOURCE,
        help=(
            "Silence après lequel un segment se ferme : en 24 h un navire peut être "
            "n'importe où. / Silence after which a segment closes: in 24 h a vessel "
            "could be anywhere."
        ),
    )
    max_speed_knots: float = threshold(
        30.0,
        unit="kn",
        source=_SOURCE,
        help=(
            "Vitesse plausible la plus haute entre deux points éloignés d'un même "
            "émetteur. / Fastest plausible speed between two far-apart points of one "
            "transmitter."
        ),
    )
    reported_speed_multiplier: float = threshold(
        1.1,
        unit="ratio",
        source=_SOURCE,
        help=(
            "Un navire qui annonce une vitesse plus haute peut aller jusqu'à ce "
            "multiple de sa vitesse annoncée. / A vessel reporting a higher speed may go "
            "up to this multiple of it."
        ),
    )
    max_speed_multiplier: float = threshold(
        15.0,
        unit="ratio",
        source=_SOURCE,
        help=(
            "Marge de vitesse des sauts courts (bruit GPS, horloges). / How much faster "
            "than max_speed_knots a short hop may look (GPS noise, clock jitter)."
        ),
    )
    max_speed_exponent: float = threshold(
        1.3,
        unit="exponent",
        source=_SOURCE,
        help=(
            "Décroissance de cette marge avec la distance en milles. / How fast that "
            "allowance fades with the distance in nautical miles."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        for spec in dataclasses.fields(self):
            if getattr(self, spec.name) <= 0:
                raise ValueError(f"{spec.name} must be positive, not {getattr(self, spec.name)}")


@dataclass
class _Open:
    """An open segment: its id, when it started and its last point."""

    id: str
    started: datetime
    ts: datetime
    lat: float
    lon: float
    sog: float | None

    def extend(self, point: _Open) -> None:
        self.ts, self.lat, self.lon, self.sog = point.ts, point.lat, point.lon, point.sog


def distance_nm(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in nautical miles."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_NM * math.asin(min(1.0, math.sqrt(a)))


def reachable(
    hours: float, distance: float, reported_knots: float, limits: SegmentThresholds
) -> bool:
    """Whether one transmitter can cover ``distance`` nm in ``hours``."""
    if distance == 0.0:
        return True
    if hours <= 0.0:
        return False
    base = max(limits.max_speed_knots, reported_knots * limits.reported_speed_multiplier)
    allowed = base * (1 + limits.max_speed_multiplier / distance**limits.max_speed_exponent)
    return distance / hours <= allowed


def segment_table(positions: pa.Table, limits: SegmentThresholds | None = None) -> pa.Table:
    """``positions`` (an ``ais_positions`` table) with a ``segment_id`` column, same order.

    Segment ids are ``<mmsi>-<n>``, numbered in order of their first position within
    each MMSI, so they do not change between runs on the same data. Most MMSIs are one
    transmitter with no long silence: a vectorized pass finds them (every consecutive
    pair clearly reachable, no gap over ``max_gap_hours``) and gives them ``<mmsi>-1``,
    which is what the sequential pass would give; only the others go through it.
    """
    limits = limits or SegmentThresholds()
    order = pc.sort_indices(positions, [("mmsi", "ascending"), ("ts", "ascending")])
    ordered = positions.take(order)
    mmsi = ordered.column("mmsi").combine_chunks()
    ids = pc.binary_join_element_wise(mmsi, "1", "-")
    troubled = pc.is_in(mmsi, value_set=_troubled_mmsis(ordered, limits))
    if pc.any(troubled).as_py():
        sequential = pa.array(_sequential(ordered.filter(troubled), limits), pa.string())
        ids = pc.replace_with_mask(ids, troubled, sequential)
    return positions.append_column("segment_id", ids.take(pc.sort_indices(order)))


def _troubled_mmsis(ordered: pa.Table, limits: SegmentThresholds) -> pa.Array:
    """MMSIs with a consecutive pair that is a long gap, or not clearly reachable.

    "Clearly": within the cut-off with a relative margin, so that rounding differences
    between this vectorized arithmetic and ``reachable`` can only send an MMSI to the
    sequential pass, never keep one from it.
    """
    if ordered.num_rows < 2:
        return pa.array([], pa.string())
    column = {name: ordered.column(name).combine_chunks() for name in ordered.column_names}
    first, then = (
        {name: values.slice(offset, ordered.num_rows - 1) for name, values in column.items()}
        for offset in (0, 1)
    )
    micros = pc.subtract(then["ts"].cast(pa.int64()), first["ts"].cast(pa.int64()))
    hours = pc.divide(micros.cast(pa.float64()), 3_600_000_000.0)
    distance = _distance_nm(first["lat"], first["lon"], then["lat"], then["lon"])
    reported = pc.max_element_wise(
        pc.fill_null(first["sog_knots"], 0.0), pc.fill_null(then["sog_knots"], 0.0)
    )
    base = pc.max_element_wise(
        pc.multiply(reported, limits.reported_speed_multiplier), limits.max_speed_knots
    )
    slack = pc.divide(limits.max_speed_multiplier, pc.power(distance, limits.max_speed_exponent))
    allowed = pc.multiply(pc.multiply(base, pc.add(slack, 1.0)), 1 - 1e-6)
    within = pc.less_equal(distance, pc.multiply(allowed, hours))
    speed_ok = pc.or_(pc.equal(distance, 0.0), pc.and_(pc.greater(hours, 0.0), within))
    fine = pc.and_(speed_ok, pc.less_equal(hours, limits.max_gap_hours))
    bad = pc.and_(pc.equal(first["mmsi"], then["mmsi"]), pc.invert(fine))
    return pc.unique(pc.filter(then["mmsi"], bad))


def _distance_nm(lat1: pa.Array, lon1: pa.Array, lat2: pa.Array, lon2: pa.Array) -> pa.Array:
    """``distance_nm`` over arrays."""
    radians = math.pi / 180
    phi1, phi2 = pc.multiply(lat1, radians), pc.multiply(lat2, radians)
    half_dphi = pc.multiply(pc.subtract(phi2, phi1), 0.5)
    half_dlambda = pc.multiply(pc.subtract(lon2, lon1), radians / 2)
    a = pc.add(
        pc.power(pc.sin(half_dphi), 2),
        pc.multiply(pc.multiply(pc.cos(phi1), pc.cos(phi2)), pc.power(pc.sin(half_dlambda), 2)),
    )
    root = pc.min_element_wise(pc.sqrt(a), 1.0)
    return pc.multiply(pc.asin(root), 2 * EARTH_RADIUS_NM)


def _sequential(ordered: pa.Table, limits: SegmentThresholds) -> list[str]:
    """Segment ids of positions sorted by MMSI and time, one position after the other."""
    columns = {
        name: ordered.column(name).to_pylist() for name in ("mmsi", "ts", "lat", "lon", "sog_knots")
    }
    ids: list[str] = []
    open_segments: list[_Open] = []
    opened = 0
    for index, mmsi in enumerate(columns["mmsi"]):
        if index == 0 or mmsi != columns["mmsi"][index - 1]:
            open_segments, opened = [], 0
        point = _Open(
            "",
            columns["ts"][index],
            columns["ts"][index],
            columns["lat"][index],
            columns["lon"][index],
            columns["sog_knots"][index],
        )
        open_segments = [
            segment
            for segment in open_segments
            if _hours(segment.ts, point.ts) <= limits.max_gap_hours
        ]
        chosen = _best(open_segments, point, limits)
        if chosen is None:
            opened += 1
            point.id = f"{mmsi}-{opened}"
            open_segments.append(point)
            chosen = point
        else:
            chosen.extend(point)
        ids.append(chosen.id)
    return ids


def _best(open_segments: list[_Open], point: _Open, limits: SegmentThresholds) -> _Open | None:
    """The reachable open segment with the lowest score, or None."""
    best: tuple[float, _Open] | None = None
    for segment in open_segments:
        hours = _hours(segment.ts, point.ts)
        distance = distance_nm(segment.lat, segment.lon, point.lat, point.lon)
        reported = max(segment.sog or 0.0, point.sog or 0.0)
        if not reachable(hours, distance, reported, limits):
            continue
        score = hours / max(1.0, _hours(segment.started, segment.ts))
        if best is None or score < best[0]:
            best = (score, segment)
    return best[1] if best else None


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600
