"""The secret that keys the digests of container release PINs.

A release PIN is short (often six digits): a plain hash of it is undone by hashing the
million candidates. Keyed with a secret the store does not hold in its tables (HMAC,
RFC 2104), the digest still tells whether the PIN presented at the gate is the one
issued, and says nothing of the PIN to whoever reads the tables without the key. The
key is the service's (setting ``pin_key_file``, a mounted secret shared by its
workspaces) or, by default, the workspace's own, created on first use.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from filet import settings

KEY_FILE = "pin.key"
MIN_KEY_BYTES = 16
_KEY: ContextVar[bytes | None] = ContextVar("pin_key", default=None)


class PinKeyError(ValueError):
    """The configured key file cannot be used: missing, unreadable or too short."""


def load_pin_key(home: Path) -> bytes:
    """The key: the ``pin_key_file`` setting's file, else ``HOME/secrets/pin.key``."""
    configured = settings.get("pin_key_file")
    if configured:
        return _read(Path(configured), "pin_key_file")
    path = home / "secrets" / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secrets.token_hex(32).encode() + b"\n")
    return _read(path, str(path))


def _read(path: Path, name: str) -> bytes:
    try:
        key = path.read_bytes().strip()
    except OSError as error:
        raise PinKeyError(f"{name}: clé illisible / unreadable key {path}: {error}") from error
    if len(key) < MIN_KEY_BYTES:
        raise PinKeyError(f"{name}: clé trop courte / key shorter than {MIN_KEY_BYTES} bytes")
    return key


@contextmanager
def pin_key(key: bytes) -> Iterator[None]:
    """Records read inside the block digest their PINs with ``key`` (the workspace's):
    readers have no workspace, ingest and replay set it around them."""
    token = _KEY.set(key)
    try:
        yield
    finally:
        _KEY.reset(token)


def current_pin_key() -> bytes | None:
    return _KEY.get()
