"""Name folding and lookup keys: the pieces that make typos and scripts meet."""

from __future__ import annotations

import pytest

from filet.search.matching import name_similarity
from filet.search.names import fold, pair_key, skeleton, token_keys


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Zoë Müller-Lüdenscheidt", ("zoe", "muller", "ludenscheidt")),
        ("Владимир Путин", ("vladimir", "putin")),
        ("Αλέξανδρος Παπαδόπουλος", ("alexandros", "papadopoulos")),
        ("فاطمة", ("fatma",)),  # final ta marbuta read as "a"
        ("  ", ()),
    ],
)
def test_fold_transliterates_and_tokenizes(name: str, tokens: tuple[str, ...]) -> None:
    assert fold(name).tokens == tokens


@pytest.mark.parametrize(
    ("latin", "arabic"),
    [("Mohammed", "محمد"), ("Chraibi", "الشرايبي"), ("Tarek", "طارق"), ("Youssef", "يوسف")],
)
def test_arabic_and_latin_spellings_share_a_skeleton(latin: str, arabic: str) -> None:
    assert fold(latin).skeleton == fold(arabic).skeleton


def test_skeleton_squeezes_doubles_and_drops_the_article() -> None:
    assert skeleton("mohammed") == "mhmd"
    assert skeleton("alzyany") == skeleton("ziani") == "zn"


def test_tokens_one_edit_apart_share_a_deletion_key() -> None:
    for typo in ("vladimr", "vladimire", "vladimit", "vldaimir"):
        assert token_keys("vladimir") & token_keys(typo), typo


def test_short_and_numeric_tokens_have_no_fuzzy_keys() -> None:
    assert token_keys("bin") == set()
    assert token_keys("12345") == set()


def test_pairs_ignore_word_order() -> None:
    assert pair_key("export", "thomas") == pair_key("thomas", "export") == "export|thomas"
    assert fold("Thomas Export SA").pairs == {"export|thomas", "export|sa"}


def test_similarity_prefers_the_whole_name() -> None:
    query = (fold("Jean Dupont").text, fold("Jean Dupont").skeleton)
    exact = name_similarity(query, (fold("Jean Dupont").text, fold("Jean Dupont").skeleton), 0.9)
    longer = fold("Jean Pierre Dupont Martin")
    assert exact == 1.0
    assert exact > name_similarity(query, (longer.text, longer.skeleton), 0.9)
