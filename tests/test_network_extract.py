"""Identifiers and slang found in free text.

Known answers on a procès-verbal-like paragraph whose identifiers are valid by
construction (IBAN FR76 3000 6000 0112 3456 7890 189 is the ISO 13616 example of
filet.model.identifiers.iban, CSQU 305438 3 the ISO 6346 example, IMO 9319466 and
the Bitcoin and EIP-55 addresses those of their modules); property tests that
extraction never fails and agrees with the validators search uses.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from filet.model import identifiers
from filet.network.extract import extract
from filet.network.lexicon import default_lexicon, fold, load

PV = (
    "Le 12 mars 2024, nous, officier de police judiciaire, constatons que le nommé "
    "« TONTON » utilise la ligne 06 12 34 56 78 et reçoit des appels du +34 612 345 678. "
    "Le véhicule Peugeot 308 immatriculé GH-456-JK stationne près du véhicule ancien "
    "1234 AB 13. Les virements transitent par le compte FR76 3000 6000 0112 3456 7890 189 "
    "AU NOM DE la SCI, puis en bitcoins vers 1NEDqZPvTWRaoho48qXuLLsrYomMXPABfD et "
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed. Le conteneur CSQU 305438 3 a été "
    "débarqué du navire IMO 9319466 (MMSI 227006760) au point 43.2965, 5.3698. "
    "Contact : tonton.b@proton.me. Saisie de 2 kilos de cc et de la beuh dans le four."
)


def test_procès_verbal_known_answers() -> None:
    found = extract(PV)
    assert [(item.kind, item.value) for item in found] == [
        ("phone", "+33612345678"),
        ("phone", "+34612345678"),
        ("plate", "GH-456-JK"),
        ("plate", "1234 AB 13"),
        ("iban", "FR7630006000011234567890189"),
        ("crypto", "1NEDqZPvTWRaoho48qXuLLsrYomMXPABfD"),
        ("crypto", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
        ("container", "CSQU3054383"),
        ("imo", "9319466"),
        ("mmsi", "227006760"),
        ("coordinates", "43.296500,5.369800"),
        ("email", "tonton.b@proton.me"),
    ]
    assert [PV[item.start : item.end] for item in found[:5]] == [
        "06 12 34 56 78",
        "+34 612 345 678",
        "GH-456-JK",
        "1234 AB 13",
        "FR76 3000 6000 0112 3456 7890 189",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "plaque AB-000-CD",  # SIV digits run from 001
        "plaque SS-123-AB",  # SS never issued
        "plaque AI-123-BC",  # no I, O or U in SIV
        "compte FR76 3000 6000 0112 3456 7890 188",  # wrong IBAN check digits
        "conteneur CSQU 305438 4",  # wrong ISO 6346 check digit
        "navire IMO 9319467",  # wrong IMO check digit
        "point 95.1234, 5.3698",  # latitude beyond 90
        "réf. 3054383 et 1234567",  # bare numbers: no IMO prefix
    ],
)
def test_invalid_lookalikes_are_not_extracted(text: str) -> None:
    assert extract(text) == []


def test_foreign_number_and_region() -> None:
    """A number without country code is read in the given region."""
    assert [i.value for i in extract("llama al 612 34 56 78", region="ES")] == ["+34612345678"]
    assert [i.value for i in extract("call +44 20 7946 0958")] == ["+442079460958"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_extraction_never_fails(text: str) -> None:
    """Any text: spans in bounds, in order, never overlapping."""
    found = extract(text)
    assert all(0 <= item.start < item.end <= len(text) for item in found)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


_VALIDATED = ("phone", "iban", "crypto", "container", "imo", "mmsi")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "06 12 34 56 78",
                "FR76 3000 6000 0112 3456 7890 189",
                "CSQU 305438 3",
                "IMO 9319466",
                "1NEDqZPvTWRaoho48qXuLLsrYomMXPABfD",
                "beuh",
                "AB-123-CD",
            ]
        )
        | st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
        max_size=8,
    )
)
def test_extraction_agrees_with_search_validators(words: list[str]) -> None:
    """Every value extracted is the normal form search would store for it."""
    for item in extract(" ".join(words)):
        if item.kind in _VALIDATED:
            assert identifiers.normalize(item.kind, item.value) == item.value


def test_slang_folds_accents_and_respects_words() -> None:
    hits = default_lexicon().find("Le GÉRANT veut 3 kilos de la   Blanche ; pas la cokerie.")
    assert [(hit.term.term, hit.written) for hit in hits] == [
        ("gérant", "GÉRANT"),
        ("kilo", "kilos"),
        ("la blanche", "la   Blanche"),
    ]
    assert [hit.term.lang for hit in default_lexicon().find("perico y falopa")] == ["es", "es"]


@given(st.text())
def test_fold_keeps_spans(text: str) -> None:
    assert len(fold(text)) == len(text)


def test_lexicon_file_errors_name_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "slang.yaml"
    path.write_text("terms:\n  - {term: coke, lang: fr}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"terms\[1\]"):
        load(path)
    path.write_text("terms:\n  - {term: mula, lang: es, category: transport}\n", encoding="utf-8")
    assert [hit.written for hit in load(path).find("MULAS")] == ["MULAS"]
