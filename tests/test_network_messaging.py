"""Seized messaging exports: Telegram Desktop JSON and WhatsApp chat text.

Small exports written here in the layouts those applications produce (Telegram
Desktop "Export chat history" ``result.json``, one chat and the whole account;
WhatsApp "Export chat" on iPhone and Android, day first); the answers are known by
construction.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from filet.ingest import ingest_file
from filet.ingest.quarantine import list_quarantined
from filet.ingest.readers import parse_raw
from filet.network.messaging import telegram_records, whatsapp_records
from filet.store import Workspace
from filet.store.entities import iter_entities, values_with_provenance

TELEGRAM_MESSAGES: list[dict[str, Any]] = [
    {
        "id": 1,
        "type": "message",
        "date": "2024-03-01T10:00:00",
        "date_unixtime": "1709283600",
        "from": "Tonton",
        "from_id": "user4242",
        "text": "appelle le 06 12 34 56 78 pour la beuh",
    },
    {
        "id": 2,
        "type": "message",
        "date": "2024-03-01T10:05:00",
        "from": "Moi",
        "from_id": "user1",
        "text": [
            "vire sur ",
            {"type": "plain", "text": "FR76 3000 6000 0112 3456 7890 189"},
            " et envoie ",
            {"type": "phone", "text": "+34 612 345 678"},
        ],
    },
    {"id": 3, "type": "message", "from": "Moi", "text": "sans date"},
    {
        "id": 4,
        "type": "service",
        "date": "2024-03-01T11:00:00",
        "actor": "Tonton",
        "actor_id": "user4242",
        "action": "phone_call",
        "text": "",
    },
]


def _messages(ws: Workspace) -> list[dict[str, Any]]:
    parts = (ws.events.root / "messages").glob("*.parquet")
    rows = [row for part in parts for row in pq.read_table(part).to_pylist()]
    return sorted(rows, key=lambda row: row["source_line"])


def _telegram_export(path: Path, account: bool) -> Path:
    chat = {"name": "Tonton", "type": "personal_chat", "id": 4242}
    data: dict[str, Any] = {"about": "Here is the data you requested."}
    if account:
        data["chats"] = {"about": "All chats.", "list": [{**chat, "messages": TELEGRAM_MESSAGES}]}
    else:
        data.update(chat, messages=TELEGRAM_MESSAGES)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def _line_of_message(path: Path, message_id: int) -> int:
    """The line of the ``{`` that opens the message: the line before its ``"id"``, whose
    0-based index is that 1-based line number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines.index(next(line for line in lines if line.strip() == f'"id": {message_id},'))


def test_telegram_account_export(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    """Messages at their lines, UTC from date_unixtime, list texts joined, identifiers
    and slang flagged; the message without a date is quarantined at its line."""
    path = _telegram_export(tmp_path / "result.json", account=True)
    report = ingest_file(sqlite_workspace, path, "telegram")
    assert report.rows_quarantined == 1
    rows = _messages(sqlite_workspace)
    assert [row["source_line"] for row in rows] == [_line_of_message(path, n) for n in (1, 2, 4)]
    first, second, call = rows
    assert (first["chat"], first["sender"], first["sender_id"]) == ("Tonton", "Tonton", "user4242")
    assert first["ts"] == datetime(2024, 3, 1, 9, tzinfo=UTC)
    assert (first["identifiers"], first["slang"]) == ("phone:+33612345678", "beuh")
    assert second["ts"] == datetime(2024, 3, 1, 9, 5, tzinfo=UTC)  # Paris time, no offset
    assert second["text"] == "vire sur FR76 3000 6000 0112 3456 7890 189 et envoie +34 612 345 678"
    assert second["identifiers"] == "iban:FR7630006000011234567890189, phone:+34612345678"
    assert (call["text"], call["sender"]) == ("[phone_call]", "Tonton")
    with sqlite_workspace.db.begin() as conn:
        [bad] = list_quarantined(conn)
        assert (bad.line, bad.field) == (_line_of_message(path, 3), "date")


def test_identifiers_become_entities_citing_their_message(
    workspace: Workspace, tmp_path: Path
) -> None:
    """On every database backend: each value's provenance is the message's file:line."""
    path = _telegram_export(tmp_path / "result.json", account=False)
    ingest_file(workspace, path, "telegram")
    with workspace.db.begin() as conn:
        [account] = list(iter_entities(conn, schema="BankAccount"))
        assert account.get("iban") == ["FR7630006000011234567890189"]
        phones = sorted(
            (value.value, value.provenance.source_record)
            for entity in iter_entities(conn, schema="Phone")
            for value in values_with_provenance(conn, entity.id)
        )
    assert phones == [
        ("+33612345678", f"result.json:{_line_of_message(path, 1)}"),
        ("+34612345678", f"result.json:{_line_of_message(path, 2)}"),
    ]


def test_truncated_telegram_export_keeps_what_came_before(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    whole = _telegram_export(tmp_path / "whole.json", account=False).read_text(encoding="utf-8")
    path = tmp_path / "cut.json"
    path.write_text(whole[: whole.index('"sans date"')], encoding="utf-8")
    report = ingest_file(sqlite_workspace, path, "telegram")
    assert (report.rows_quarantined, len(_messages(sqlite_workspace))) == (1, 2)


WHATSAPP = (
    "entête parasite\n"
    "01/03/2024 09:12 - Les messages et les appels sont chiffrés de bout en bout.\n"
    "01/03/2024 09:13 - Nourrice: le go fast part ce soir\n"
    "plaque GH-456-JK\n"
    "\u200e[01/03/2024, 09:15:02] Chouf: ok 3 kilos\n"
    "31/02/2024 10:00 - Nourrice: date fausse\n"
    "\n"
    "01/03/24 10:01 - Nourrice: bien reçu\n"
)


def test_whatsapp_export(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    """Both header layouts, a multi-line message, a system line; a line before any
    message and an impossible date quarantined at their lines."""
    path = tmp_path / "WhatsApp Chat with Nourrice.txt"
    path.write_text(WHATSAPP, encoding="utf-8")
    report = ingest_file(sqlite_workspace, path, "whatsapp")
    assert report.rows_quarantined == 2
    rows = _messages(sqlite_workspace)
    assert [(r["source_line"], r["sender"], r["slang"]) for r in rows] == [
        (2, None, None),
        (3, "Nourrice", "go fast"),
        (5, "Chouf", "kilo"),
        (8, "Nourrice", None),
    ]
    assert rows[1]["text"] == "le go fast part ce soir\nplaque GH-456-JK"
    assert rows[1]["identifiers"] == "plate:GH-456-JK"
    assert {row["chat"] for row in rows} == {"Nourrice"}
    assert rows[2]["ts"] == datetime(2024, 3, 1, 8, 15, 2, tzinfo=UTC)
    with sqlite_workspace.db.begin() as conn:
        assert [(q.line, q.field) for q in list_quarantined(conn)] == [
            (1, "(enregistrement / record)"),
            (6, "date"),
        ]
        [vehicle] = list(iter_entities(conn, schema="Vehicle"))
    assert vehicle.get("registrationNumber") == ["GH-456-JK"]


def test_corrected_message_replays() -> None:
    """A quarantined message, corrected, parses as the reader would have read it."""
    fields = parse_raw("whatsapp", "01/03/2024 10:00 - Nourrice: date corrigée", None)
    assert (fields["sender"], fields["ts"]) == ("Nourrice", "2024-03-01T10:00:00")
    raw = json.dumps({"id": 3, "date": "2024-03-01T10:00:00", "from": "Moi", "text": "ok"})
    assert parse_raw("telegram", raw, None)["text"] == "ok"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_readers_never_fail(text: str) -> None:
    """Any text: every record is either read or carries its problem, lines in order."""
    for records in (
        list(whatsapp_records(iter(text.splitlines(keepends=True)), "chat")),
        list(telegram_records(text)),
    ):
        assert all((record.fields is None) == (record.problem is not None) for record in records)
        lines = [record.line for record in records]
        assert lines == sorted(lines)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                '{"id": 1, "date": "2024-03-01T10:00:00", "text": "x"}',
                "[",
                "]",
                ",",
                "{",
                "}",
                '"messages":',
                '"list":',
                "1",
            ]
        ),
        max_size=12,
    )
)
def test_telegram_walker_survives_broken_structure(tokens: list[str]) -> None:
    """Pieces of an export in any order: records or quarantine, never an exception."""
    for record in telegram_records('{"name": "c", "messages": [' + " ".join(tokens)):
        assert (record.fields is None) == (record.problem is not None)
