"""Naive AIS gaps (``maritime.ais_gap``) on hand-built tracks and on GFW samples."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engines import BothEngines
from filet.alerts import Evidence, Subject
from filet.maritime.gaps import AisGapThresholds, score, to_alerts

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def _track(mmsi: str, hours: list[float], file: str = "track.csv") -> list[dict[str, Any]]:
    """Positions of one MMSI at ``T0 + hours``, one line each, heading north."""
    return [
        {
            "mmsi": mmsi,
            "ts": T0 + timedelta(hours=offset),
            "lat": 43.0 + index * 0.1,
            "lon": 5.0,
            "sog_knots": 10.0,
            "cog_degrees": 0.0,
            "source_file": file,
            "source_line": index + 1,
        }
        for index, offset in enumerate(hours)
    ]


def _spans(alerts: list[Any]) -> list[tuple[str, datetime, datetime]]:
    return sorted((alert.subjects[0].value, alert.start, alert.end) for alert in alerts)


@pytest.mark.spark
def test_gap_of_exactly_the_threshold_counts_and_just_below_does_not(
    both_engines: BothEngines,
) -> None:
    just_below = 6 - 1 / 3600  # 5 h 59 min 59 s
    rows = _track("227000001", [0, 1, 7]) + _track("227000002", [0, just_below, just_below + 1])
    alerts = both_engines("maritime.ais_gap", {"ais_positions": rows})
    assert _spans(alerts) == [("227000001", T0 + timedelta(hours=1), T0 + timedelta(hours=7))]
    [alert] = alerts
    assert alert.score == 0.5
    assert alert.evidence == (
        Evidence("ais_positions", {"source_file": "track.csv", "source_line": 2}),
        Evidence("ais_positions", {"source_file": "track.csv", "source_line": 3}),
    )
    assert alert.thresholds_hash == AisGapThresholds().digest()


@pytest.mark.spark
def test_several_vessels_given_out_of_order(both_engines: BothEngines) -> None:
    """Gaps are per MMSI: interleaved tracks do not close each other's silences."""
    rows = _track("227000001", [0, 10, 11, 30]) + _track("538000002", [5, 6, 20], "b.csv")
    random.Random(3).shuffle(rows)
    alerts = both_engines("maritime.ais_gap", {"ais_positions": rows})
    hours = timedelta(hours=1)
    assert _spans(alerts) == [
        ("227000001", T0, T0 + 10 * hours),
        ("227000001", T0 + 11 * hours, T0 + 30 * hours),
        ("538000002", T0 + 6 * hours, T0 + 20 * hours),
    ]


@pytest.mark.spark
def test_positions_at_the_same_time_pair_in_file_order(both_engines: BothEngines) -> None:
    """Two reports of one instant: the gap starts at the later line, on both engines."""
    rows = _track("227000001", [0, 0, 8])
    alerts = both_engines("maritime.ais_gap", {"ais_positions": rows})
    [alert] = alerts
    assert [evidence.key["source_line"] for evidence in alert.evidence] == [2, 3]


@pytest.mark.spark
def test_a_higher_threshold_finds_fewer_gaps(both_engines: BothEngines) -> None:
    rows = _track("227000001", [0, 7, 20])
    strict = AisGapThresholds().replace(min_gap_hours="12")
    alerts = both_engines("maritime.ais_gap", {"ais_positions": rows}, strict)
    assert _spans(alerts) == [("227000001", T0 + timedelta(hours=7), T0 + timedelta(hours=20))]
    assert alerts[0].thresholds_hash == strict.digest() != AisGapThresholds().digest()
    assert alerts[0].thresholds[0].value == 12.0


def _gfw_positions(path: Path) -> list[dict[str, Any]]:
    """GFW JSON lines as ``ais_positions`` rows; lines without a position are left out."""
    rows = []
    for line_number, line in enumerate(path.read_text().splitlines(), start=1):
        message = json.loads(line)
        if message["lat"] is None or message["lon"] is None:
            continue
        rows.append(
            {
                "mmsi": str(message["ssvid"]),
                "ts": datetime.fromisoformat(message["timestamp"]),
                "lat": message["lat"],
                "lon": message["lon"],
                "sog_knots": message["speed"],
                "cog_degrees": message["course"],
                "source_file": path.name,
                "source_line": line_number,
            }
        )
    return rows


@pytest.mark.spark
@pytest.mark.shared_data
def test_gfw_samples_have_their_published_gaps(
    both_engines: BothEngines, shared_data: Path
) -> None:
    """GlobalFishingWatch/gpsdio-segment @8109193 tests/data (Apache-2.0, SkyTruth).

    The samples' README: 263576000.json has one gap over 6 h (6.9 h); 416000000.json
    has 27 gaps over 6 h, the longest 49.7 h.
    """
    folder = shared_data / "ais" / "gfw-gpsdio-segment"
    rows = _gfw_positions(folder / "263576000.json") + _gfw_positions(folder / "416000000.json")
    alerts = both_engines("maritime.ais_gap", {"ais_positions": rows})
    hours: dict[str, list[float]] = {"263576000": [], "416000000": []}
    for alert in alerts:
        hours[alert.subjects[0].value].append((alert.end - alert.start).total_seconds() / 3600)
    assert [round(h, 1) for h in hours["263576000"]] == [6.9]
    assert len(hours["416000000"]) == 27
    assert round(max(hours["416000000"]), 1) == 49.7
    [short] = [alert for alert in alerts if alert.subjects[0].value == "263576000"]
    assert short.reason_fr.startswith("Silence AIS de 6,9 h (MMSI 263576000) ; ")
    assert all(e.key["source_file"] == "263576000.json" for e in short.evidence)


def test_reasons_give_hours_distance_and_implied_speed() -> None:
    row = {
        "mmsi": "263576000",
        "start_ts": T0,
        "end_ts": T0 + timedelta(hours=7.2),
        "start_file": "a.json",
        "start_line": 10,
        "end_file": "a.json",
        "end_line": 11,
        "distance_m": 85_000.0,
    }
    [alert] = to_alerts([row], AisGapThresholds())
    # 85 km in 7.2 h: 85,000 / 1,852 / 7.2 = 6.37 knots.
    assert alert.reason_fr == (
        "Silence AIS de 7,2 h (MMSI 263576000) ; 85,0 km entre la dernière position avant "
        "le silence et la première après (vitesse moyenne implicite 6,4 nœuds)."
    )
    assert alert.reason_en == (
        "AIS silence of 7.2 h (MMSI 263576000); 85.0 km between the last position before "
        "the silence and the first one after (implied mean speed 6.4 knots)."
    )
    assert alert.subjects == (Subject("mmsi", "263576000"),)
    assert (alert.detector_id, alert.detector_version) == ("maritime.ais_gap", "1")
    assert [t.name for t in alert.thresholds] == ["min_gap_hours"]


def test_score_grows_with_the_gap_from_one_half_at_the_threshold() -> None:
    assert [score(hours, 6.0) for hours in (6, 12, 24, 600)] == [0.5, 0.75, 0.938, 1.0]


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError, match="min_gap_hours must be positive"):
        AisGapThresholds(min_gap_hours=0.0)
