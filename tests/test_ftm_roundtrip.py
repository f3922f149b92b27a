"""FollowTheMoney in and out: what goes in comes out the same, provenance kept per value."""

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from filet.cli import app
from filet.demo.world import generate
from filet.model import model

runner = CliRunner()

#: Shaped like an OpenSanctions / Aleph export line: extra keys FtM tools add must be accepted.
OPENSANCTIONS_STYLE = [
    {
        "id": "os-person-1",
        "schema": "Person",
        "caption": "Ivan Petrov",
        "datasets": ["sanctions"],
        "referents": [],
        "target": True,
        "first_seen": "2024-01-01T00:00:00",
        "last_seen": "2026-01-01T00:00:00",
        "properties": {
            "name": ["Ivan Petrov", "Иван Петров"],
            "birthDate": ["1971-04-02"],
            "nationality": ["ru"],
            "topics": ["sanction"],
        },
    },
    {
        "id": "os-company-1",
        "schema": "Company",
        "properties": {"name": ["Oceanic Shipping FZE"], "jurisdiction": ["ae"]},
    },
    {
        "id": "os-own-1",
        "schema": "Ownership",
        "properties": {"owner": ["os-person-1"], "asset": ["os-company-1"], "percentage": ["75"]},
    },
]


def _normalized(entity: dict[str, Any]) -> tuple[str, str, dict[str, list[str]]]:
    proxy = model.get_proxy(entity)
    return proxy.id, proxy.schema.name, {k: sorted(v) for k, v in proxy.properties.items()}


def _round_trip(tmp_path: Path, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    source = tmp_path / "in.ftm.jsonl"
    source.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities))
    home = str(tmp_path / "ws")
    ingested = runner.invoke(app, ["ingest", str(source), "--format", "ftm", "--home", home])
    assert ingested.exit_code == 0, ingested.output
    out = tmp_path / "out.ftm.jsonl"
    exported = runner.invoke(app, ["export", "--format", "ftm", "--out", str(out), "--home", home])
    assert exported.exit_code == 0, exported.output
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_opensanctions_style_entities_round_trip(tmp_path: Path) -> None:
    exported = _round_trip(tmp_path, OPENSANCTIONS_STYLE)
    assert sorted(map(_normalized, exported)) == sorted(map(_normalized, OPENSANCTIONS_STYLE))


def test_the_demo_world_round_trips(tmp_path: Path) -> None:
    world = generate(seed=3)
    exported = _round_trip(tmp_path, world.entities)
    assert len(exported) == len(world.entities)
    assert sorted(map(_normalized, exported)) == sorted(map(_normalized, world.entities))


def test_statements_export_carries_provenance(tmp_path: Path) -> None:
    source = tmp_path / "in.ftm.jsonl"
    source.write_text(json.dumps(OPENSANCTIONS_STYLE[1]) + "\n")
    home = str(tmp_path / "ws")
    ingested = runner.invoke(
        app,
        [
            "ingest",
            str(source),
            "--format",
            "ftm",
            "--dataset",
            "opensanctions",
            "--service",
            "OFAST",
            "--grading",
            "B2",
            "--handling",
            "H1",
            "--home",
            home,
        ],
    )
    assert ingested.exit_code == 0, ingested.output
    result = runner.invoke(app, ["export", "--format", "statements", "--home", home])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    names = [line for line in lines if line["prop"] == "name"]
    assert names == [
        {
            "entity_id": "os-company-1",
            "schema": "Company",
            "prop": "name",
            "value": "Oceanic Shipping FZE",
            "dataset": "opensanctions",
            "origin": "in.ftm.jsonl:1",
            "first_seen": names[0]["first_seen"],
            "collecting_service": "OFAST",
            "grading": "B2",
            "handling_code": "H1",
        }
    ]
    restricted = runner.invoke(
        app, ["export", "--format", "ftm", "--handling-max", "H0", "--home", home]
    )
    assert [line for line in restricted.stdout.splitlines() if line.startswith("{")] == []
