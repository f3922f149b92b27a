"""One alert shape and one detector registry for every domain."""

from filet.alerts.alert import Alert, Evidence, Subject, ThresholdUsed, TriageStatus
from filet.alerts.registry import Detector, all_detectors, get_detector, register
from filet.alerts.thresholds import Thresholds, threshold

__all__ = [
    "Alert",
    "Detector",
    "Evidence",
    "Subject",
    "ThresholdUsed",
    "Thresholds",
    "TriageStatus",
    "all_detectors",
    "get_detector",
    "register",
    "threshold",
]
