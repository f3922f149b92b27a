"""``filet entity search`` and ``filet entity show`` through the real command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from filet.cli import app
from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability, model
from filet.store import Workspace
from filet.store.entities import put_entities

runner = CliRunner()
CUSTOMS = Provenance(
    dataset="douane-manifestes",
    source_record="manifest.csv:12",
    collected_at=datetime(2024, 3, 1, 8, 30, tzinfo=UTC),
    collecting_service="DNRED",
    source_reliability=SourceReliability.B,
    information_assessment=InformationAssessment.KNOWN_TO_SOURCE,
    handling_code=HandlingCode.H2,
)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    workspace = Workspace.open(folder)
    vessel = model.make_entity("Vessel")
    vessel.id = "ever-given"
    vessel.add("name", "Ever Given")
    vessel.add("imoNumber", "9811000")
    person = model.make_entity("Person")
    person.id = "putin"
    person.add("name", "Владимир Путин")
    with workspace.db.begin() as conn:
        put_entities(conn, [(vessel, CUSTOMS), (person, Provenance(dataset="osint"))])
    workspace.close()
    return folder


def test_search_prints_a_table_of_matches(home: Path) -> None:
    result = runner.invoke(app, ["entity", "search", "Vladimir Putin", "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert "putin" in result.output
    assert "Владимир Путин" in result.output


def test_search_json_by_identifier_kind(home: Path) -> None:
    result = runner.invoke(
        app, ["entity", "search", "IMO 9811000", "--kind", "imo", "--json", "--home", str(home)]
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert [(hit["entity_id"], hit["field"], hit["score"]) for hit in hits] == [
        ("ever-given", "imoNumber", 1.0)
    ]


def test_search_says_when_nothing_matches(home: Path) -> None:
    result = runner.invoke(app, ["entity", "search", "Zyxwvut", "--home", str(home)])
    assert result.exit_code == 0
    assert "no match" in result.output


def test_search_refuses_an_unknown_kind(home: Path) -> None:
    result = runner.invoke(
        app, ["entity", "search", "x", "--kind", "passport", "--home", str(home)]
    )
    assert result.exit_code == 1
    assert "passport" in result.output


def test_show_lists_each_value_with_its_provenance(home: Path) -> None:
    result = runner.invoke(app, ["entity", "show", "ever-given", "--json", "--home", str(home)])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert (shown["schema"], shown["caption"]) == ("Vessel", "Ever Given")
    imo = next(value for value in shown["values"] if value["prop"] == "imoNumber")
    assert imo == {
        "prop": "imoNumber",
        "value": "IMO9811000",  # FtM's spelling of an IMO number
        "original_value": None,
        "dataset": "douane-manifestes",
        "source_record": "manifest.csv:12",
        "collected_at": "2024-03-01T08:30:00+00:00",
        "collecting_service": "DNRED",
        "grading": "B2",
        "handling_code": "H2",
    }


def test_show_table_carries_grading_and_handling(home: Path) -> None:
    result = runner.invoke(app, ["entity", "show", "ever-given", "--home", str(home)])
    assert result.exit_code == 0, result.output
    for expected in ("Ever Given", "douane-manifestes", "manifest.csv:12", "B2", "H2", "DNRED"):
        assert expected in result.output


def test_show_fails_clearly_for_an_unknown_id(home: Path) -> None:
    result = runner.invoke(app, ["entity", "show", "nobody", "--home", str(home)])
    assert result.exit_code == 1
    assert "nobody" in result.output
