"""Identifiers found in free text: procès-verbaux, chat messages, notes.

Each kind is found by a loose pattern, then checked by the same validator that search
uses (:mod:`filet.model.identifiers`), so what extraction reports is what a search for
it finds. Phone numbers are found by libphonenumber's matcher (national formats read
with a default region, France), IBANs checked by schwifty, containers and IMO numbers
by their check digits, crypto addresses by their checksums.

French plates, two formats:

- SIV (système d'immatriculation des véhicules, arrêté du 9 février 2009 relatif aux
  modalités d'immatriculation des véhicules):
  ``AB-123-CD``, letters other than I, O and U, ``SS`` never in the first or last
  block, digits 001 to 999;
- FNI (former national file, arrêté du 5 novembre 1984 relatif à l'immatriculation des
  véhicules): ``1234 AB 56``, one to four digits, one to three letters, the
  département (01 to 95, 2A, 2B, 971 to 976); written with spaces or dashes, since
  the bare form is indistinguishable from ordinary text.

IMO and MMSI numbers are taken only after their prefix (``IMO 9319466``, ``MMSI
227006760``): a bare seven- or nine-digit number is too often something else.
Coordinates are decimal degrees with at least three decimals (about 100 m), latitude
first, as ``43.2965, 5.3698``.

A crypto address (Bitcoin, Ethereum, Tron) must be a whole word: the 40 hexadecimal
digits that begin a 64-digit transaction hash are not an Ethereum address, nor is a
Base58 run glued to other letters or digits (a token in a URL); an address between
slashes or after ``=`` in a link is one.

When two matches overlap, the more specific kind wins (an IBAN's digits are not also
a phone number).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import phonenumbers

from filet.model.identifiers import container, crypto, iban, imo, mmsi, phone


@dataclass(frozen=True)
class Identifier:
    """One identifier in a text: its kind, its canonical value and where it stands."""

    kind: str
    value: str
    start: int
    end: int


_SIV_LETTER = "[A-HJ-NP-TV-Z]"
_DEPARTMENT = r"(?:0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])"
_PATTERNS: dict[str, re.Pattern[str]] = {
    "iban": re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,4}){3,8}\b"),
    "crypto": re.compile(
        r"\b(?:0x[0-9a-fA-F]{40}|[13][1-9A-HJ-NP-Za-km-z]{25,34}|T[1-9A-HJ-NP-Za-km-z]{33}"
        r"|(?i:bc1[02-9ac-hj-np-z]{8,87}))\b"
    ),
    "container": re.compile(r"\b[A-Z]{3}[UJZR] ?\d{6} ?-?\d\b"),
    "imo": re.compile(r"\bIMO[ :n°.]*(\d{7})\b", re.IGNORECASE),
    "mmsi": re.compile(r"\bMMSI[ :n°.]*(\d{9})\b", re.IGNORECASE),
    "email": re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b"),
    "coordinates": re.compile(r"(?<![\d.])(-?\d{1,2}\.\d{3,})\s*[,;]\s*(-?\d{1,3}\.\d{3,})\b"),
    "plate": re.compile(
        rf"\b(?:({_SIV_LETTER}{{2}})[- ]?(\d{{3}})[- ]?({_SIV_LETTER}{{2}})"
        rf"|(\d{{1,4}})[ -]([A-Z]{{1,3}})[ -]({_DEPARTMENT}))\b"
    ),
}
# Most specific first: a match keeps its span against the kinds after it.
KINDS = ("iban", "crypto", "container", "imo", "mmsi", "email", "coordinates", "plate", "phone")


def extract(text: str, region: str = phone.DEFAULT_REGION) -> list[Identifier]:
    """Every identifier in ``text``, in the order they appear, without overlaps."""
    taken: list[Identifier] = []
    for kind in KINDS:
        found = _phones(text, region) if kind == "phone" else _matches(kind, text)
        for candidate in found:
            if not any(candidate.start < t.end and t.start < candidate.end for t in taken):
                taken.append(candidate)
    return sorted(taken, key=lambda item: (item.start, item.end))


def _matches(kind: str, text: str) -> Iterator[Identifier]:
    check = _CHECKS[kind]
    for match in _PATTERNS[kind].finditer(text):
        found = check(match)
        if found is not None:
            yield Identifier(kind, found[0], found[1], found[2])


Found = tuple[str, int, int] | None


def _iban(match: re.Match[str]) -> Found:
    """The longest valid IBAN at the start of the match: the pattern may have taken
    the next upper-case word as a last group."""
    groups = match.group().split(" ")
    for count in range(len(groups), 0, -1):
        written = " ".join(groups[:count])
        try:
            return iban.normalize(written), match.start(), match.start() + len(written)
        except ValueError:
            continue
    return None


def _validated(normalize: Callable[[str], str], group: int = 0) -> Callable[[re.Match[str]], Found]:
    def check(match: re.Match[str]) -> Found:
        try:
            return normalize(match.group(group)), match.start(), match.end()
        except ValueError:
            return None

    return check


def _email(match: re.Match[str]) -> Found:
    return match.group().lower(), match.start(), match.end()


def _coordinates(match: re.Match[str]) -> Found:
    latitude, longitude = float(match.group(1)), float(match.group(2))
    if abs(latitude) > 90 or abs(longitude) > 180:
        return None
    return f"{latitude:.6f},{longitude:.6f}", match.start(), match.end()


def _plate(match: re.Match[str]) -> Found:
    if match.group(1):
        left, digits, right = match.group(1, 2, 3)
        if "SS" in (left, right) or digits == "000":
            return None
        return f"{left}-{digits}-{right}", match.start(), match.end()
    return " ".join(match.group(4, 5, 6)), match.start(), match.end()


_CHECKS: dict[str, Callable[[re.Match[str]], Found]] = {
    "iban": _iban,
    "crypto": _validated(crypto.normalize),
    "container": _validated(container.normalize),
    "imo": _validated(imo.normalize, 1),
    "mmsi": _validated(mmsi.normalize, 1),
    "email": _email,
    "coordinates": _coordinates,
    "plate": _plate,
}


def _phones(text: str, region: str) -> Iterator[Identifier]:
    for match in phonenumbers.PhoneNumberMatcher(text, region):
        try:
            value = phone.normalize(match.raw_string, region)
        except ValueError:
            continue
        yield Identifier("phone", value, match.start, match.end)
