"""Seized and judicial material: cell sites, contact lists, extraction reports, PVs.

Small files written here in the documented layouts (``filet.network.cells``,
``contacts``, ``extraction``, ``pv``); the answers are known by construction. The
numbers are those of the call-record tests, so that entities merge across formats.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from filet.cli import app
from filet.engine import Engine
from filet.ingest import ingest_file
from filet.ingest.formats import builtin_mapping
from filet.ingest.quarantine import list_quarantined
from filet.ingest.readers import parse_raw
from filet.network.cells import call_positions, position_steps
from filet.network.pv import pv_records
from filet.store import Workspace
from filet.store.entities import iter_entities, values_with_provenance

WHOLE = "(enregistrement / record)"
CDR = (
    "caller,callee,start,duration_s,type,cell_start,cell_end,case_ref,seizure_ref\n"
    "06 12 34 56 78,0698765432,2024-03-01T10:00:00,65,voice,208-01-1,208-01-2,PV-17,SC-3\n"
    "0698765432,0612345678,2024-03-01T11:00:00,30,voice,208-01-9,,PV-17,SC-3\n"
)
CELLS = (
    "cell_id,lat,lon,azimuth,range_m,operator,address\n"
    "208-01-1,43.2965,5.3698,120,800,Orange,1 quai du Port Marseille\n"
    "208-01-2,43.3000,5.4000,,,Orange,\n"
    "208-01-3,91.5,5.4,0,100,Orange,\n"
    "208-01-4,43.3,est,0,100,Orange,\n"
    "208-01-1,48.8566,2.3522,0,100,Orange,doublon plus loin / later duplicate\n"
)


def _rows(ws: Workspace, table: str) -> list[dict[str, Any]]:
    parts = (ws.events.root / table).glob("*.parquet")
    rows = [row for part in parts for row in pq.read_table(part).to_pylist()]
    return sorted(rows, key=lambda row: (row["source_file"], row["source_line"]))


def _quarantined(ws: Workspace) -> list[tuple[str, int, str]]:
    with ws.db.begin() as conn:
        found = list_quarantined(conn)
    return sorted((Path(q.file_path).name, q.line, q.field) for q in found)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _phones(ws: Workspace) -> dict[str, list[tuple[str, str, str]]]:
    """Each Phone entity's number, with its values and where each came from."""
    with ws.db.begin() as conn:
        return {
            entity.first("number") or "": sorted(
                (value.prop, value.value, value.provenance.source_record)
                for value in values_with_provenance(conn, entity.id)
            )
            for entity in iter_entities(conn, schema="Phone")
        }


