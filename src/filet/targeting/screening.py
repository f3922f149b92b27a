"""Names of travellers and watchlist entries made comparable, and the keys that block them.

A PNR writes ``CHEVTCHENKO/TARAS``, a watchlist ``Шевченко Тарас`` or ``Shevchenko``;
a check-in agent types ``MOHAMED`` for ``Muhammad``. Names are folded to ASCII tokens
(ICU transliteration, through :func:`filet.search.names.fold`), then each token is cut
down to a **skeleton**: the spellings of one sound folded (``tch``/``ch``/``sh`` → ``s``,
``kh`` → ``h``, ``ph`` → ``f``, ``c``/``q`` → ``k``), vowels (with ``w`` and ``y``, which
render و and ي) dropped, doubled letters squeezed. ``Chevtchenko`` and ``Shevchenko``
both give ``svsnk``, ``Mohammed`` and ``Muhammad`` ``mhmd``.

The blocking keys of a name are the sorted pairs of a surname token's skeleton with
another token's skeleton (``mhmd|svsnk``): the pair survives a swap of surname and
given names, and is selective where a single skeleton (``mhmd``) is not. A one-token
name keeps its skeleton alone. The keys are computed at ingest by the ``screening``
reader (a CSV with ``surname``, ``given_names``, ``document_number`` and, for PNR,
``payer_name`` columns) so that the detectors join on them in SQL, on either engine.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import combinations
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from filet.ingest.records import AddedColumns
from filet.search.names import fold

if TYPE_CHECKING:  # the ingest package imports this module through its readers
    pass

# Columns the screening reader adds to each CSV record (see ScreeningColumns).
ADDED_COLUMNS = ("name_keys", "document_key", "surname_folded", "payer_folded")
# Particles carried by many unrelated names: a key made of them would block too much.
PARTICLES = frozenset({"al", "el", "de", "da", "del", "di", "du", "des", "van", "von", "der"})
MAX_TOKENS = 3  # per part of a name (surname, given names): the keys stay a handful
# Ordered: the longer spelling first (tsch before sch before ch).
_SOUNDS = (
    ("tsch", "s"), ("tch", "s"), ("sch", "s"), ("ch", "s"), ("sh", "s"), ("zh", "j"),
    ("dj", "j"), ("kh", "h"), ("gh", "g"), ("ph", "f"), ("th", "t"), ("ck", "k"),
    ("q", "k"), ("c", "k"),
)  # fmt: skip
_VOWELS = frozenset("aeiouyw")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def skeleton(token: str) -> str:
    """The token's consonants once doubles are squeezed and its sounds folded; its
    squeezed vowels when no consonant is left (``aya`` stays a key)."""
    folded = _squeezed(token)
    for spelling, sound in _SOUNDS:
        folded = folded.replace(spelling, sound)
    consonants = _squeezed("".join(char for char in folded if char not in _VOWELS))
    return consonants or _squeezed(token)


def _squeezed(text: str) -> str:
    """Runs of one letter as one: mohammed -> mohamed."""
    return "".join(char for n, char in enumerate(text) if n == 0 or char != text[n - 1])


@lru_cache(maxsize=200_000)
def tokens(name: str | None) -> tuple[str, ...]:
    """Folded tokens of one part of a name, particles left out."""
    if not name:
        return ()
    return tuple(token for token in fold(name).tokens if token not in PARTICLES)


def name_keys(surname: str | None, given_names: str | None) -> str:
    """The blocking keys of a name, space-separated and sorted (see the module docstring)."""
    family = [skeleton(t) for t in tokens(surname)[:MAX_TOKENS]]
    given = [skeleton(t) for t in tokens(given_names)[:MAX_TOKENS]]
    everyone = family + given
    if len(everyone) == 1:
        return everyone[0]
    pairs = {_pair(a, b) for a, b in combinations(family, 2)}
    pairs.update(_pair(a, b) for a in family for b in given)
    return " ".join(sorted(pairs))


def _pair(first: str, second: str) -> str:
    return "|".join(sorted((first, second)))


def document_key(number: str | None) -> str | None:
    """A travel document number as compared: upper case, letters and digits only."""
    if not number:
        return None
    return _NOT_ALNUM.sub("", number.upper()) or None


def folded(name: str | None) -> str | None:
    """A name as one folded string (``dupre jean``), to compare payer and passenger."""
    text = " ".join(fold(name).tokens) if name else ""
    return text or None


def name_score(surname_a: str, given_a: str | None, surname_b: str, given_b: str | None) -> float:
    """How alike two names are, 0-100, whatever their order, script or spelling.

    The mean of two rapidfuzz ``token_sort_ratio``: on the folded tokens (typos,
    accents, surname and given names swapped) and on their skeletons (other
    romanizations of the same sounds). Mohammed Ali/Muhammad Ali scores 91.7, Mahmoud
    Ali/Mohammed Ali 84.8.
    """
    text_a, text_b = _full(surname_a, given_a), _full(surname_b, given_b)
    letters = fuzz.token_sort_ratio(text_a, text_b)
    sounds = fuzz.token_sort_ratio(_skeletons(text_a), _skeletons(text_b))
    return round((letters + sounds) / 2, 1)


def _full(surname: str, given: str | None) -> str:
    return " ".join((*tokens(surname), *tokens(given)))


def _skeletons(text: str) -> str:
    return " ".join(skeleton(token) for token in text.split())


class ScreeningColumns(AddedColumns):
    """What the ``screening`` reader adds to a record: its keys, from the named columns."""

    added = ADDED_COLUMNS

    def fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The record with its blocking keys and folded names set."""
        surname, given = _text(fields.get("surname")), _text(fields.get("given_names"))
        keys = name_keys(surname, given) if surname or given else ""
        return {
            **fields,
            "name_keys": keys or None,
            "document_key": document_key(_text(fields.get("document_number"))),
            "surname_folded": folded(surname),
            "payer_folded": folded(_text(fields.get("payer_name"))),
        }


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


SCREENING_COLUMNS = ScreeningColumns()
