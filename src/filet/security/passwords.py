"""Secrets: password hashes, the common-password list, TOTP codes and API tokens.

Passwords are hashed with Argon2id through argon2-cffi, whose default parameters are
RFC 9106's second recommended option (t=3 passes, m=64 MiB, p=4 lanes); a hash made
under older parameters is upgraded at the next successful login. API tokens are long
random values, so a plain SHA-256 of the secret is enough to store them: nobody can
guess a 256-bit secret from its hash, and a slow hash would only slow every request.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import secrets
from datetime import datetime
from functools import cache
from pathlib import Path

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Django's list (BSD-3-Clause, django/contrib/auth/common-passwords.txt.gz, Django 5.2):
# 20,000 common passwords, lowercased and deduplicated, compiled by Royce Williams
# (https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce); it covers the
# top 3,000 that OWASP ASVS 5.0 requirement 6.2.4 asks to reject.
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")

_hasher = PasswordHasher()
# Verified when the account does not exist, so that an unknown name takes as long as a
# wrong password and the response time does not reveal which accounts exist.
_DECOY = _hasher.hash(secrets.token_urlsafe(16))


class WeakPasswordError(ValueError):
    """A password the policy refuses; the message says why, in French then English."""


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def check_password(password: str, account: str, min_length: int) -> None:
    """Refuse passwords that are short, common, or the account's own name."""
    if len(password) < min_length:
        raise WeakPasswordError(
            f"mot de passe trop court / password too short: at least {min_length} characters"
        )
    if password.lower() in common_passwords():
        raise WeakPasswordError("mot de passe trop courant / password too common")
    if account.lower() in password.lower():
        raise WeakPasswordError("mot de passe contenant l'identifiant / password contains the name")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; with no stored hash, checks a decoy."""
    try:
        return _hasher.verify(stored or _DECOY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, account: str) -> str:
    """The otpauth:// URI an authenticator app scans (RFC 6238, 30-second steps)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name="Filet")


def totp_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step ``code`` is valid for (the current one or the one before, for clock
    drift), or ``None``; a step at or before ``last_step`` is refused, so a code
    overheard once cannot be replayed (ASVS 5.0 6.5.1)."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current, current - 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code.strip()):
            return step
    return None


def new_token() -> tuple[str, str, str]:
    """A fresh API token: its public id, the token to hand over, and the digest to store."""
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return token_id, f"filet_{token_id}_{secret}", secret_digest(secret)


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
