"""The intelligence file's data model: FollowTheMoney schemata plus Filet's own."""

from filet.model.ftm import model
from filet.model.provenance import (
    HandlingCode,
    InformationAssessment,
    Provenance,
    SourceReliability,
)

__all__ = ["HandlingCode", "InformationAssessment", "Provenance", "SourceReliability", "model"]
