"""Crypto-asset addresses: Bitcoin, Ethereum and Tron.

Bitcoin: Base58Check P2PKH/P2SH addresses (``1…``, ``3…``, double SHA-256 checksum),
SegWit v0 addresses in Bech32 (BIP 173) and v1+ (Taproot) in Bech32m (BIP 350); Bech32
is case-insensitive and normalized to lower case, Base58 is case-sensitive and kept.
Example: ``1NEDqZPvTWRaoho48qXuLLsrYomMXPABfD``.

Ethereum: ``0x`` and 40 hexadecimal digits; a mixed-case address carries the EIP-55
checksum (Keccak-256 of the lower-case hex) and is rejected when it does not match.
Normalized to lower case. Example: ``0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed``.
The same address is valid on every EVM chain (BNB Smart Chain, Polygon…); the chain
it is used on is not in the address.

Tron: Base58Check as Bitcoin's ``1…`` addresses, with version byte 0x41 (hence the
leading ``T``): 21 bytes, then the first 4 bytes of their double SHA-256, 34
characters (TRON developer documentation, "Account"). Case-sensitive, kept as
written. Example: the USDT (TRC-20) contract ``TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t``.
"""

from __future__ import annotations

import hashlib
import re
from typing import Literal

# pycryptodome (maintained), whose import name is the old pyCrypto's: bandit's B413 is about
# the latter.
from Crypto.Hash import keccak  # nosec B413
from stdnum import bitcoin
from stdnum.exceptions import ValidationError

from filet.model.identifiers.common import invalid

KIND = "crypto"
LABEL = "adresse crypto / crypto address"
Chain = Literal["bitcoin", "ethereum", "tron"]
TRON_VERSION = 0x41
_ETHEREUM = re.compile(r"^0[xX][0-9a-fA-F]{40}$")
_BASE58 = re.compile(r"^[13][1-9A-HJ-NP-Za-km-z]{25,34}$")
_TRON = re.compile(r"^T[1-9A-HJ-NP-Za-km-z]{33}$")
_BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = re.compile(r"^bc1[02-9ac-hj-np-z]{8,87}$")
# BIP 350: Bech32m replaces the constant 1 of the Bech32 checksum.
_BECH32M_CONSTANT = 0x2BC830A3
_BECH32_ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def compact(text: str) -> str:
    """Spaces dropped; hexadecimal and Bech32 lower-cased (Base58 is case-sensitive)."""
    stripped = "".join(text.split())
    if stripped.lower().startswith(("0x", "bc1")):
        return stripped.lower()
    return stripped


def normalize(text: str) -> str:
    """The address in its canonical case; ValueError on a wrong shape or checksum."""
    stripped = text.strip()
    if _ETHEREUM.match(stripped):
        return _ethereum(stripped, text)
    if _TRON.match(stripped):
        return _tron(stripped, text)
    if _BASE58.match(stripped) or _BECH32.match(stripped.lower()):
        return _bitcoin(stripped, text)
    raise invalid(
        "crypto",
        text,
        "ni Bitcoin, ni Ethereum, ni Tron / neither a Bitcoin, an Ethereum nor a Tron address",
    )


def chain(address: str) -> Chain:
    """The chain whose address format ``address`` has (``ethereum`` for any EVM
    address); ValueError when it is not a valid address."""
    normalized = normalize(address)
    if normalized.startswith("0x"):
        return "ethereum"
    return "tron" if normalized.startswith("T") else "bitcoin"


def base58check(payload: bytes) -> str:
    """``payload`` (version byte first) and its checksum in Base58, as Bitcoin ``1…``
    and ``3…`` addresses and Tron addresses are written."""
    data = payload + _checksum(payload)
    number = int.from_bytes(data, "big")
    digits = ""
    while number:
        number, rest = divmod(number, 58)
        digits = _BASE58_ALPHABET[rest] + digits
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


def looks_like(text: str) -> bool:
    try:
        normalize(text)
    except ValueError:
        return False
    return True


def eip55_checksum(address: str) -> str:
    """The EIP-55 mixed-case form of a ``0x`` address."""
    hex_digits = address[2:].lower()
    digest = keccak.new(digest_bits=256, data=hex_digits.encode("ascii")).hexdigest()
    return "0x" + "".join(
        char.upper() if int(nibble, 16) >= 8 else char
        for char, nibble in zip(hex_digits, digest[:40], strict=True)
    )


def _checksum(payload: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]


def _ethereum(address: str, text: str) -> str:
    digits = address[2:]
    mixed_case = digits != digits.lower() and digits != digits.upper()
    if mixed_case and eip55_checksum(address) != "0x" + digits:
        raise invalid("crypto", text, "somme de contrôle EIP-55 fausse / wrong EIP-55 checksum")
    return "0x" + digits.lower()


def _bitcoin(address: str, text: str) -> str:
    lowered = address.lower()
    if lowered.startswith("bc1") and address not in (lowered, address.upper()):
        raise invalid("crypto", text, "Bech32 en casse mixte / mixed-case Bech32")
    if lowered.startswith("bc1") and lowered[3:4] not in ("", "q"):
        return _taproot(lowered, text)
    try:
        return str(bitcoin.validate(address))
    except ValidationError as error:
        raise invalid(
            "crypto", text, "somme de contrôle Bitcoin fausse / wrong Bitcoin checksum"
        ) from error


def _tron(address: str, text: str) -> str:
    data = bitcoin.b58decode(address)
    if len(data) != 25 or data[0] != TRON_VERSION:
        raise invalid("crypto", text, "pas 0x41 et 20 octets / not 0x41 and 20 bytes (Tron)")
    if _checksum(data[:-4]) != data[-4:]:
        raise invalid("crypto", text, "somme de contrôle Tron fausse / wrong Tron checksum")
    return address


def _taproot(address: str, text: str) -> str:
    """SegWit v1+ (BIP 350): Bech32m checksum, 2 to 40 program bytes."""
    data = [_BECH32_ALPHABET.index(char) for char in address[3:]]
    expanded = [ord(char) >> 5 for char in "bc"] + [0] + [ord(char) & 31 for char in "bc"]
    if bitcoin.bech32_checksum(expanded + data) != _BECH32M_CONSTANT:
        raise invalid("crypto", text, "somme de contrôle Bech32m fausse / wrong Bech32m checksum")
    try:
        program = bitcoin.b32decode(data[1:-6])
    except ValidationError as error:
        raise invalid("crypto", text, "remplissage Bech32 faux / bad Bech32 padding") from error
    if data[0] > 16 or not 2 <= len(program) <= 40:
        raise invalid("crypto", text, "programme SegWit invalide / invalid SegWit program")
    return address
