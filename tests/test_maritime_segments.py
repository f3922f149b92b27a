"""Track segments: transmitters sharing an MMSI separated, on hand-built and GFW tracks."""

from __future__ import annotations

import itertools
import json
import math
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from filet.maritime.segments import SegmentThresholds, _sequential, distance_nm, segment_table

T0 = datetime(2024, 3, 1, tzinfo=UTC)
MMSI = "227006760"


def sailing(
    lat: float, lon: float, knots: float, course: float, minutes: list[float]
) -> list[dict[str, Any]]:
    """Positions of a vessel holding course and speed, at ``T0 + minutes``."""
    rows = []
    for minute in minutes:
        miles = knots * minute / 60
        rows.append(
            {
                "mmsi": MMSI,
                "ts": T0 + timedelta(minutes=minute),
                "lat": lat + miles * math.cos(math.radians(course)) / 60,
                "lon": lon
                + miles * math.sin(math.radians(course)) / 60 / math.cos(math.radians(lat)),
                "sog_knots": knots,
            }
        )
    return rows


def segments_of(rows: list[dict[str, Any]]) -> list[str]:
    table = segment_table(pa.Table.from_pylist(rows))
    ids: list[str] = table.column("segment_id").to_pylist()
    return ids


def test_two_transmitters_sharing_an_mmsi_become_two_segments() -> None:
    """A ship off Marseille and another off Le Havre, interleaved every 5 minutes."""
    south = sailing(43.2, 5.3, 12.0, 180.0, [10.0 * i for i in range(36)])
    north = sailing(49.5, 0.1, 10.0, 270.0, [10.0 * i + 5 for i in range(36)])
    mixed = sorted(south + north, key=lambda row: row["ts"])
    ids = segments_of(mixed)
    by_ship = {(row["lat"] > 46, segment) for row, segment in zip(mixed, ids, strict=True)}
    assert sorted(by_ship) == [(False, f"{MMSI}-1"), (True, f"{MMSI}-2")]


def test_a_long_silence_closes_the_segment_and_a_fast_boat_stays_whole() -> None:
    limits = SegmentThresholds()
    before = sailing(43.2, 5.3, 8.0, 90.0, [0.0, 30.0, 60.0])
    after = sailing(43.2, 5.3, 8.0, 90.0, [60.0 * (limits.max_gap_hours + 2)])
    go_fast = sailing(42.0, 9.0, 45.0, 0.0, [60.0 * 200 + 20.0 * i for i in range(10)])
    ids = segments_of(before + after + go_fast)
    assert ids == [f"{MMSI}-1"] * 3 + [f"{MMSI}-2"] + [f"{MMSI}-3"] * 10


def test_each_mmsi_is_segmented_apart_and_input_order_is_kept() -> None:
    first = sailing(43.2, 5.3, 8.0, 90.0, [0.0, 30.0])
    second = [row | {"mmsi": "227000001"} for row in first]
    ids = segments_of([second[1], first[1], second[0], first[0]])
    assert ids == ["227000001-1", f"{MMSI}-1", "227000001-1", f"{MMSI}-1"]


def _jumps(rows: list[dict[str, Any]], knots: float) -> int:
    """Consecutive positions whose implied speed is above ``knots`` (time strictly moving)."""
    count = 0
    for a, b in itertools.pairwise(rows):
        hours = (b["ts"] - a["ts"]).total_seconds() / 3600
        if hours > 0 and distance_nm(a["lat"], a["lon"], b["lat"], b["lon"]) / hours > knots:
            count += 1
    return count


def _region(lat: float) -> str:
    """The three areas the sample's positions fall in (README: lat -9.8...26.9)."""
    return "Indian Ocean" if lat < 0 else "Taiwan" if lat > 20 else "Gulf of Guinea"


def gfw_positions(path: Path) -> list[dict[str, Any]]:
    """gpsdio JSON lines as ``ais_positions`` rows in time order, positions only."""
    rows = [
        {
            "mmsi": str(record["ssvid"]),
            "ts": datetime.fromisoformat(record["timestamp"]).replace(tzinfo=UTC),
            "lat": record["lat"],
            "lon": record["lon"],
            "sog_knots": record["speed"],
        }
        for record in map(json.loads, path.read_text().splitlines())
    ]
    return sorted((row for row in rows if row["lat"] is not None), key=lambda row: row["ts"])


def test_gfw_shared_mmsi_sample_is_separated(shared_data: Path) -> None:
    """GlobalFishingWatch/gpsdio-segment @8109193 tests/data/416000000.json (Apache-2.0).

    Published: 1,668 positions in January 2014 from several transmitters sharing the
    MMSI, 146 implied jumps above 30 kn and 27 gaps over 6 h.
    """
    rows = gfw_positions(shared_data / "ais/gfw-gpsdio-segment/416000000.json")
    limits = SegmentThresholds()
    gaps = sum((b["ts"] - a["ts"]) > timedelta(hours=6) for a, b in itertools.pairwise(rows))
    assert (len(rows), _jumps(rows, limits.max_speed_knots), gaps) == (1668, 146, 27)
    ids = segments_of(rows)
    segments: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row, segment in zip(rows, ids, strict=True):
        segments[segment].append(row)
    regions = {segment: {_region(row["lat"]) for row in seg} for segment, seg in segments.items()}
    assert all(len(found) == 1 for found in regions.values())  # no segment crosses oceans
    assert {region for found in regions.values() for region in found} == {
        "Indian Ocean",
        "Taiwan",
        "Gulf of Guinea",
    }
    inside = sum(_jumps(seg, limits.max_speed_knots) for seg in segments.values())
    assert inside * 10 < 146  # the few left are short hops the cut-off tolerates
    for seg in segments.values():
        for a, b in itertools.pairwise(seg):
            assert (b["ts"] - a["ts"]) <= timedelta(hours=limits.max_gap_hours)


def test_thresholds_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_speed_knots"):
        SegmentThresholds(max_speed_knots=0.0)


def test_the_vectorized_screen_changes_no_assignment(shared_data: Path) -> None:
    """All three gpsdio-segment samples and a clean hand-built track, one table."""
    rows = sailing(43.2, 5.3, 12.0, 180.0, [10.0 * i for i in range(50)])
    for name in ("416000000", "338013000", "263576000"):
        rows += gfw_positions(shared_data / f"ais/gfw-gpsdio-segment/{name}.json")
    table = pa.Table.from_pylist(rows)
    order = pc.sort_indices(table, [("mmsi", "ascending"), ("ts", "ascending")])
    one_by_one = _sequential(table.take(order), SegmentThresholds())
    assert segment_table(table).column("segment_id").take(order).to_pylist() == one_by_one
    assert len(set(one_by_one)) > 4  # the shared MMSI's several segments are in the comparison
