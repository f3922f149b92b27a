"""The slang lexicon a service names with the ``lexicon`` setting, and the errors an
analyst editing it reads: file, line, entry and field."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from filet.cli import app
from filet.ingest import IngestError, ingest_file
from filet.network.lexicon import DEFAULT_LEXICON, default_lexicon, load
from filet.store import Workspace

OWN = (
    "version: 2027-01-15\n"
    "terms:\n"
    "  - {term: pastèque, lang: fr, category: cannabis}\n"
    "  - term: colis\n"
    "    lang: fr\n"
    "    category: quantity\n"
)
WHATSAPP = "01/03/2024 09:13 - Nourrice: deux colis de pastèque et la beuh\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (OWN.replace("    lang: fr\n", ""), r"slang\.yaml:4: terms\[2\]\.lang: champ manquant"),
        (OWN.replace("    lang: fr", "    langue: fr"), r":4: terms\[2\]\.langue: champ inconnu"),
        (OWN.replace("category: cannabis", "category: 3"), r":3: terms\[1\]\.category: texte"),
        (OWN.replace("term: colis", "term: Pastéque"), r":4: terms\[2\]\.term: .*terms\[1\]"),
        (OWN.replace("  - {term: pastèque", "  - [term: pastèque"), r"slang\.yaml: .*illisible"),
        ("version: 1\n", r"slang\.yaml: terms: liste attendue / list expected"),
        ("terms: []\n", r"terms: lexique vide / empty lexicon"),
    ],
)
def test_errors_name_the_file_line_entry_and_field(tmp_path: Path, text: str, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        load(_write(tmp_path / "slang.yaml", text))


def test_the_shipped_lexicon_loads_without_duplicates() -> None:
    assert len(load(DEFAULT_LEXICON).terms) > 50


def test_the_setting_names_the_service_lexicon(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert default_lexicon().version == load(DEFAULT_LEXICON).version  # unset: the shipped one
    monkeypatch.setenv("FILET_LEXICON", str(_write(tmp_path / "own.yaml", OWN)))
    assert [hit.term.term for hit in default_lexicon().find("Deux COLIS")] == ["colis"]
    ws = Workspace.open(tmp_path / "home", f"sqlite:///{tmp_path / 'filet.db'}")
    try:
        ingest_file(ws, _write(tmp_path / "WhatsApp Chat with N.txt", WHATSAPP), "whatsapp")
        [part] = (ws.events.root / "messages").glob("*.parquet")
        [row] = pq.read_table(part).to_pylist()
    finally:
        ws.close()
    assert row["slang"] == "colis, pastèque"  # "beuh" is in the shipped list only
    # The file is read again once edited (its time set apart: clocks tick coarsely).
    edited = _write(tmp_path / "own.yaml", OWN.replace("term: colis", "term: beuh"))
    os.utime(edited, ns=(0, edited.stat().st_mtime_ns + 10**9))
    assert [hit.term.term for hit in default_lexicon().find("la beuh")] == ["beuh"]


def test_a_bad_setting_stops_the_ingest_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FILET_LEXICON", str(tmp_path / "absent.yaml"))
    with pytest.raises(IngestError, match=r"^lexicon: .*absent\.yaml: lexique illisible"):
        default_lexicon()
    bad = _write(tmp_path / "bad.yaml", OWN.replace("    category: quantity\n", ""))
    monkeypatch.setenv("FILET_LEXICON", str(bad))
    chat = _write(tmp_path / "WhatsApp Chat with N.txt", WHATSAPP)
    result = CliRunner().invoke(
        app, ["ingest", str(chat), "--format", "whatsapp", "--home", str(tmp_path / "home")]
    )
    said = " ".join(result.output.split())
    assert result.exit_code != 0
    assert "bad.yaml:4: terms[2].category: champ manquant / missing field" in said
    assert list((tmp_path / "home").glob("events/messages/*.parquet")) == []


YAML_PIECES = ["terms:", "version: 1", "\n", "  - ", "{term: x, lang: fr, category: c}", "[", "{"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=8), max_size=12))
def test_any_file_loads_or_says_why(pieces: list[str]) -> None:
    """Whatever the file holds: a lexicon, or a ValueError naming the file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "slang.yaml"
        path.write_text("".join(pieces), encoding="utf-8", errors="surrogateescape")
        try:
            lexicon = load(path)
        except ValueError as error:
            assert str(error).startswith(str(path))
        else:
            assert lexicon.terms