def test_cell_sites_and_bad_positions(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    """Rows to cell_sites; a latitude out of range and a longitude that is not a number
    quarantined with their line and column."""
    report = ingest_file(sqlite_workspace, _write(tmp_path / "relais.csv", CELLS), "cells")
    assert (report.rows_stored, report.rows_quarantined) == (3, 2)
    first, second, duplicate = _rows(sqlite_workspace, "cell_sites")
    assert first == {
        "cell_id": "208-01-1",
        "lat": 43.2965,
        "lon": 5.3698,
        "azimuth": 120.0,
        "range_m": 800.0,
        "operator": "Orange",
        "address": "1 quai du Port Marseille",
        "source_file": "relais.csv",
        "source_line": 2,
    }
    assert (second["azimuth"], second["address"], duplicate["source_line"]) == (None, None, 6)
    assert _quarantined(sqlite_workspace) == [("relais.csv", 4, "lat"), ("relais.csv", 5, "lon")]


def test_call_positions_join_calls_to_cell_sites(
    sqlite_workspace: Workspace, tmp_path: Path, each_engine: Engine
) -> None:
    """Each call end whose cell is listed, on the caller; a cell listed twice takes its
    first row; a cell nobody listed gives no position."""
    ingest_file(sqlite_workspace, _write(tmp_path / "fadettes.csv", CDR), "cdr")
    ingest_file(sqlite_workspace, _write(tmp_path / "relais.csv", CELLS), "cells")
    sqlite_workspace.events.register(each_engine)
    found = [
        (row["number"], row["moment"], row["cell_id"], row["lat"], row["site_line"])
        for row in call_positions(each_engine)
    ]
    assert found == [
        ("+33612345678", "start", "208-01-1", 43.2965, 2),
        ("+33612345678", "end", "208-01-2", 43.3, 3),
    ]
    [row, _] = call_positions(each_engine)
    assert (row["contact"], row["start_ts"], row["source_line"]) == (
        "+33698765432",
        datetime(2024, 3, 1, 9, tzinfo=UTC),
        2,
    )


def test_call_positions_of_one_number(
    sqlite_workspace: Workspace, tmp_path: Path, each_engine: Engine
) -> None:
    """The map's query: one number's call ends only; a number is only ever written
    into the SQL when made of the characters numbers are written with."""
    ingest_file(sqlite_workspace, _write(tmp_path / "fadettes.csv", CDR), "cdr")
    ingest_file(sqlite_workspace, _write(tmp_path / "relais.csv", CELLS), "cells")
    sqlite_workspace.events.register(each_engine)
    mine = each_engine.run(position_steps("+33612345678"))
    assert [(row["number"], row["cell_id"]) for row in mine] == [
        ("+33612345678", "208-01-1"),
        ("+33612345678", "208-01-2"),
    ]
    assert each_engine.run(position_steps("+33698765432")) == []  # its cell is not listed
    with pytest.raises(ValueError, match="not a phone number"):
        position_steps("06' OR '1'='1")


CONTACTS = (
    "owner,name,number,email,case_ref,seizure_ref\n"
    "06 98 76 54 32,Tonton,+33 6 12 34 56 78,tonton@example.fr,PV-17,SC-3\n"
    "06 98 76 54 32,Messagerie,888,,PV-17,\n"
    ",Orphelin,0611111111,,PV-17,SC-3\n"
)


def test_contacts_merge_with_the_call_records(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    """The saved name lands on the line the fadettes know; a short code is kept as
    written without an entity; a contact without its owner is quarantined."""
    ingest_file(sqlite_workspace, _write(tmp_path / "fadettes.csv", CDR), "cdr")
    path = _write(tmp_path / "repertoire.csv", CONTACTS)
    report = ingest_file(sqlite_workspace, path, "contacts")
    assert (report.rows_stored, report.rows_quarantined) == (2, 1)
    assert [
        (r["owner"], r["name"], r["number"], r["email"], r["seizure_ref"])
        for r in _rows(sqlite_workspace, "contacts")
    ] == [
        ("+33698765432", "Tonton", "+33612345678", "tonton@example.fr", "SC-3"),
        ("+33698765432", "Messagerie", "888", None, None),
    ]
    phones = _phones(sqlite_workspace)
    assert sorted(phones) == ["+33612345678", "+33698765432"]
    assert ("name", "Tonton", "repertoire.csv:2") in phones["+33612345678"]
    assert ("number", "+33612345678", "fadettes.csv:2") in phones["+33612345678"]
    assert _quarantined(sqlite_workspace) == [("repertoire.csv", 4, "owner")]


EXTRACTION = [
    {
        "kind": "call",
        "caller": "06 12 34 56 78",
        "callee": "+33698765432",
        "start": "2024-03-01T10:00:00",
        "duration_s": 65,
        "cell_start": "208-01-1",
        "case_ref": "PV-17",
    },
    {
        "kind": "message",
        "ts": "2024-03-01T10:05:00+01:00",
        "chat": "Tonton",
        "sender": "Tonton",
        "text": "3 kilos, rappelle le 07 81 23 45 67",
        "seizure_ref": "SC-3",
    },
    {"kind": "contact", "owner": "0698765432", "name": "Tonton", "number": "0612345678"},
    {"kind": "photo", "ts": "2024-03-01T10:00:00"},
    {"kind": "call", "caller": "0612345678", "callee": "0698765432", "begin": "2024"},
    {"kind": "call", "caller": "0612345678", "callee": "0698765432"},
    {"kind": "contact", "owner": "0698765432", "number": ["0612345678"]},
    {"kind": "call", "callee": "0698765432", "start": "2024-03-01T12:00:00"},
]


def test_extraction_report_routes_each_kind(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    """A call, a message and a contact go where cdr, the messaging formats and contacts
    put them; each malformed line is quarantined naming its field."""
    text = "\n".join(json.dumps(item, ensure_ascii=False) for item in EXTRACTION) + "\n\n"
    report = ingest_file(sqlite_workspace, _write(tmp_path / "ufed.jsonl", text), "extraction")
    assert (report.rows_read, report.rows_stored, report.rows_quarantined) == (9, 4, 5)
    [call] = _rows(sqlite_workspace, "calls")
    assert (call["caller"], call["callee"], call["start_ts"], call["cell_start"]) == (
        "+33612345678",
        "+33698765432",
        datetime(2024, 3, 1, 9, tzinfo=UTC),
        "208-01-1",
    )
    [message] = _rows(sqlite_workspace, "messages")
    assert (message["ts"], message["slang"], message["identifiers"]) == (
        datetime(2024, 3, 1, 9, 5, tzinfo=UTC),
        "kilo",
        "phone:+33781234567",
    )
    assert (message["case_ref"], message["seizure_ref"], message["source_line"]) == (
        None,
        "SC-3",
        2,
    )
    [contact] = _rows(sqlite_workspace, "contacts")
    assert (contact["owner"], contact["number"], contact["source_line"]) == (
        "+33698765432",
        "+33612345678",
        3,
    )
    phones = _phones(sqlite_workspace)
    assert sorted(phones) == ["+33612345678", "+33698765432", "+33781234567"]
    assert ("number", "+33781234567", "ufed.jsonl:2") in phones["+33781234567"]
    assert _quarantined(sqlite_workspace) == [
        ("ufed.jsonl", 4, "kind"),
        ("ufed.jsonl", 5, "begin"),
        ("ufed.jsonl", 6, "start"),
        ("ufed.jsonl", 7, "number"),
        ("ufed.jsonl", 8, "caller"),
    ]


def test_extraction_maps_as_the_dedicated_formats() -> None:
    """The shared mapping's call and contact parts are cdr.yaml's and contacts.yaml's,
    so the same number is the same entity and the same row whatever the format."""
    seized = yaml.safe_load(builtin_mapping("seized").text)
    for name in ("cdr", "contacts"):
        dedicated = yaml.safe_load(builtin_mapping(name).text)
        for entity, spec in dedicated["entities"].items():
            assert seized["entities"][entity] == spec
        for table, spec in dedicated["events"].items():
            assert seized["events"][table]["fields"] == spec["fields"]


PV = (
    "PROCÈS-VERBAL D'AUDITION\n"
    "\n"
    "Disons que le nommé X déclare avoir reçu la beuh\n"
    "d'un homme joignable au 06 12 34 56 78.\n"
    "\n"
    "\n"
    "Le go fast passe par la plaque GH-456-JK, IBAN FR76 3000 6000 0112 3456 7890 189.\n"
)


def test_pv_paragraphs_with_identifiers_and_slang(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    """Paragraphs between blank lines, numbered, at the line they start; identifiers
    become entities citing their paragraph, slang is flagged."""
    ingest_file(sqlite_workspace, _write(tmp_path / "PV 12 audition.txt", PV), "pv")
    rows = _rows(sqlite_workspace, "pv_paragraphs")
    assert [(r["document"], r["paragraph"], r["source_line"]) for r in rows] == [
        ("PV 12 audition", 1, 1),
        ("PV 12 audition", 2, 3),
        ("PV 12 audition", 3, 7),
    ]
    assert rows[1]["text"] == (
        "Disons que le nommé X déclare avoir reçu la beuh\nd'un homme joignable au 06 12 34 56 78."
    )
    assert [(r["identifiers"], r["slang"]) for r in rows[1:]] == [
        ("phone:+33612345678", "beuh"),
        ("plate:GH-456-JK, iban:FR7630006000011234567890189", "go fast"),
    ]
    assert _phones(sqlite_workspace)["+33612345678"] == [
        ("number", "+33612345678", "PV 12 audition.txt:3")
    ]
    with sqlite_workspace.db.begin() as conn:
        [vehicle] = list(iter_entities(conn, schema="Vehicle"))
        [account] = list(iter_entities(conn, schema="BankAccount"))
    assert (vehicle.first("registrationNumber"), account.first("iban")) == (
        "GH-456-JK",
        "FR7630006000011234567890189",
    )


def test_pv_without_blank_lines_is_one_paragraph_per_line() -> None:
    """A word processor's text: one paragraph per line; Windows-1252 read as such."""
    data = "Première ligne, la coke.\r\nDeuxième ligne.\r\n".encode("cp1252")
    lines = iter([line.decode("utf-8", "surrogateescape") for line in data.splitlines(True)])
    records = list(pv_records(lines, "pv"))
    assert [(r.line, r.fields and r.fields["paragraph"]) for r in records] == [(1, 1), (2, 2)]
    assert [r.fields and (r.fields["text"], r.fields["slang"]) for r in records] == [
        ("Première ligne, la coke.", "coke"),
        ("Deuxième ligne.", None),
    ]


def test_corrected_records_replay() -> None:
    """A quarantined record, corrected, parses as its reader would have read it."""
    columns = ["owner", "name", "number", "email", "case_ref", "seizure_ref"]
    columns += ["owner_e164", "number_e164"]
    contact = parse_raw("contacts", "0698765432,Tonton,0612345678,,PV-17,", columns)
    assert (contact["owner_e164"], contact["number"]) == ("+33698765432", "+33612345678")
    raw = json.dumps({"kind": "message", "ts": "2024-03-01T10:00:00", "text": "la coke"})
    assert parse_raw("extraction", raw, None)["slang"] == "coke"
    assert parse_raw("pv", "IBAN FR76 3000 6000 0112 3456 7890 189", None)["identifiers"] == (
        "iban:FR7630006000011234567890189"
    )


WHATSAPP = "01/03/2024 09:13 - Nourrice: le go fast part ce soir\n"


def test_cli_sets_case_and_seizure_where_the_file_has_none(tmp_path: Path) -> None:
    """``--case-ref``/``--seizure-ref`` fill exports and PVs, and contact rows that
    leave them empty, never a value the file gives; a format without them refuses."""
    home = tmp_path / "home"
    runner = CliRunner()
    refs = ["--case-ref", "PV-2024-17", "--seizure-ref", "SC-9", "--home", str(home)]
    files = {
        "pv": _write(tmp_path / "pv.txt", PV),
        "whatsapp": _write(tmp_path / "WhatsApp Chat with Nourrice.txt", WHATSAPP),
        "contacts": _write(tmp_path / "repertoire.csv", CONTACTS),
    }
    for format, path in files.items():
        result = runner.invoke(app, ["ingest", str(path), "--format", format, *refs])
        assert result.exit_code == 0, result.output
    ws = Workspace.open(home)
    try:
        for table in ("pv_paragraphs", "messages"):
            assert {(r["case_ref"], r["seizure_ref"]) for r in _rows(ws, table)} == {
                ("PV-2024-17", "SC-9")
            }
        assert [(r["case_ref"], r["seizure_ref"]) for r in _rows(ws, "contacts")] == [
            ("PV-17", "SC-3"),
            ("PV-17", "SC-9"),
        ]
    finally:
        ws.close()
    cells = _write(tmp_path / "relais.csv", CELLS)
    refused = runner.invoke(app, ["ingest", str(cells), "--format", "cells", *refs])
    assert refused.exit_code != 0
    said = " ".join(refused.output.split())  # the terminal wraps long lines
    assert "--case-ref: le format cells ne garde pas / does not keep case_ref" in said
