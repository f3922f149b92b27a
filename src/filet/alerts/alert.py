"""The one shape every detector's output takes.

An alert explains itself: who it is about (entity ids and the identifiers exactly as
they appear in the input), when, how strongly (score in [0, 1]), why (reasons in
French and English), on what evidence (references to event rows) and under which
thresholds (values with their cited sources, plus their hash).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class TriageStatus(StrEnum):
    NEW = "new"
    DISMISSED = "dismissed"
    ESCALATED = "escalated"


@dataclass(frozen=True)
class Subject:
    """Who or what an alert is about, as the input named it (``kind`` e.g. ``mmsi``)."""

    kind: str
    value: str
    entity_id: str | None = None


@dataclass(frozen=True)
class Evidence:
    """A pointer to one event row: its table and the key that finds it again."""

    table: str
    key: dict[str, Any]


@dataclass(frozen=True)
class ThresholdUsed:
    name: str
    value: Any
    unit: str
    source: str


@dataclass(frozen=True)
class Alert:
    detector_id: str
    detector_version: str
    subjects: tuple[Subject, ...]
    start: datetime
    end: datetime
    score: float
    reason_fr: str
    reason_en: str
    evidence: tuple[Evidence, ...]
    thresholds: tuple[ThresholdUsed, ...]
    thresholds_hash: str
    status: TriageStatus = TriageStatus.NEW
    case_id: str | None = field(default=None)

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"alert score {self.score} is outside [0, 1]")
        if self.end < self.start:
            raise ValueError("alert ends before it starts")

    @property
    def id(self) -> str:
        """Stable id: the same finding under the same thresholds is the same alert."""
        key = json.dumps(
            [
                self.detector_id,
                [[s.kind, s.value] for s in self.subjects],
                self.start.isoformat(),
                self.end.isoformat(),
                self.thresholds_hash,
            ]
        )
        return hashlib.sha256(key.encode()).hexdigest()[:24]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["id"] = self.id
        data["start"] = self.start.isoformat()
        data["end"] = self.end.isoformat()
        data["status"] = self.status.value
        data["reasons"] = {"fr": data.pop("reason_fr"), "en": data.pop("reason_en")}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alert:
        return cls(
            detector_id=data["detector_id"],
            detector_version=data["detector_version"],
            subjects=tuple(Subject(**s) for s in data["subjects"]),
            start=datetime.fromisoformat(data["start"]),
            end=datetime.fromisoformat(data["end"]),
            score=float(data["score"]),
            reason_fr=data["reasons"]["fr"],
            reason_en=data["reasons"]["en"],
            evidence=tuple(Evidence(**e) for e in data["evidence"]),
            thresholds=tuple(ThresholdUsed(**t) for t in data["thresholds"]),
            thresholds_hash=data["thresholds_hash"],
            status=TriageStatus(data.get("status", "new")),
            case_id=data.get("case_id"),
        )
