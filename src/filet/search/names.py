"""How names are folded into comparable forms and the keys that find them again.

A name in any script is transliterated to ASCII (rigour, then ICU through normality),
lower-cased and cut into tokens. Each distinct token gets lookup keys so that a query
token finds it despite a typo or another romanization:

- ``d:`` its one-character deletions (and itself): two tokens at edit distance 1 share
  a key (the symmetric-delete idea of Garbe's SymSpell, 2012);
- ``m:`` its Metaphone code (Philips 1990): Mohammed, Muhamad and Mohamed sound alike;
- ``s:`` its consonant skeleton: Arabic script is mostly written without short vowels,
  so ``محمد`` transliterates to ``mhmd``, the skeleton of ``Mohammed``. The skeleton
  also drops the article (``al``, ``el``), folds the spellings of one sound
  (``ch``/``sh``, ``q``/``k``, ``c``/``k``, ``ph``/``f``) and treats ``w`` and ``y`` as
  vowels, since they render و and ي, which are as often written ``ou`` and ``i``:
  ``الشرايبي`` and ``Chraibi`` both give ``srb``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rigour.names import tokenize_name
from rigour.text import ascii_text, metaphone

# Longest token kept; longer runs are not names (hashes, garbage) and would bloat keys.
MAX_TOKEN_LENGTH = 48
# Shorter tokens get no typo or sound keys: at 3 letters one deletion matches too much.
MIN_FUZZY_LENGTH = 4
_VOWELS = frozenset("aeiouyw")
_ARTICLE = re.compile(r"^[ae]l(?=[a-z]{3})")
_ARTICLES = frozenset({"al", "el"})
_SAME_SOUND = (("sch", "s"), ("ch", "s"), ("sh", "s"), ("ph", "f"), ("q", "k"), ("c", "k"))
# Final ta marbuta and alif maqsura are read as "a" (Fatima, Salma), not as "t"/"y".
_ARABIC_FINALS = str.maketrans({"ة": "a", "ى": "a"})


@dataclass(frozen=True)
class NameForm:
    """A name folded for comparison: ASCII tokens and their consonant skeletons."""

    tokens: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def skeleton(self) -> str:
        return " ".join(skeleton(token) for token in self.tokens if token not in _ARTICLES)

    @property
    def pairs(self) -> set[str]:
        """Adjacent tokens in either order: selective where single tokens are common."""
        return {pair_key(*pair) for pair in zip(self.tokens, self.tokens[1:], strict=False)}


def fold(name: str) -> NameForm:
    """``name`` transliterated, lower-cased and tokenized."""
    ascii_name = ascii_text(name.translate(_ARABIC_FINALS)).lower()
    return NameForm(tuple(token[:MAX_TOKEN_LENGTH] for token in tokenize_name(ascii_name)))


def skeleton(token: str) -> str:
    """The consonants, article dropped, sounds folded, doubles squeezed: mohammed -> mhmd."""
    folded = _ARTICLE.sub("", token)
    for spelling, sound in _SAME_SOUND:
        folded = folded.replace(spelling, sound)
    squeezed: list[str] = []
    for char in folded:
        if char not in _VOWELS and (not squeezed or char != squeezed[-1]):
            squeezed.append(char)
    return "".join(squeezed)


def pair_key(first: str, second: str) -> str:
    """The posting key of two tokens, whatever their order ("a|b")."""
    return "|".join(sorted((first, second)))


def token_keys(token: str) -> set[str]:
    """The lookup keys of a token (see the module docstring); none for short tokens."""
    if len(token) < MIN_FUZZY_LENGTH or token.isdigit():
        return set()
    keys = {"d:" + token}
    keys.update("d:" + token[:index] + token[index + 1 :] for index in range(len(token)))
    sound = metaphone(token)
    if len(sound) >= 2:
        keys.add("m:" + sound)
    consonants = skeleton(token)
    if len(consonants) >= 3:
        keys.add("s:" + consonants)
    return keys
