"""Identifier value types on published examples, valid and invalid."""

from __future__ import annotations

import pytest

from filet.model import identifiers
from filet.model.identifiers import container, crypto, iban, imo, mmsi, phone


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("imo", "IMO 9319466", "9319466"),
        ("imo", "imo8814275", "8814275"),
        ("mmsi", "227 006 760", "227006760"),
        ("mmsi", "MMSI 366999712", "366999712"),
        ("iban", "FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"),
        ("iban", "fr7630006000011234567890189", "FR7630006000011234567890189"),
        ("iban", "DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("phone", "06 12 34 56 78", "+33612345678"),
        ("phone", "+33 (0)6 12 34 56 78", "+33612345678"),
        ("phone", "+44 20 7946 0958", "+442079460958"),
        ("container", "CSQU 305438 3", "CSQU3054383"),
        ("container", "tasu117 000 0", "TASU1170000"),
        # EIP-55 test vector: mixed case with a right checksum, stored lower-case.
        (
            "crypto",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        ),
        ("crypto", "1NEDqZPvTWRaoho48qXuLLsrYomMXPABfD", "1NEDqZPvTWRaoho48qXuLLsrYomMXPABfD"),
        ("crypto", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
        # BIP 173 and BIP 350 test vectors (Bech32 v0, Bech32m v1 Taproot).
        (
            "crypto",
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        ),
        (
            "crypto",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        ),
    ],
)
def test_valid_values_normalize_to_one_spelling(kind: str, text: str, expected: str) -> None:
    assert identifiers.normalize(kind, text) == expected
    assert identifiers.normalize(kind, expected) == expected


@pytest.mark.parametrize(
    ("kind", "text", "reason"),
    [
        ("imo", "IMO 9319467", "check digit"),
        ("imo", "931946", "7 digits"),
        ("mmsi", "22700676", "9 digits"),
        ("iban", "FR76 3000 6000 0112 3456 7890 188", "IBAN"),
        ("iban", "XX12345", "IBAN"),
        ("phone", "06 12", "phone"),
        ("phone", "not a number", "phone"),
        ("container", "CSQU 305438 4", "check digit"),
        ("container", "CSQ 305438", "expected"),
        ("crypto", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "EIP-55"),
        ("crypto", "1NEDqZPvTWRaoho48qXuLLsrYomMXPABfX", "checksum"),
        ("crypto", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "checksum"),
        # BIP 350: a v1 address with a Bech32 (not Bech32m) checksum is invalid.
        ("crypto", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", "Bech32m"),
        ("crypto", "bc1Qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "mixed-case"),
    ],
)
def test_invalid_values_raise_a_clear_error(kind: str, text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as error:
        identifiers.normalize(kind, text)
    assert "invalid" in str(error.value)


def test_unknown_kind_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="imo, mmsi, iban, phone, crypto, container"):
        identifiers.normalize("passport", "123")


def test_phone_reads_national_numbers_in_another_region() -> None:
    assert phone.normalize("020 7946 0958", region="GB") == "+442079460958"


@pytest.mark.parametrize(
    ("number", "country"),
    [
        ("227006760", "FR"),  # ship station, MID first
        ("366999712", "US"),
        ("002275200", "FR"),  # coast station 00MID
        ("022751234", "FR"),  # group call 0MID
        ("111227001", "FR"),  # SAR aircraft 111MID
        ("992276001", "FR"),  # aid to navigation 99MID
        ("970123456", None),  # AIS-SART: no MID
        ("217000001", None),  # 217 is not allocated
    ],
)
def test_mmsi_flag_country_from_the_mid(number: str, country: str | None) -> None:
    assert mmsi.flag_country(number) == country


def test_detect_guesses_the_kind_of_a_free_query() -> None:
    assert identifiers.detect("IMO 9319466") == ["imo"]
    assert identifiers.detect("FR76 3000 6000 0112 3456 7890 189") == ["iban"]
    assert identifiers.detect("06 12 34 56 78") == ["phone"]
    assert identifiers.detect("CSQU 305438 3") == ["container"]
    assert identifiers.detect("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed") == ["crypto"]
    assert identifiers.detect("Jean Dupont") == []
    # Nine digits with an allocated MID are also a valid French mobile without its 0.
    assert identifiers.detect("227006760") == ["mmsi", "phone"]


def test_looks_like_rejects_a_right_shape_with_a_wrong_check_digit() -> None:
    assert not imo.looks_like("9319467")
    assert not container.looks_like("CSQU3054384")
    assert not iban.looks_like("FR7630006000011234567890188")
    assert not crypto.looks_like("1NEDqZPvTWRaoho48qXuLLsrYomMXPABfX")


def test_eip55_checksum_matches_the_published_vector() -> None:
    address = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
    assert crypto.eip55_checksum(address.lower()) == address
