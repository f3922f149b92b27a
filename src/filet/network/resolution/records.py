"""What resolution compares and what it produces: the records drawn from FollowTheMoney
entities, the scored pairs, the links an analyst sees and the thresholds that sort them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from followthemoney import EntityProxy

from filet.alerts import Thresholds, threshold
from filet.model.identifiers import phone as phone_numbers

_SPLINK_PAPER = (
    "Fellegi & Sunter 1969, JASA 64(328):1183-1210; Splink 5.0.0 docs, 'Choosing a match threshold'"
)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ResolutionThresholds(Thresholds):
    accept_probability: float = threshold(
        0.99,
        unit="probability",
        source=(
            f"{_SPLINK_PAPER}: above the upper threshold pairs are links, between the two "
            "they go to clerical review; 0.99 is a match weight of +6.6 (99 in 100 links "
            "right if the model is calibrated)"
        ),
        help=(
            "Probabilité à partir de laquelle deux fiches sont fusionnées sans revue. / "
            "Match probability at which two records are merged without review."
        ),
    )
    review_probability: float = threshold(
        0.8,
        unit="probability",
        source=f"{_SPLINK_PAPER} (Fellegi-Sunter lower threshold, clerical review region)",
        help=(
            "Probabilité à partir de laquelle une paire attend la décision d'un analyste. / "
            "Match probability from which a pair waits for an analyst's decision."
        ),
    )


class LinkStatus(StrEnum):
    ACCEPTED = "accepted"  # fusion automatique / merged without review
    REVIEW = "review"  # en attente d'un analyste / waiting for an analyst
    CROSS_COMPARTMENT = "cross"  # deux compartiments: jamais fusionnée / never merged


class Decision(StrEnum):
    SAME = "same"  # même entité / same entity
    NOT_SAME = "not_same"  # entités distinctes / different entities
    UNDECIDED = "undecided"  # indécidable en l'état / cannot tell yet


class ResolutionError(ValueError):
    """A refused decision; the message says why, in French then English."""


# Which schema family a record is resolved in, and how.
SCORED_FAMILIES = ("Person", "Organization")
EXACT_FAMILIES = ("Phone", "Vehicle")
_IDENTIFIER_PROPS = (
    "idNumber",
    "passportNumber",
    "taxNumber",
    "registrationNumber",
    "vatCode",
    "leiCode",
    "innCode",
    "ogrnCode",
    "socialSecurityNumber",
)


@dataclass(frozen=True)
class ResolutionRecord:
    """What resolution knows of one entity: its FtM values and where they are held."""

    entity_id: str
    family: str
    dataset: str
    compartments: frozenset[str]
    names: tuple[str, ...]
    birth_date: str | None = None
    nationality: str | None = None
    identifiers: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """A scored pair, lower entity id first."""

    entity_a: str
    entity_b: str
    family: str
    probability: float


@dataclass(frozen=True)
class Link:
    id: str
    family: str
    entity_a: str
    entity_b: str
    probability: float
    status: LinkStatus
    decision: Decision | None
    compartments_a: tuple[str, ...]
    compartments_b: tuple[str, ...]

    @property
    def merged(self) -> bool:
        """Whether the two are one entity now: accepted and not overruled, or decided same."""
        if self.status is LinkStatus.CROSS_COMPARTMENT:
            return False
        if self.decision is not None:
            return self.decision is Decision.SAME
        return self.status is LinkStatus.ACCEPTED

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "family": self.family,
            "entity_a": self.entity_a,
            "entity_b": self.entity_b,
            "probability": round(self.probability, 6),
            "status": self.status.value,
            "decision": None if self.decision is None else self.decision.value,
            "merged": self.merged,
        }


def family_of(proxy: EntityProxy) -> str | None:
    """The family an entity is resolved in, or None for schemas resolution leaves alone."""
    for family in (*SCORED_FAMILIES, *EXACT_FAMILIES):
        if proxy.schema.is_a(family):
            return family
    return None


def record_of(
    proxy: EntityProxy, dataset: str, compartments: frozenset[str]
) -> ResolutionRecord | None:
    """The resolution features of an FtM entity (None when it has nothing to compare)."""
    family = family_of(proxy)
    if family is None or not proxy.id:
        return None
    if family == "Phone":
        names = tuple(proxy.get("number"))
        identifiers = tuple(_phone(value) for value in names)
    elif family == "Vehicle":
        names = tuple(proxy.get("registrationNumber"))
        identifiers = tuple(_compact(value) for value in names)
    else:
        names = tuple(proxy.get("name")) + tuple(proxy.get("alias", quiet=True))
        identifiers = tuple(
            _compact(value) for prop in _IDENTIFIER_PROPS for value in proxy.get(prop, quiet=True)
        )
    if not names and not identifiers:
        return None
    dates = proxy.get("birthDate", quiet=True) or proxy.get("incorporationDate", quiet=True)
    countries = proxy.get("nationality", quiet=True) or proxy.get("jurisdiction", quiet=True)
    return ResolutionRecord(
        entity_id=proxy.id,
        family=family,
        dataset=dataset,
        compartments=compartments,
        names=names,
        birth_date=min(dates) if dates else None,
        nationality=min(countries) if countries else None,
        identifiers=tuple(sorted(set(identifiers))),
        phones=tuple(sorted({_phone(value) for value in proxy.get("phone", quiet=True)})),
        addresses=tuple(proxy.get("address", quiet=True)),
    )


def _phone(text: str) -> str:
    try:
        return phone_numbers.normalize(text)
    except ValueError:
        return phone_numbers.compact(text)


def _compact(text: str) -> str:
    return "".join(char for char in text.upper() if char.isalnum())


def status_of(
    candidate: Candidate,
    compartments: dict[str, frozenset[str]],
    thresholds: ResolutionThresholds,
) -> LinkStatus:
    """Where a pair goes: records held in two different compartments are never merged."""
    held_a = compartments.get(candidate.entity_a, frozenset())
    held_b = compartments.get(candidate.entity_b, frozenset())
    if held_a and held_b and held_a != held_b:
        return LinkStatus.CROSS_COMPARTMENT
    if candidate.probability >= thresholds.accept_probability:
        return LinkStatus.ACCEPTED
    return LinkStatus.REVIEW
