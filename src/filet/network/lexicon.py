"""Trafficking slang that flags a message for an analyst to read.

The lexicon is YAML (``slang.yaml`` ships with Filet, French and Spanish, kept by
analysts): each term with its language and category. Matching ignores case and
accents (``gerant`` finds ``Gérant``) and respects word boundaries (``coke`` is not
found in ``cokerie``); a plural in -s or -x counts, and a term of several words
matches across any run of spaces. Folding is done character by character, so a hit's
span is a span of the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DEFAULT_LEXICON = Path(__file__).with_name("slang.yaml")


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
    """The lexicon in ``path``; ValueError naming the file and the entry at fault."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"{path}: lexique illisible / unreadable lexicon: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        raise ValueError(f"{path}: 'terms' (liste / list) attendu / expected")
    terms = [_term(entry, path, number) for number, entry in enumerate(data["terms"], 1)]
    if not terms:
        raise ValueError(f"{path}: terms: lexique vide / empty lexicon")
    return Lexicon(terms, str(data.get("version", "")))


@cache
def default_lexicon() -> Lexicon:
    return load()


def _term(entry: object, path: Path, number: int) -> Term:
    where = f"{path}: terms[{number}]"
    if not isinstance(entry, dict) or set(entry) != {"term", "lang", "category"}:
        raise ValueError(f"{where}: attendu / expected {{term, lang, category}}")
    values = [entry["term"], entry["lang"], entry["category"]]
    if not all(isinstance(value, str) and value.strip() for value in values):
        raise ValueError(f"{where}: texte non vide attendu / non-empty text expected")
    return Term(" ".join(entry["term"].split()), entry["lang"], entry["category"])
