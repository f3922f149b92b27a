"""The audit log of a workspace: verify it, checkpoint it."""

from __future__ import annotations

from filet.security.audit.checkpoints import (
    Checkpoint,
    append_checkpoint,
    signing_key,
    store_folder,
)
from filet.security.audit.log import read_entries
from filet.security.audit.merkle import MerkleTree, leaf_hash
from filet.security.audit.verify import Verification, verify_log
from filet.store import Workspace


class UnverifiedLogError(ValueError):
    """Signing a log that fails verification would vouch for the tampering."""


def verify_workspace(ws: Workspace) -> Verification:
    with ws.db.connect() as conn:
        return verify_log(conn, store_folder(ws.home))


def checkpoint_workspace(ws: Workspace) -> Checkpoint | None:
    """Sign the current tree head into the checkpoint store, after verifying the log;
    ``None`` when no entry was added since the latest checkpoint."""
    with ws.db.connect() as conn:
        verification = verify_log(conn, store_folder(ws.home))
        if verification.first is not None:
            raise UnverifiedLogError(verification.first.detail)
        leaves = [leaf_hash(entry.entry.encode()) for entry in read_entries(conn)]
    tree = MerkleTree(leaves)
    return append_checkpoint(store_folder(ws.home), signing_key(ws.home), leaves, tree.root())
