"""Alerts keep their shape through the database, and triage survives re-detection."""

from datetime import UTC, datetime

import pytest

from filet.alerts import Alert, Evidence, Subject, ThresholdUsed, TriageStatus
from filet.alerts.store import list_alerts, save_alerts, set_status
from filet.store import Workspace


def _alert(score: float, mmsi: str) -> Alert:
    return Alert(
        detector_id="test.detector",
        detector_version="1",
        subjects=(Subject("mmsi", mmsi),),
        start=datetime(2026, 1, 1, tzinfo=UTC),
        end=datetime(2026, 1, 1, 12, tzinfo=UTC),
        score=score,
        reason_fr="motif",
        reason_en="reason",
        evidence=(Evidence("ais_positions", {"source_file": "a.csv", "source_line": 3}),),
        thresholds=(ThresholdUsed("min_gap_hours", 6.0, "h", "GFW"),),
        thresholds_hash="abc",
    )


def test_round_trip_and_order(workspace: Workspace) -> None:
    with workspace.db.begin() as conn:
        assert save_alerts(conn, [_alert(0.4, "1"), _alert(0.9, "2")]) == 2
    with workspace.db.connect() as conn:
        found = list_alerts(conn)
    assert [a.subjects[0].value for a in found] == ["2", "1"]
    assert found[0] == _alert(0.9, "2")
    assert Alert.from_dict(found[0].to_dict()) == found[0]


def test_triage_is_kept_when_the_same_alert_is_found_again(workspace: Workspace) -> None:
    alert = _alert(0.5, "7")
    with workspace.db.begin() as conn:
        save_alerts(conn, [alert])
        assert set_status(conn, alert.id, TriageStatus.DISMISSED)
        assert save_alerts(conn, [alert]) == 0
    with workspace.db.connect() as conn:
        assert [a.status for a in list_alerts(conn)] == [TriageStatus.DISMISSED]
        assert list_alerts(conn, status=TriageStatus.NEW) == []
        assert not set_status(conn, "missing", TriageStatus.ESCALATED)


def test_alert_rejects_a_score_outside_the_unit_interval() -> None:
    with pytest.raises(ValueError, match="outside"):
        _alert(1.5, "1")
