"""The maritime benchmark's baseline: movingpandas on the same positions.

movingpandas keeps one ``Trajectory`` (a GeoDataFrame indexed by time) per vessel in a
``TrajectoryCollection``; building it is a cost of its own, timed apart. Its operations
that Filet's detectors also do:

- ``ObservationGapSplitter(collection).split(gap=...)`` cuts a trajectory where two
  consecutive observations are more than ``gap`` apart: the cuts are Filet's AIS gaps
  (``maritime.ais_gap``, silences of 6 h or more; a silence of exactly 6 h is a gap for
  Filet and not a cut for movingpandas, and none is planted).
- ``TrajectoryStopDetector(collection).get_stop_time_ranges(max_diameter, min_duration)``
  finds where a vessel stays within ``max_diameter`` for ``min_duration``: Filet's
  loitering (``maritime.loitering``) without its distance from shore. It is what
  ``get_stop_segments`` computes before cutting the segments out; loitering events
  are time ranges too.

Positions are in WGS 84 (EPSG:4326), as AIS reports them, so movingpandas measures
geodesic metres, as Filet measures great-circle metres; times are naive UTC, since
movingpandas drops time zones.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta
from itertools import pairwise

import pandas as pd
import pyarrow as pa

# Imported for its side effect: movingpandas warns once about its optional smoother.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import movingpandas as mpd

Interval = tuple[str, datetime, datetime]


def collection(positions: pa.Table) -> mpd.TrajectoryCollection:
    """One trajectory per MMSI from the ``ais_positions`` rows."""
    frame = positions.select(["mmsi", "ts", "lat", "lon"]).to_pandas()
    frame["ts"] = frame["ts"].dt.tz_convert("UTC").dt.tz_localize(None)
    return mpd.TrajectoryCollection(frame, "mmsi", t="ts", x="lon", y="lat", crs="EPSG:4326")


def split_on_gaps(trajectories: mpd.TrajectoryCollection, gap: timedelta) -> list[Interval]:
    """The silences the splitter cut at: last time of a piece, first time of the next.

    Pieces are named ``<mmsi>_<n>`` in order; a piece of one position is dropped by
    movingpandas, which would hide a cut, so it is refused rather than guessed."""
    pieces = mpd.ObservationGapSplitter(trajectories).split(gap=gap).trajectories
    by_vessel: dict[str, list[tuple[int, datetime, datetime]]] = {}
    for piece in pieces:
        mmsi, number = str(piece.id).rsplit("_", 1)
        span = (int(number), _naive(piece.get_start_time()), _naive(piece.get_end_time()))
        by_vessel.setdefault(mmsi, []).append(span)
    cuts = []
    for mmsi, spans in by_vessel.items():
        spans.sort()
        if [number for number, _, _ in spans] != list(range(len(spans))):
            raise RuntimeError(f"movingpandas dropped a one-position piece of MMSI {mmsi}")
        cuts += [(mmsi, before[2], after[1]) for before, after in pairwise(spans)]
    return sorted(cuts)


def stops(
    trajectories: mpd.TrajectoryCollection, max_diameter_m: float, min_duration: timedelta
) -> list[Interval]:
    """Each stop as (MMSI, first time, last time)."""
    detector = mpd.TrajectoryStopDetector(trajectories)
    ranges = detector.get_stop_time_ranges(max_diameter=max_diameter_m, min_duration=min_duration)
    return sorted((str(found.traj_id), _naive(found.t_0), _naive(found.t_n)) for found in ranges)


def _naive(moment: datetime) -> datetime:
    """A time as movingpandas gives it (a pandas Timestamp or a datetime, naive UTC) as a
    plain datetime, to compare with Filet's."""
    return pd.Timestamp(moment).to_pydatetime()
