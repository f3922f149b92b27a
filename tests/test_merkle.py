"""The RFC 9162 Merkle tree against the published vectors, and every mutation rejected.

Vectors re-created from the published values in transparency-dev/merkle
(``proof/verify_test.go``, Apache-2.0): the RFC 6962 reference tree of eight leaves,
its roots at sizes 1 to 8, and its inclusion and consistency proofs. Mutations follow
that file's ``corruptInclusionProof`` and ``corruptConsistencyProof``.
"""

from __future__ import annotations

import pytest

from filet.security.audit.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def _hashes(*hexes: str) -> list[bytes]:
    return [bytes.fromhex(h) for h in hexes]


# (leaf number counted from 1, tree size, proof), as published.
INCLUSION = [
    (1, 1, []),
    (
        1,
        8,
        _hashes(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        6,
        8,
        _hashes(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (3, 3, _hashes("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
    (
        2,
        5,
        _hashes(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
]

# (size1, size2, proof), as published.
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        _hashes(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        6,
        8,
        _hashes(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (
        2,
        5,
        _hashes(
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
    (
        6,
        7,
        _hashes(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
]

TREE = MerkleTree([leaf_hash(data) for data in LEAVES])


def _flip(proof: list[bytes], i: int, bit: int) -> list[bytes]:
    changed = list(proof)
    changed[i] = bytes([changed[i][0] ^ bit]) + changed[i][1:]
    return changed


def test_tree_heads_match_the_published_roots() -> None:
    assert [TREE.root(size) for size in range(1, 9)] == ROOTS
    assert TREE.root(0) == EMPTY_ROOT


@pytest.mark.parametrize(("leaf", "size", "proof"), INCLUSION)
def test_inclusion_proofs_match_and_verify(leaf: int, size: int, proof: list[bytes]) -> None:
    index, root, hashed = leaf - 1, ROOTS[size - 1], leaf_hash(LEAVES[leaf - 1])
    assert TREE.inclusion_proof(index, size) == proof
    assert verify_inclusion(index, size, hashed, proof, root)


def _inclusion_mutations(
    index: int, size: int, hashed: bytes, proof: list[bytes], root: bytes
) -> dict[str, tuple[int, int, bytes, list[bytes], bytes]]:
    mutations = {
        "leafIndex - 1": (index - 1, size, hashed, proof, root),
        "leafIndex + 1": (index + 1, size, hashed, proof, root),
        "leafIndex ^ 2": (index ^ 2, size, hashed, proof, root),
        "treeSize * 2": (index, size * 2, hashed, proof, root),
        "treeSize / 2": (index, size // 2, hashed, proof, root),
        "wrong leaf": (index, size, leaf_hash(b"WrongLeaf"), proof, root),
        "empty root": (index, size, hashed, proof, EMPTY_ROOT),
        "random root": (index, size, hashed, proof, SOME_HASH),
        "trailing garbage": (index, size, hashed, [*proof, b""], root),
        "trailing root": (index, size, hashed, [*proof, root], root),
        "preceding garbage": (index, size, hashed, [b"", *proof], root),
        "preceding root": (index, size, hashed, [root, *proof], root),
    }
    for i in range(len(proof)):
        mutations[f"modified proof[{i}] bit 3"] = (index, size, hashed, _flip(proof, i, 8), root)
    if proof:
        mutations["removed component"] = (index, size, hashed, proof[:-1], root)
    if len(proof) > 1:
        inserted = [proof[0], SOME_HASH, *proof[1:]]
        mutations["inserted component"] = (index, size, hashed, inserted, root)
    return mutations


@pytest.mark.parametrize(("leaf", "size", "proof"), INCLUSION)
def test_every_mutated_inclusion_proof_is_rejected(
    leaf: int, size: int, proof: list[bytes]
) -> None:
    hashed, root = leaf_hash(LEAVES[leaf - 1]), ROOTS[size - 1]
    mutations = _inclusion_mutations(leaf - 1, size, hashed, proof, root)
    accepted = [name for name, args in mutations.items() if verify_inclusion(*args)]
    assert accepted == []
    assert len(mutations) >= 12


@pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY)
def test_consistency_proofs_match_and_verify(size1: int, size2: int, proof: list[bytes]) -> None:
    assert TREE.consistency_proof(size1, size2) == proof
    assert verify_consistency(size1, size2, proof, ROOTS[size1 - 1], ROOTS[size2 - 1])


@pytest.mark.parametrize(("size1", "size2", "proof"), [v for v in CONSISTENCY if v[2]])
def test_every_mutated_consistency_proof_is_rejected(
    size1: int, size2: int, proof: list[bytes]
) -> None:
    root1, root2 = ROOTS[size1 - 1], ROOTS[size2 - 1]
    wrong = leaf_hash(b"WrongRoot")
    mutations = {
        "size1 - 1": (size1 - 1, size2, proof, root1, root2),
        "size1 + 1": (size1 + 1, size2, proof, root1, root2),
        "size1 ^ 2": (size1 ^ 2, size2, proof, root1, root2),
        "size2 * 2": (size1, size2 * 2, proof, root1, root2),
        "size2 / 2": (size1, size2 // 2, proof, root1, root2),
        "wrong root1": (size1, size2, proof, wrong, root2),
        "wrong root2": (size1, size2, proof, root1, wrong),
        "swapped roots": (size1, size2, proof, root2, root1),
        "empty proof": (size1, size2, [], root1, root2),
        "trailing garbage": (size1, size2, [*proof, b""], root1, root2),
        "trailing root1": (size1, size2, [*proof, root1], root1, root2),
        "trailing root2": (size1, size2, [*proof, root2], root1, root2),
        "preceding garbage": (size1, size2, [b"", *proof], root1, root2),
        "preceding root1": (size1, size2, [root1, *proof], root1, root2),
        "preceding root2": (size1, size2, [root2, *proof], root1, root2),
        "preceding proof[0]": (size1, size2, [proof[0], *proof], root1, root2),
        "truncated proof": (size1, size2, proof[:-1], root1, root2),
    }
    for i in range(len(proof)):
        mutations[f"modified proof[{i}] bit 4"] = (size1, size2, _flip(proof, i, 16), root1, root2)
    accepted = [name for name, args in mutations.items() if verify_consistency(*args)]
    assert accepted == []


def test_trivial_consistency_cases() -> None:
    assert verify_consistency(0, 5, [], EMPTY_ROOT, ROOTS[4])
    assert verify_consistency(3, 3, [], ROOTS[2], ROOTS[2])
    assert not verify_consistency(3, 3, [], ROOTS[2], ROOTS[3])
    assert not verify_consistency(3, 3, [ROOTS[0]], ROOTS[2], ROOTS[2])
    assert not verify_consistency(2, 1, [], ROOTS[1], ROOTS[0])


def test_every_proof_of_larger_trees_verifies() -> None:
    """Generation and verification agree on every index and prefix up to 40 leaves,
    powers of two and the sizes between them."""
    tree = MerkleTree([leaf_hash(i.to_bytes(4, "big")) for i in range(40)])
    for size in range(1, 41):
        root = tree.root(size)
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            assert verify_inclusion(index, size, tree.leaves[index], proof, root)
            other = tree.leaves[(index + 1) % 40]
            assert not verify_inclusion(index, size, other, proof, root)
        for old in range(1, size + 1):
            proof = tree.consistency_proof(old, size)
            assert verify_consistency(old, size, proof, tree.root(old), root)
