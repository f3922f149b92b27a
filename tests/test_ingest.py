"""Ingesting FtM entities and mapped tables: stored with provenance, counted, idempotent."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from rigour.ids.imo import IMO

from filet.ingest import IngestError, ingest_file
from filet.ingest.formats import resolve
from filet.model import Provenance
from filet.model.provenance import HandlingCode, InformationAssessment, SourceReliability
from filet.store import Workspace
from filet.store.entities import count_entities, load_entity, values_with_provenance
from filet.store.tables import quarantine, statements

MARINECADASTRE = "ais/noaa-marinecadastre/ais_20230101_sample.csv"
GFW = "ais/gfw-gpsdio-segment/263576000.json"

ENTITIES = [
    {
        "id": "os-person-1",
        "schema": "Person",
        "caption": "Jean Dupont",
        "datasets": ["opensanctions"],
        "referents": [],
        "first_seen": "2023-01-01T00:00:00",
        "last_seen": "2024-01-01T00:00:00",
        "target": True,
        "properties": {"name": ["Jean Dupont"], "birthDate": ["1970-05-02"]},
    },
    {
        "id": "aleph-company-1",
        "schema": "Company",
        "properties": {"name": ["Transports du Sud SARL"], "jurisdiction": ["fr"]},
    },
    {
        "id": "ownership-1",
        "schema": "Ownership",
        "properties": {"owner": ["os-person-1"], "asset": ["aleph-company-1"]},
    },
    {"id": "container-1", "schema": "Container", "properties": {}},
]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def event_rows(ws: Workspace, table: str = "ais_positions") -> list[dict[str, object]]:
    folder = ws.events.folder(table)
    if not any(folder.glob("*.parquet")):
        return []
    rows: list[dict[str, object]] = ds.dataset(folder, format="parquet").to_table().to_pylist()
    return sorted(rows, key=lambda row: (str(row["source_file"]), int(str(row["source_line"]))))


def test_ftm_entities_are_stored_with_their_provenance(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = write_lines(tmp_path / "export.ftm.json", [json.dumps(e) for e in ENTITIES])
    base = Provenance(
        dataset="opensanctions",
        collecting_service="OFAST",
        source_reliability=SourceReliability.B,
        information_assessment=InformationAssessment.KNOWN_TO_SOURCE,
        handling_code=HandlingCode.H1,
    )
    report = ingest_file(workspace, path, "ftm", provenance=base)
    assert (report.rows_read, report.rows_stored, report.rows_quarantined) == (4, 4, 0)
    with workspace.db.connect() as conn:
        assert count_entities(conn) == 4
        person = load_entity(conn, "os-person-1")
        values = values_with_provenance(conn, "os-person-1")
    assert person is not None
    assert person.get("name") == ["Jean Dupont"]
    assert person.get("birthDate") == ["1970-05-02"]
    assert {value.provenance.source_record for value in values} == {"export.ftm.json:1"}
    assert {value.provenance.grading for value in values} == {"B2"}
    assert {value.provenance.handling_code for value in values} == {HandlingCode.H1}


@pytest.mark.shared_data
def test_marinecadastre_sample_gives_one_vessel_and_position_per_mmsi(
    workspace: Workspace, shared_data: Path
) -> None:
    """NOAA MarineCadastre extract (AISViz/AISdb test data, public domain): 1,000 rows."""
    path = shared_data / MARINECADASTRE
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    unknown = ("", "IMO0000000")  # IMO "not available" (ITU-R M.1371-5, message 5)
    bad_imo = {
        line
        for line, row in enumerate(rows, 2)
        if row["IMO"] not in unknown and not IMO.is_valid(row["IMO"])
    }
    report = ingest_file(workspace, path, "marinecadastre")
    assert report.rows_read == len(rows) == 1000
    assert report.rows_quarantined == len(bad_imo)
    assert report.rows_stored == report.event_rows == 1000 - len(bad_imo)
    positions = event_rows(workspace)
    assert {row["source_line"] for row in positions} == set(range(2, 1002)) - bad_imo
    assert len({row["mmsi"] for row in positions}) == len(positions)
    first = positions[0]
    assert (first["mmsi"], first["lat"], first["lon"]) == ("367752440", 43.07917, -70.75733)
    assert first["ts"] == datetime(2023, 1, 11, tzinfo=UTC)
    assert first["cog_degrees"] is None  # 360 is "not available" (ITU-R M.1371-5)
    with workspace.db.connect() as conn:
        assert count_entities(conn) == len(positions)
        lines = set(conn.scalars(sa.select(quarantine.c.line)))
        fields = set(conn.scalars(sa.select(quarantine.c.field)))
    assert lines == bad_imo
    assert fields == {"IMO"}


@pytest.mark.shared_data
def test_gfw_positions_skip_records_without_a_position(
    workspace: Workspace, shared_data: Path
) -> None:
    """GlobalFishingWatch/gpsdio-segment test data (Apache-2.0): static messages have no lat/lon."""
    path = shared_data / GFW
    records = [json.loads(line) for line in path.read_text().splitlines()]
    placed = [r for r in records if r["lat"] is not None and r["lat"] != 91]
    report = ingest_file(workspace, path, "gfw")
    assert (report.rows_read, report.rows_stored, report.rows_quarantined) == (948, 948, 0)
    assert workspace.events.count("ais_positions") == len(placed)
    with workspace.db.connect() as conn:
        assert count_entities(conn) == 1
        sources = conn.scalars(sa.select(sa.func.count()).select_from(statements)).one()
    assert sources == 2  # the id and the mmsi: one statement each for the dataset


def test_same_content_twice_adds_nothing(workspace: Workspace, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.ftm.json", [json.dumps(e) for e in ENTITIES])
    copy = tmp_path / "renamed.json"
    shutil.copy(path, copy)
    first = ingest_file(workspace, path, "ftm")
    again = ingest_file(workspace, copy, "ftm")
    assert not first.already_ingested
    assert again.already_ingested
    assert again.summary() == "déjà ingéré / already ingested"
    with workspace.db.connect() as conn:
        stored = conn.scalars(sa.select(sa.func.count()).select_from(statements)).one()
    assert stored == 1 + 2 + 1 + 2 + 1 + 2 + 1  # ids and values of the four entities


def test_parquet_and_per_record_provenance(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    mapping = tmp_path / "tracks.yaml"
    mapping.write_text(
        "provenance:\n"
        "  dataset: douane\n"
        "  grading: {column: cote}\n"
        "events:\n"
        "  ais_positions:\n"
        "    fields:\n"
        "      mmsi: navire\n"
        "      ts: {column: quand, format: epoch_s}\n"
        "      lat: lat\n"
        "      lon: lon\n"
        "entities:\n"
        "  vessel: {schema: Vessel, keys: [navire], properties: {mmsi: {column: navire}}}\n",
        encoding="utf-8",
    )
    table = pa.table(
        {
            "navire": [227000001, 227000002],
            "quand": [1700000000, 1700000060],
            "lat": [43.1, 43.2],
            "lon": [5.1, 5.2],
            "cote": ["A1", "C3"],
        }
    )
    pq.write_table(table, tmp_path / "tracks.parquet")
    report = ingest_file(sqlite_workspace, tmp_path / "tracks.parquet", "parquet", mapping)
    assert (report.rows_stored, report.event_rows) == (2, 2)
    rows = event_rows(sqlite_workspace)
    assert [row["ts"] for row in rows] == [
        datetime.fromtimestamp(1700000000, UTC),
        datetime.fromtimestamp(1700000060, UTC),
    ]
    with sqlite_workspace.db.connect() as conn:
        grades = conn.execute(
            sa.select(statements.c.source_record, statements.c.source_reliability).where(
                statements.c.prop == "mmsi"
            )
        ).all()
    assert sorted(grades) == [("tracks.parquet:1", "A"), ("tracks.parquet:2", "C")]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("entities: {v: {schema: Ship, keys: [a]}}", "entities: Invalid schema: Ship"),
        ("entities: {v: {schema: Vessel, keys: [a], properties: {hull: {column: a}}}}", "hull"),
        ("events: {ais_pings: {fields: {}}}", "events.ais_pings"),
        ("events: {ais_positions: {fields: {mmsi: a, ts: b, lat: c}}}", "missing lon"),
        ("events: {ais_positions: {fields: {mmsi: {column: a, min: 2}}}}", "fields.mmsi.min"),
        ("events: {ais_positions: {fields: {lat: {column: c, values: [a]}}}}", "fields.lat.values"),
        ("events: {ais_positions: {fields: {mmsi: {column: a, values: x}}}}", "fields.mmsi.values"),
        ("entities: {}\nsheets: 2", "sheets: clé inconnue / unknown key"),
        ("provenance: {grading: Z9}\nentities: {v: {schema: Vessel, keys: [a]}}", "grading 'Z9'"),
        ("entities: [", "YAML"),
    ],
)
def test_a_bad_mapping_is_refused_naming_file_and_key(
    sqlite_workspace: Workspace, tmp_path: Path, mapping: str, message: str
) -> None:
    data = write_lines(tmp_path / "data.csv", ["a,b,c,d", "1,2,3,4"])
    path = tmp_path / "bad.yaml"
    path.write_text(mapping, encoding="utf-8")
    with pytest.raises(IngestError) as raised:
        ingest_file(sqlite_workspace, data, "csv", path)
    assert str(path) in str(raised.value)
    assert message in str(raised.value)


def test_file_level_errors_are_clear(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    data = write_lines(tmp_path / "data.csv", ["MMSI,LAT", "1,2"])
    with pytest.raises(IngestError, match="unknown format 'kml'"):
        ingest_file(sqlite_workspace, data, "kml")
    with pytest.raises(IngestError, match=r"missing\.csv: fichier introuvable / file not found"):
        ingest_file(sqlite_workspace, tmp_path / "missing.csv", "marinecadastre")
    with pytest.raises(IngestError, match="needs --mapping"):
        ingest_file(sqlite_workspace, data, "csv")
    with pytest.raises(
        IngestError,
        match=r"data.csv:1: .*'LON' \(events.ais_positions.fields.lon\).*marinecadastre",
    ):
        ingest_file(sqlite_workspace, data, "marinecadastre")


def test_provenance_precedence(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    """Per-record column, then command-line option, then the mapping's default."""
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        'delimiter: ";"\n'
        "provenance:\n"
        "  dataset: saisies\n"
        "  collecting_service: {column: service}\n"
        "  grading: C3\n"
        "  collected_at: 2024-05-01\n"
        "entities:\n"
        "  person: {schema: Person, keys: [nom], properties: {name: {column: nom}}}\n",
        encoding="utf-8",
    )
    data = write_lines(tmp_path / "people.csv", ["nom;service", "Jean;OFAST", "Marie;"])
    setup = resolve("csv", mapping)
    base = setup.provenance(service="DNRED", grading="A1")
    assert (base.dataset, base.collecting_service, base.grading) == ("saisies", "DNRED", "A1")
    assert base.collected_at == datetime(2024, 5, 1, tzinfo=UTC)
    ingest_file(sqlite_workspace, data, "csv", mapping, provenance=base)
    with sqlite_workspace.db.connect() as conn:
        found = conn.execute(
            sa.select(statements.c.value, statements.c.collecting_service).where(
                statements.c.prop == "name"
            )
        ).all()
    assert sorted(found) == [("Jean", "OFAST"), ("Marie", "DNRED")]


