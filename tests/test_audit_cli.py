"""The audit log through the command line: every audited command leaves its entry, with
who, why and what; ``filet audit verify`` passes, then names the row edited behind its
back. Data: the seeded demo world (two planted AIS gaps, ``filet.demo.world``)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from typer.testing import CliRunner

from filet.cli import app
from filet.demo.world import generate
from filet.store.tables import audit_entries

runner = CliRunner()
WHO = ["--actor", "j.dupont", "--purpose", "dossier 2024/117"]


def _invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _entries(home: list[str]) -> list[dict[str, Any]]:
    """The log in leaf order."""
    listed = json.loads(_invoke("audit", "list", "--json", "--limit", "1000", *home))
    return sorted(listed, key=lambda entry: entry["index"])


def test_audited_commands_and_verify(tmp_path: Path) -> None:
    files = generate(seed=5).write(tmp_path / "inputs")
    home = ["--home", str(tmp_path / "ws")]
    _invoke("ingest", str(files["ais"]), "--format", "marinecadastre", *WHO, *home)
    _invoke("detect", *WHO, *home)
    ids = [
        json.loads(line)["id"]
        for line in _invoke("alerts", "--format", "jsonl", *WHO, *home).splitlines()
    ]
    _invoke("triage", ids[0], "dismissed", *WHO, *home)
    out = tmp_path / "export.jsonl"
    _invoke("export", "--out", str(out), "--recipient", "OFAST", *WHO, *home)
    exported = out.read_bytes().splitlines()
    entity_id = json.loads(exported[0])["id"]
    _invoke("entity", "show", entity_id, *WHO, *home)

    entries = _entries(home)
    by_category = {entry["category"]: entry for entry in entries}
    assert {entry["actor"] for entry in entries} == {"j.dupont"}
    assert {entry["justification"] for entry in entries} == {"dossier 2024/117"}
    assert [entry["index"] for entry in entries] == list(range(len(entries)))
    file_digest = hashlib.sha256(files["ais"].read_bytes()).hexdigest()
    assert by_category["collection"]["objects"] == [file_digest]
    assert by_category["combination"]["alerts_found"] == len(ids)
    assert by_category["alteration"]["objects"] == [ids[0]]
    assert by_category["alteration"]["change"] == "status=dismissed"
    disclosure = by_category["disclosure"]
    assert disclosure["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert (disclosure["recipient"], disclosure["records"]) == ("OFAST", len(exported))
    consultations = [e for e in entries if e["category"] == "consultation"]
    assert consultations[0]["objects"] == ids
    assert consultations[-1]["objects"] == [entity_id]

    assert "verified" in _invoke("audit", "verify", *home)
    assert json.loads(_invoke("audit", "checkpoint", "--json", *home))["size"] == len(entries)

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'ws' / 'filet.db'}")
    with engine.begin() as conn:
        conn.execute(
            audit_entries.update()
            .where(audit_entries.c.idx == 2)
            .values(entry=audit_entries.c.entry + " ")
        )
    engine.dispose()
    failed = runner.invoke(app, ["audit", "verify", *home])
    assert failed.exit_code == 1
    assert "entry 2 changed" in failed.output


def test_a_scan_is_recorded_as_a_disclosure_in_the_given_workspace(tmp_path: Path) -> None:
    files = generate(seed=5).write(tmp_path / "inputs")
    out = tmp_path / "alerts.jsonl"
    home = ["--home", str(tmp_path / "ws")]
    _invoke("scan", str(files["ais"]), "--format", "marinecadastre", "--out", str(out), *WHO, *home)
    (entry,) = _entries(home)
    assert (entry["category"], entry["action"], entry["recipient"]) == (
        "disclosure",
        "scan",
        str(out),
    )
    assert entry["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert entry["records"] == len(out.read_bytes().splitlines())
