"""The data model: FtM schemata plus Filet's own, and the 4x4 grading."""

import pytest

from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability, model
from filet.model.ftm import FILET_SCHEMATA
from filet.model.provenance import parse_grading


def test_filet_schemata_extend_followthemoney() -> None:
    assert set(FILET_SCHEMATA) == {"CaseText", "Container", "PortCall", "Phone", "Shipment"}
    shipment = model.get("Shipment")
    assert shipment is not None
    assert shipment.get("container").range.name == "Container"
    # The reverse side is generated on the FtM schema, so a Vessel lists its port calls.
    assert model.get("Vessel").get("portCalls") is not None
    assert model.get("Phone").get("number").type.name == "phone"
    # Any identifier's entity lists the texts that mention it.
    assert model.get("CaseText").get("mentions").range.name == "Thing"
    assert model.get("BankAccount").get("mentionedIn") is not None


def test_relations_named_by_the_issue_exist() -> None:
    for name in (
        "Person",
        "Organization",
        "Company",
        "Vessel",
        "BankAccount",
        "CryptoWallet",
        "Address",
        "Vehicle",
        "Ownership",
        "Directorship",
        "Family",
        "Associate",
        "Payment",
        "Call",
        "Membership",
        "Trip",
    ):
        assert model.get(name) is not None, name
    assert model.get("Ownership").get("percentage") is not None


def test_grading_reads_as_analysts_write_it() -> None:
    assert parse_grading("b2") == (SourceReliability.B, InformationAssessment.KNOWN_TO_SOURCE)
    provenance = Provenance(
        "d",
        source_reliability=SourceReliability.A,
        information_assessment=InformationAssessment.KNOWN_TRUE,
    )
    assert provenance.grading == "A1"
    for bad in ("", "B", "D1", "B5", "B22"):
        with pytest.raises(ValueError, match="A/B/C/X"):
            parse_grading(bad)


def test_handling_codes_are_ordered() -> None:
    assert [code.rank for code in HandlingCode] == [0, 1, 2, 3]