def test_the_documented_mapping_works(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    """The example in docs/ingest.md: French CSV, Paris time, "not available" values."""
    docs = (Path(__file__).parent.parent / "docs" / "ingest.md").read_text(encoding="utf-8")
    mapping = tmp_path / "douane.yaml"
    mapping.write_text(docs.split("```yaml\n", 1)[1].split("```", 1)[0], encoding="utf-8")
    data = write_lines(
        tmp_path / "douane.csv",
        [
            "mmsi;nom;imo;horodatage;latitude;longitude;vitesse",
            "227000001;LIBERTE;0;15/07/2024 14:30:00;43,2;5,3;102,3",
            "227000001;LIBERTE;0;15/07/2024 14:31:00;nord;5,3;102,3",
            "227000001;LIBERTE;0;15/07/2024 14:32:00;91;181;0",
        ],
    )
    report = ingest_file(sqlite_workspace, data, "csv", mapping)
    assert (report.rows_stored, report.rows_quarantined, report.event_rows) == (2, 1, 1)
    [position] = event_rows(sqlite_workspace)
    assert position["ts"] == datetime(2024, 7, 15, 12, 30, tzinfo=UTC)  # CEST is UTC+2
    assert (position["lat"], position["lon"], position["sog_knots"]) == (43.2, 5.3, None)
    with sqlite_workspace.db.connect() as conn:
        [reason] = conn.scalars(sa.select(quarantine.c.reason))
        imo = conn.scalars(sa.select(statements.c.value).where(statements.c.prop == "imoNumber"))
        assert list(imo) == []
    assert "'nord' n'est pas un nombre" in reason
