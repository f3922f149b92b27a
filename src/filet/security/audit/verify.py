"""Checking the audit log: each row against itself, then the whole against the signed
checkpoints, and naming the first entry that was changed, removed or reordered.

Row checks catch a careless edit (content no longer matches the stored leaf hash) and
a reorder (the index inside the hashed bytes). Checkpoint checks catch a careful one:
whatever the rows now say, the tree they hash to must contain every signed tree
(consistency proofs) and each entry must be included where it was signed (inclusion
proofs). Entries written after the latest checkpoint are only row-checked.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from filet.security.audit.checkpoints import Checkpoint, CheckpointError, Store, read_store
from filet.security.audit.log import StoredEntry, read_entries
from filet.security.audit.merkle import MerkleTree, leaf_hash, verify_consistency, verify_inclusion


@dataclass(frozen=True)
class Problem:
    index: int
    kind: str
    detail: str


@dataclass
class Verification:
    entries: int
    checkpoints: int
    checkpointed: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> Problem | None:
        return min(self.problems, key=lambda p: p.index) if self.problems else None

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["ok"] = self.ok
        values["first"] = asdict(self.first) if self.first else None
        return values


def verify_log(conn: sa.Connection, store_folder: Path) -> Verification:
    """Verify the log in ``conn`` against the checkpoint store at ``store_folder``."""
    entries = list(read_entries(conn))
    leaves, problems = _row_checks(entries)
    try:
        store = read_store(store_folder)
    except CheckpointError as error:
        problems.append(Problem(0, "checkpoint", str(error)))
        store = None
    checkpoints = store.checkpoints if store else []
    checkpointed = checkpoints[-1].size if checkpoints else 0
    result = Verification(len(entries), len(checkpoints), checkpointed, problems)
    if store is not None and checkpoints:
        result.problems.extend(_store_checks(store))
        result.problems.extend(_against_checkpoints(leaves, store))
    return result


def _row_checks(entries: list[StoredEntry]) -> tuple[list[bytes], list[Problem]]:
    """Recomputed leaf hashes in stored order, and what each row says about itself."""
    leaves: list[bytes] = []
    problems: list[Problem] = []
    expected = 0
    for row in entries:
        leaf = leaf_hash(row.entry.encode())
        leaves.append(leaf)
        values = row.values()
        if row.idx > expected:
            problems.append(_removed(expected, row.idx))
        expected = row.idx + 1
        if values.get("index", row.idx) != row.idx:
            problems.append(_reordered(row.idx, values["index"]))
        elif not values or leaf.hex() != row.leaf_hash or not _columns_match(row, values):
            why = "ne correspond plus à son empreinte / no longer matches its stored hash"
            problems.append(_changed(row.idx, why))
    return leaves, problems


def _columns_match(row: StoredEntry, values: dict[str, Any]) -> bool:
    return (row.category, row.action, row.actor) == (
        values.get("category"),
        values.get("action"),
        values.get("actor"),
    )


def _store_checks(store: Store) -> list[Problem]:
    """The store must be one growing tree: each signed root matches its leaf hashes and
    is consistent with the next."""
    tree = MerkleTree(store.leaves)
    problems = []
    previous: Checkpoint | None = None
    for checkpoint in store.checkpoints:
        if tree.root(checkpoint.size) != checkpoint.root:
            problems.append(
                Problem(
                    checkpoint.size,
                    "checkpoint",
                    f"le checkpoint de taille {checkpoint.size} ne correspond pas à ses feuilles "
                    f"/ checkpoint of size {checkpoint.size} disagrees with its leaf hashes",
                )
            )
        if previous is not None:
            proof = tree.consistency_proof(previous.size, checkpoint.size)
            if not verify_consistency(
                previous.size, checkpoint.size, proof, previous.root, checkpoint.root
            ):
                problems.append(
                    Problem(
                        previous.size,
                        "checkpoint",
                        f"checkpoints {previous.size} et {checkpoint.size} incohérents / "
                        "inconsistent checkpoints",
                    )
                )
        previous = checkpoint
    return problems


def _against_checkpoints(leaves: list[bytes], store: Store) -> list[Problem]:
    """Every signed tree must be a prefix of the log now stored."""
    tree = MerkleTree(leaves)
    latest = store.checkpoints[-1]
    if len(leaves) < latest.size:
        return [_truncated(len(leaves), latest)]
    problems = []
    previous_size, previous_root = 0, b""
    for checkpoint in store.checkpoints:
        proof = tree.consistency_proof(previous_size, checkpoint.size) if previous_size else []
        consistent = previous_size == 0 or verify_consistency(
            previous_size, checkpoint.size, proof, previous_root, checkpoint.root
        )
        if not consistent or tree.root(checkpoint.size) != checkpoint.root:
            problems.append(_first_difference(leaves, store.leaves, checkpoint))
            break
        previous_size, previous_root = checkpoint.size, checkpoint.root
    else:
        problems.extend(_inclusion(tree, latest))
    return problems


def _inclusion(tree: MerkleTree, checkpoint: Checkpoint) -> list[Problem]:
    for index in range(checkpoint.size):
        proof = tree.inclusion_proof(index, checkpoint.size)
        if not verify_inclusion(index, checkpoint.size, tree.leaves[index], proof, checkpoint.root):
            return [_changed(index, "absente du checkpoint signé / not in the signed checkpoint")]
    return []


def _first_difference(leaves: list[bytes], signed: list[bytes], checkpoint: Checkpoint) -> Problem:
    for index in range(checkpoint.size):
        if leaves[index] != signed[index]:
            return _changed(index, "diffère de l'empreinte signée / differs from the signed hash")
    return _changed(checkpoint.size - 1, "arbre différent du checkpoint / tree differs")


def _changed(index: int, why: str) -> Problem:
    return Problem(index, "changed", f"entrée {index} modifiée / entry {index} changed: {why}")


def _removed(index: int, next_stored: int) -> Problem:
    return Problem(
        index,
        "removed",
        f"entrée {index} supprimée / entry {index} removed (la suivante conservée est / next "
        f"stored is {next_stored})",
    )


def _reordered(index: int, carried: object) -> Problem:
    return Problem(
        index,
        "reordered",
        f"entrée {index} déplacée / entry {index} reordered: la ligne porte l'entrée / the row "
        f"holds entry {carried}",
    )


def _truncated(size: int, checkpoint: Checkpoint) -> Problem:
    stamp = f"{checkpoint.time:%Y-%m-%d %H:%M}"
    return Problem(
        size,
        "removed",
        f"entrées {size} à {checkpoint.size - 1} supprimées / entries {size} to "
        f"{checkpoint.size - 1} removed (checkpoint signé le / signed at {stamp} UTC)",
    )
