"""Procès-verbaux as text, as the ``pv`` format reads them.

A procès-verbal (hearing, search, surveillance report) saved as ``.txt`` from the
word processor or from a PDF. Each paragraph is one record: a run of lines between
blank lines (what ``pdftotext`` writes), or each line when the file has no blank line
between two of its lines (what a word processor's "text only" writes, one paragraph
per line). A paragraph keeps the line where it starts, its number (1, 2, … in the
document) and the document's name (the file's name without ``.txt``).

The text is read as UTF-8, or as Windows-1252 when it is not UTF-8 (what French
versions of Word save as "text only"). Identifiers and slang are found as in
messages (``filet.network.messaging.with_findings``), and each identifier with an
entity becomes one, citing the paragraph's ``file:line``. A quarantined paragraph
corrected with ``raw=`` needs ``document=`` and ``paragraph=`` too: the text alone
does not say where it stood.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from filet.ingest.records import RecordError, SourceRecord
from filet.network.messaging import with_findings


def pv_records(lines: Iterator[str], document: str | None) -> Iterator[SourceRecord]:
    """One record per paragraph, at the line where it starts."""
    texts = [line.rstrip("\r\n") for line in _decoded(list(lines))]
    if texts:
        texts[0] = texts[0].removeprefix("\ufeff")
    for number, (line, taken) in enumerate(_paragraphs(texts), start=1):
        raw = "\n".join(taken)
        try:
            yield SourceRecord(line, raw, paragraph_fields(raw, document, number))
        except RecordError as problem:
            yield SourceRecord(line, raw, None, problem)


def paragraph_fields(text: str, document: str | None, paragraph: int | None) -> dict[str, Any]:
    """A paragraph's fields with the identifiers and slang found in it; RecordError
    when it holds bytes that were not text."""
    return with_findings({"document": document, "paragraph": paragraph, "text": text})


def _decoded(lines: list[str]) -> list[str]:
    """The lines as UTF-8 (readers decode so), or re-read as Windows-1252 when the
    file is not UTF-8; bytes neither reads stay undecodable, for the quarantine."""
    data = "".join(lines).encode("utf-8", "surrogateescape")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "surrogateescape").split("\n")
    return lines


def _paragraphs(texts: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines with the line each starts at; every line on its own
    when no blank line separates two of them."""
    runs: list[tuple[int, list[str]]] = []
    blank = True
    for number, text in enumerate(texts, start=1):
        if not text.strip():
            blank = True
        elif blank:
            runs.append((number, [text]))
            blank = False
        else:
            runs[-1][1].append(text)
    if len(runs) == 1:
        first = runs[0][0]
        return [(first + offset, [text]) for offset, text in enumerate(runs[0][1])]
    return runs
