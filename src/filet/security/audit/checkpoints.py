"""Signed checkpoints of the audit log, kept in a store apart from the database.

A checkpoint is a C2SP ``tlog-checkpoint`` (origin, tree size, base64 root hash, here
with a ``time`` line) signed with Ed25519 as a C2SP signed note. Beside each one the
store keeps the leaf hashes added since the previous checkpoint (32 bytes each, no
content), which lets ``filet audit verify`` name the exact entry an administrator
rewrote even when the rewrite recomputed the row's own hash.

Every file in the store is created once (exclusive create) and made read-only: pointing
``audit_checkpoint_dir`` at a write-once mount, or syncing it to another machine, keeps
history out of reach of whoever can edit the database.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from filet import settings

KEY_FILE = "signing-key.pem"
PUBLIC_KEY_FILE = "key.pub"
_ED25519 = b"\x01"  # C2SP signed-note signature type for Ed25519


class CheckpointError(ValueError):
    """A checkpoint store that is unreadable, unsigned or signed by another key."""


def audit_folder(home: Path) -> Path:
    return home / "audit"


def store_folder(home: Path) -> Path:
    """The checkpoint store: the ``audit_checkpoint_dir`` setting, else inside ``home``."""
    configured = settings.get("audit_checkpoint_dir")
    return Path(configured) if configured else audit_folder(home) / "checkpoints"


def signing_key(home: Path) -> Ed25519PrivateKey:
    """The workspace's signing key, created on first use with mode 0600."""
    path = audit_folder(home) / KEY_FILE
    if path.exists():
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise CheckpointError(f"{path}: pas une clé Ed25519 / not an Ed25519 key")
        return loaded
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_once(path, pem, mode=0o600)
    return key


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def origin_of(public: bytes) -> str:
    """The log's name: stable for a key, distinct between workspaces."""
    return f"filet-audit/{hashlib.sha256(public).hexdigest()[:16]}"


def _key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + _ED25519 + public).digest()[:4]


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    time: datetime

    def body(self) -> str:
        root = base64.b64encode(self.root).decode()
        stamp = self.time.astimezone(UTC).isoformat(timespec="seconds")
        return f"{self.origin}\n{self.size}\n{root}\ntime {stamp}\n"

    def sign(self, key: Ed25519PrivateKey) -> str:
        """The signed note: body, blank line, one signature line."""
        public = raw_public(key.public_key())
        signature = key.sign(self.body().encode())
        encoded = base64.b64encode(_key_id(self.origin, public) + signature).decode()
        return f"{self.body()}\n\u2014 {self.origin} {encoded}\n"


def parse_note(text: str, public: bytes, where: str) -> Checkpoint:
    """A checkpoint whose signature by ``public`` checks, else ``CheckpointError``."""
    body, sep, signatures = text.partition("\n\n")
    lines = body.split("\n")
    try:
        origin, size, root, stamp = lines
        signed = base64.b64decode(signatures.split(" ")[2].strip(), validate=True)
        checkpoint = Checkpoint(
            origin=origin,
            size=int(size),
            root=base64.b64decode(root, validate=True),
            time=datetime.fromisoformat(stamp.removeprefix("time ")),
        )
    except (ValueError, IndexError) as error:
        raise CheckpointError(f"{where}: checkpoint illisible / unreadable ({error})") from error
    if not sep or signed[:4] != _key_id(origin, public):
        raise CheckpointError(f"{where}: signé par une autre clé / signed by another key")
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signed[4:], (body + "\n").encode())
    except InvalidSignature as error:
        raise CheckpointError(f"{where}: signature invalide / bad signature") from error
    return checkpoint


@dataclass(frozen=True)
class Store:
    """The checkpoint store's content, signatures checked."""

    public: bytes
    checkpoints: list[Checkpoint]
    leaves: list[bytes]


def read_store(folder: Path) -> Store | None:
    """The store at ``folder``; ``None`` before the first checkpoint."""
    key_path = folder / PUBLIC_KEY_FILE
    if not key_path.exists():
        return None
    public = base64.b64decode(key_path.read_text().strip())
    checkpoints: list[Checkpoint] = []
    leaves: list[bytes] = []
    for path in sorted(folder.glob("*.checkpoint")):
        checkpoint = parse_note(path.read_text(encoding="utf-8"), public, str(path))
        data = path.with_suffix(".leaves").read_bytes()
        leaves.extend(data[i : i + 32] for i in range(0, len(data), 32))
        if len(leaves) != checkpoint.size or path.stem != f"{checkpoint.size:012d}":
            raise CheckpointError(
                f"{path}: {len(leaves)} feuilles pour une taille {checkpoint.size} / leaf "
                f"hashes do not add up to size {checkpoint.size}"
            )
        checkpoints.append(checkpoint)
    return Store(public, checkpoints, leaves)


def append_checkpoint(
    folder: Path, key: Ed25519PrivateKey, leaves: list[bytes], root: bytes
) -> Checkpoint | None:
    """Sign the tree of ``leaves`` and write it with its new leaf hashes; ``None`` when
    the latest checkpoint already covers every leaf."""
    public = raw_public(key.public_key())
    folder.mkdir(parents=True, exist_ok=True)
    store = read_store(folder)
    if store is None:
        _write_once(folder / PUBLIC_KEY_FILE, base64.b64encode(public) + b"\n")
        store = Store(public, [], [])
    if store.public != public:
        raise CheckpointError(
            f"{folder}: la clé de signature a changé / the signing key changed since the "
            "store was started"
        )
    done = len(store.leaves)
    if done >= len(leaves):
        return None
    checkpoint = Checkpoint(origin_of(public), len(leaves), root, datetime.now(UTC))
    name = f"{checkpoint.size:012d}"
    _write_once(folder / f"{name}.leaves", b"".join(leaves[done:]))
    _write_once(folder / f"{name}.checkpoint", checkpoint.sign(key).encode())
    return checkpoint


def _write_once(path: Path, data: bytes, mode: int = 0o444) -> None:
    """Create ``path`` (failing if it exists) and leave it read-only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)
