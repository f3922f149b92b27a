"""``filet entity show`` follows the link between an identifier and the text it was read
in, both ways: a procès-verbal paragraph lists its phone, plate and IBAN, and the IBAN
lists the paragraph, with its case and ``file:line``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from filet.cli import app
from test_network_seized import PV


def _show(home: str, entity_id: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["entity", "show", entity_id, "--json", "--home", home])
    assert result.exit_code == 0, result.output
    shown: dict[str, Any] = json.loads(result.stdout)
    return shown


def _search(home: str, query: str) -> str:
    result = CliRunner().invoke(app, ["entity", "search", query, "--json", "--home", home])
    assert result.exit_code == 0, result.output
    [hit] = {hit["entity_id"] for hit in json.loads(result.stdout)}
    return str(hit)


def test_paragraph_and_identifiers_show_each_other(tmp_path: Path) -> None:
    path = tmp_path / "PV 12 audition.txt"
    path.write_text(PV, encoding="utf-8")
    home = str(tmp_path / "home")
    ingest = ["ingest", str(path), "--format", "pv", "--case-ref", "PV-2024-17", "--home", home]
    result = CliRunner().invoke(app, ingest)
    assert result.exit_code == 0, result.output
    iban = _search(home, "FR7630006000011234567890189")
    account = _show(home, iban)
    [text] = account["mentioned_in"]
    assert (text["record"], text["case_ref"]) == ("PV 12 audition.txt:7", "PV-2024-17")
    paragraph = _show(home, text["text_id"])
    named = {(m["schema"], m["caption"]) for m in paragraph["mentions"]}
    assert named == {("BankAccount", "FR7630006000011234567890189"), ("Vehicle", "GH-456-JK")}
    assert account["mentions"] == []  # an account names nothing
    shown = CliRunner().invoke(app, ["entity", "show", text["text_id"], "--home", home])
    assert "Mentionne / mentions" in shown.output and "GH-456-JK" in shown.output
    phone_page = CliRunner().invoke(app, ["entity", "show", _search(home, "+33612345678"),
                                          "--home", home])  # fmt: skip
    assert "Mentionné dans / mentioned in" in phone_page.output
    assert "PV 12 audition.txt:3" in phone_page.output
