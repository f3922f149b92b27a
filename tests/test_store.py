"""The statement store: every value keeps its provenance, on SQLite and PostgreSQL."""

from datetime import UTC, datetime

from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability, model
from filet.store import Workspace
from filet.store.entities import (
    count_entities,
    iter_entities,
    load_entity,
    put_entities,
    values_with_provenance,
)

CUSTOMS = Provenance(
    dataset="douane-manifestes",
    source_record="manifest.csv:12",
    collected_at=datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
    collecting_service="DNRED",
    source_reliability=SourceReliability.B,
    information_assessment=InformationAssessment.KNOWN_TO_SOURCE,
    handling_code=HandlingCode.H1,
)
INFORMANT = Provenance(
    dataset="ofast-renseignement",
    source_record="fiche-77",
    collected_at=datetime(2026, 3, 4, tzinfo=UTC),
    collecting_service="OFAST",
    source_reliability=SourceReliability.C,
    information_assessment=InformationAssessment.CANNOT_BE_JUDGED,
    handling_code=HandlingCode.H2,
)


def _vessel(name: str) -> object:
    vessel = model.make_entity("Vessel")
    vessel.id = "vessel-1"
    vessel.add("name", name)
    vessel.add("imoNumber", "9074729")
    return vessel


def test_each_value_keeps_its_own_provenance(workspace: Workspace) -> None:
    with workspace.db.begin() as conn:
        put_entities(conn, [(_vessel("MSC ANNA"), CUSTOMS), (_vessel("ANNA"), INFORMANT)])
    with workspace.db.connect() as conn:
        values = values_with_provenance(conn, "vessel-1")
    by_value = {(v.prop, v.value, v.provenance.source_record): v.provenance for v in values}
    assert by_value[("name", "MSC ANNA", "manifest.csv:12")] == CUSTOMS
    assert by_value[("name", "ANNA", "fiche-77")] == INFORMANT
    # The IMO number was seen in both records: two provenance rows, one value.
    assert by_value[("imoNumber", "IMO9074729", "manifest.csv:12")].grading == "B2"
    assert by_value[("imoNumber", "IMO9074729", "fiche-77")].grading == "C4"


def test_storing_the_same_record_twice_adds_nothing(workspace: Workspace) -> None:
    for _ in range(2):
        with workspace.db.begin() as conn:
            put_entities(conn, [(_vessel("MSC ANNA"), CUSTOMS)])
    with workspace.db.connect() as conn:
        assert count_entities(conn) == 1
        assert len(values_with_provenance(conn, "vessel-1")) == 2


def test_handling_limit_hides_restricted_values(workspace: Workspace) -> None:
    with workspace.db.begin() as conn:
        put_entities(conn, [(_vessel("MSC ANNA"), CUSTOMS), (_vessel("ANNA"), INFORMANT)])
    with workspace.db.connect() as conn:
        everything = load_entity(conn, "vessel-1")
        shareable = load_entity(conn, "vessel-1", max_handling=HandlingCode.H1)
    assert everything is not None and shareable is not None
    assert sorted(everything.get("name")) == ["ANNA", "MSC ANNA"]
    assert shareable.get("name") == ["MSC ANNA"]


def test_schema_widens_when_sources_disagree(workspace: Workspace) -> None:
    legal = model.make_entity("LegalEntity")
    legal.id = "x"
    legal.add("name", "Transports Rapides SARL")
    company = model.make_entity("Company")
    company.id = "x"
    company.add("registrationNumber", "812345678")
    with workspace.db.begin() as conn:
        put_entities(conn, [(legal, CUSTOMS), (company, INFORMANT)])
    with workspace.db.connect() as conn:
        [entity] = list(iter_entities(conn, schema="LegalEntity"))
        assert entity.schema.name == "Company"
        assert [e.id for e in iter_entities(conn, schema="Vessel")] == []
