"""Each identifier found in a seized message or a procès-verbal paragraph is linked,
as an entity relation, to a ``CaseText`` for that text: its case, seizure, date and
``file:line``; the link shows in ``mentions_of``, the link chart and FtM exports."""

from __future__ import annotations

from pathlib import Path

from followthemoney import StatementEntity

from filet.export.ftm import entity_dicts
from filet.ingest import ingest_file
from filet.ingest.readers import given_fields
from filet.network.mentions import mentions_of
from filet.store import Workspace
from filet.store.entities import iter_entities
from filet.web.graph import links_of
from test_network_messaging import _line_of_message, _telegram_export
from test_network_seized import PV

IBAN = "FR7630006000011234567890189"


def _ingest(ws: Workspace, path: Path, format: str, seizure: str = "SC-9") -> None:
    with given_fields(case_ref="PV-2024-17", seizure_ref=seizure):
        ingest_file(ws, path, format)


def _by_schema(ws: Workspace, schema: str) -> list[StatementEntity]:
    with ws.db.begin() as conn:
        found = iter_entities(conn, schema=schema)
        return sorted(found, key=lambda e: e.first("recordId", quiet=True) or e.id or "")


def test_identifiers_link_to_the_message_they_were_read_in(
    workspace: Workspace, tmp_path: Path
) -> None:
    """On every database backend: one CaseText per message with identifiers, naming
    each of them; the IBAN's mention says which message, seizure and date."""
    path = _telegram_export(tmp_path / "result.json", account=False)
    _ingest(workspace, path, "telegram")
    first, second = (_line_of_message(path, n) for n in (1, 2))
    [account] = _by_schema(workspace, "BankAccount")
    phones = {p.first("number"): p.id for p in _by_schema(workspace, "Phone")}
    texts = _by_schema(workspace, "CaseText")
    assert [t.first("recordId") for t in texts] == [f"result.json:{n}" for n in (second, first)]
    text = texts[0]
    assert sorted(text.get("mentions")) == sorted([account.id, phones["+34612345678"]])
    assert texts[1].get("mentions") == [phones["+33612345678"]]
    assert (text.first("date"), text.first("chat"), text.first("sender")) == (
        "2024-03-01T09:05:00",  # Paris time in the export, UTC here
        "Tonton",
        "Moi",
    )
    assert (text.first("caseRef"), text.first("seizureRef")) == ("PV-2024-17", "SC-9")
    assert text.caption == f"SC-9 · Tonton · 2024-03-01 09:05 UTC · result.json:{second}"
    with workspace.db.begin() as conn:
        [mention] = mentions_of(conn, account.id or "", None)
        edges = links_of(conn, [account.id or ""], None)
        exported = {e["id"]: e for e in entity_dicts(conn, schema="CaseText")}
    assert (mention.text_id, mention.seizure_ref, mention.date, mention.record) == (
        text.id,
        "SC-9",
        "2024-03-01T09:05:00",
        f"result.json:{second}",
    )
    assert [(e.source, e.target, e.relation) for e in edges] == [(text.id, account.id, "mentions")]
    assert account.id in exported[text.id or ""]["properties"]["mentions"]


def test_pv_paragraphs_are_texts_too(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "PV 12 audition.txt"
    path.write_text(PV, encoding="utf-8")
    _ingest(sqlite_workspace, path, "pv")
    texts = _by_schema(sqlite_workspace, "CaseText")
    assert [(t.first("recordId"), t.first("document"), t.first("date")) for t in texts] == [
        ("PV 12 audition.txt:3", "PV 12 audition", None),
        ("PV 12 audition.txt:7", "PV 12 audition", None),
    ]
    assert [len(t.get("mentions")) for t in texts] == [1, 2]  # the phone; plate and IBAN
    assert texts[1].caption == "SC-9 · PV 12 audition.txt:7"


def _text_ids(folder: Path, text: str, seizure: str, name: str = "PV 12 audition.txt") -> set[str]:
    """The CaseText ids of ``text`` ingested as ``name`` in a fresh workspace."""
    folder.mkdir()
    path = folder / name
    path.write_text(text, encoding="utf-8")
    ws = Workspace.open(folder / "home", f"sqlite:///{folder / 'filet.db'}")
    try:
        _ingest(ws, path, "pv", seizure)
        return {t.id or "" for t in _by_schema(ws, "CaseText")}
    finally:
        ws.close()


def test_text_ids_are_stable_across_ingests_and_apart_across_seizures(tmp_path: Path) -> None:
    once = _text_ids(tmp_path / "a", PV, "SC-9")
    assert len(once) == 2
    assert _text_ids(tmp_path / "b", PV, "SC-9") == once  # the same file read again
    assert _text_ids(tmp_path / "c", PV, "SC-10").isdisjoint(once)  # another seizure
    other = PV.replace("06 12 34 56 78", "06 98 76 54 32")  # same name, other content
    assert len(_text_ids(tmp_path / "d", other, "SC-9") & once) == 1
