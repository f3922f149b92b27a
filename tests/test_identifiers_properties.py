"""Identifier parsers on arbitrary text: they never crash, and normalizing is idempotent."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import imo as stdnum_imo
from stdnum import iso6346

from filet.model import identifiers

KINDS = sorted(identifiers.KINDS)
# Text that looks like identifiers (digits, letters, separators) finds more edge cases
# than arbitrary Unicode, which is tried too.
IDENTIFIER_LIKE = st.text(alphabet="0123456789ABCDEFXUbcx +-./()", max_size=40)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=150, deadline=None)
@given(text=st.one_of(st.text(max_size=60), IDENTIFIER_LIKE))
def test_normalize_raises_value_error_or_returns_a_fixed_point(kind: str, text: str) -> None:
    try:
        normalized = identifiers.normalize(kind, text)
    except ValueError:
        return
    assert identifiers.normalize(kind, normalized) == normalized


@given(text=st.one_of(st.text(max_size=60), IDENTIFIER_LIKE))
@settings(max_examples=200, deadline=None)
def test_detect_never_crashes_and_only_names_kinds_that_normalize(text: str) -> None:
    for kind in identifiers.detect(text):
        identifiers.normalize(kind, text)


@given(serial=st.integers(min_value=100000, max_value=999999))
def test_every_imo_with_its_check_digit_is_valid(serial: int) -> None:
    number = str(serial) + stdnum_imo.calc_check_digit(str(serial))
    assert identifiers.normalize("imo", f"IMO {number}") == number
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(ValueError, match="check digit"):
        identifiers.normalize("imo", wrong)


@given(
    owner=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3),
    serial=st.integers(min_value=0, max_value=999999),
)
def test_every_container_number_with_its_check_digit_is_valid(owner: str, serial: int) -> None:
    body = f"{owner}U{serial:06d}"
    number = body + iso6346.calc_check_digit(body)
    assert identifiers.normalize("container", f"{number[:4]} {number[4:10]}-{number[10]}") == number
