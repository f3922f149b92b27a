"""Trafficking slang that flags a message for an analyst to read.

The lexicon is YAML (``slang.yaml`` ships with Filet, French and Spanish, kept by
analysts; a service names its own with the ``lexicon`` setting): each term with its
language and category. Matching ignores case and
accents (``gerant`` finds ``Gérant``) and respects word boundaries (``coke`` is not
found in ``cokerie``); a plural in -s or -x counts, and a term of several words
matches across any run of spaces. Folding is done character by character, so a hit's
span is a span of the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from filet import settings
from filet.ingest.records import IngestError

DEFAULT_LEXICON = Path(__file__).with_name("slang.yaml")
LEXICON_SETTING = "lexicon"
FIELDS = ("term", "lang", "category")


@dataclass(frozen=True)
class Term:
    term: str
    lang: str
    category: str


@dataclass(frozen=True)
class SlangHit:
    """A term found in a text, with the words as written there."""

    term: Term
    written: str
    start: int
    end: int


class Lexicon:
    """A checked list of terms, compiled into one pattern."""

    def __init__(self, terms: list[Term], version: str) -> None:
        self.terms = terms
        self.version = version
        self._by_folded = {fold(term.term): term for term in terms}
        words = sorted(self._by_folded, key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(map(re.escape, word.split())) for word in words)
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})[sx]?(?!\w)")

    def find(self, text: str) -> list[SlangHit]:
        """Every term in ``text``, in order; overlapping terms give the longest."""
        folded = fold(text)
        return [
            SlangHit(
                self._term(" ".join(match.group().split())),
                text[match.start() : match.end()],
                match.start(),
                match.end(),
            )
            for match in self._pattern.finditer(folded)
        ]

    def _term(self, folded: str) -> Term:
        """The term a match stands for, a plural (``kilos``, ``choufs``) for its singular."""
        return self._by_folded.get(folded) or self._by_folded[folded[:-1]]


def fold(text: str) -> str:
    """Lower case without accents, one character for one (spans stay valid)."""
    return "".join(_fold_char(char) for char in text)


@cache
def _fold_char(char: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    lowered = bare.lower()
    return lowered if len(lowered) == 1 else char


def load(path: Path = DEFAULT_LEXICON) -> Lexicon:
    """The lexicon in ``path``; ValueError naming the file, the line, the entry and the
    field at fault, so that an analyst editing the list finds the mistake at once."""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as error:
        raise ValueError(f"{path}: lexique illisible / unreadable lexicon: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        raise ValueError(f"{path}: terms: liste attendue / list expected")
    lines = _entry_lines(root)
    if len(lines) != len(data["terms"]):  # entries YAML merged in from elsewhere (<<)
        lines = []
    terms: list[Term] = []
    first: dict[str, int] = {}
    for number, entry in enumerate(data["terms"], 1):
        at = f"{path}:{lines[number - 1]}" if lines else str(path)
        where = f"{at}: terms[{number}]"
        term = _term(entry, where)
        seen = first.setdefault(fold(term.term), number)
        if seen != number:
            raise ValueError(f"{where}.term: {term.term!r} déjà / already in terms[{seen}]")
        terms.append(term)
    if not terms:
        raise ValueError(f"{path}: terms: lexique vide / empty lexicon")
    return Lexicon(terms, str(data.get("version", "")))


def default_lexicon() -> Lexicon:
    """The lexicon the ``lexicon`` setting names, else the one shipped with Filet; read
    again when the file changes. IngestError naming the setting when it cannot be used:
    the ingest stops before storing anything rather than flag nothing."""
    path = Path(settings.get(LEXICON_SETTING) or DEFAULT_LEXICON)
    try:
        return _loaded(path, path.stat().st_mtime_ns)
    except OSError as error:
        raise IngestError(
            f"{LEXICON_SETTING}: {path}: lexique illisible / unreadable lexicon: {error}"
        ) from error
    except ValueError as error:
        raise IngestError(f"{LEXICON_SETTING}: {error}") from error


@lru_cache(maxsize=4)
def _loaded(path: Path, mtime_ns: int) -> Lexicon:
    return load(path)


def _entry_lines(root: yaml.Node | None) -> list[int]:
    """The line (1-based) where each entry of ``terms`` starts (of the last ``terms``,
    the one YAML keeps when the key is repeated)."""
    lines: list[int] = []
    for key, value in root.value if isinstance(root, yaml.MappingNode) else []:
        if key.value == "terms" and isinstance(value, yaml.SequenceNode):
            lines = [item.start_mark.line + 1 for item in value.value]
    return lines


def _term(entry: Any, where: str) -> Term:
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: {{term, lang, category}} attendu / expected")
    unknown = sorted(str(key) for key in entry if key not in FIELDS)
    if unknown:
        raise ValueError(
            f"{where}.{unknown[0]}: champ inconnu / unknown field "
            f"(permis / allowed: {', '.join(FIELDS)})"
        )
    for field in FIELDS:
        if field not in entry:
            raise ValueError(f"{where}.{field}: champ manquant / missing field")
        value = entry[field]
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{where}.{field}: texte non vide attendu / non-empty text expected")
    return Term(" ".join(entry["term"].split()), entry["lang"].strip(), entry["category"].strip())
