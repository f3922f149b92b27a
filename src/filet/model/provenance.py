"""Where a value came from and how much it can be trusted.

Intelligence is only shareable when every value says which source and record it came
from, when and by whom it was collected, how reliable the source is and how true the
information is judged to be (the 4x4 system of Europol Regulation (EU) 2016/794,
art. 29), and how far it may be passed on (the handling codes of art. 19).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum


class SourceReliability(StrEnum):
    """Evaluation of the source (Regulation (EU) 2016/794, art. 29(1))."""

    A = "A"  # no doubt about authenticity, trustworthiness and competence
    B = "B"  # source has proved reliable in most instances
    C = "C"  # source has proved unreliable in most instances
    X = "X"  # reliability cannot be assessed


class InformationAssessment(StrEnum):
    """Evaluation of the information itself (Regulation (EU) 2016/794, art. 29(2))."""

    KNOWN_TRUE = "1"  # accuracy not in doubt
    KNOWN_TO_SOURCE = "2"  # known personally to the source, not to the official
    CORROBORATED = "3"  # not known personally to the source, corroborated elsewhere
    CANNOT_BE_JUDGED = "4"  # cannot be assessed


class HandlingCode(StrEnum):
    """Restriction on onward disclosure set by the provider (Regulation 2016/794, art. 19).

    Codes follow the Europol handling codes: the higher the code, the narrower the use.
    """

    H0 = "H0"  # use for the purpose it was supplied, no further restriction
    H1 = "H1"  # not to be used as evidence in judicial proceedings without the provider's consent
    H2 = "H2"  # not to be disseminated without the provider's consent
    H3 = "H3"  # other restrictions, stated by the provider

    @property
    def rank(self) -> int:
        """0 for H0 up to 3 for H3: a value may go where its rank is within the limit."""
        return int(self.value[1])


@dataclass(frozen=True)
class Provenance:
    """The provenance that every stored value carries.

    ``source_record`` locates the value inside the dataset (``file:line`` or the id of
    the record), so that an analyst can always go back to the original.
    """

    dataset: str
    source_record: str = ""
    collected_at: datetime | None = None
    collecting_service: str = ""
    source_reliability: SourceReliability = SourceReliability.X
    information_assessment: InformationAssessment = InformationAssessment.CANNOT_BE_JUDGED
    handling_code: HandlingCode = HandlingCode.H0

    @property
    def grading(self) -> str:
        """The 4x4 grade as analysts write it, e.g. ``B2``."""
        return f"{self.source_reliability.value}{self.information_assessment.value}"

    def at_record(self, source_record: str) -> Provenance:
        return replace(self, source_record=source_record)

    def collected_now(self) -> Provenance:
        return replace(self, collected_at=datetime.now(UTC))


def parse_grading(text: str) -> tuple[SourceReliability, InformationAssessment]:
    """Read a grade such as ``B2`` (source reliability then information assessment)."""
    cleaned = text.strip().upper()
    if len(cleaned) != 2:
        raise ValueError(f"grading {text!r} is not a letter A/B/C/X followed by a digit 1-4")
    try:
        return SourceReliability(cleaned[0]), InformationAssessment(cleaned[1])
    except ValueError as error:
        raise ValueError(
            f"grading {text!r} is not a letter A/B/C/X followed by a digit 1-4"
        ) from error
