"""RFC 9162 Merkle tree: tree heads, inclusion and consistency proofs, their verification.

Hashing follows RFC 9162 §2.1 (as RFC 6962 before it): a leaf is SHA-256(0x00 || data),
an interior node SHA-256(0x01 || left || right), and a tree of n leaves splits at k,
the largest power of two smaller than n. Proof generation is §2.1.3.1 and §2.1.4.1;
verification is the iterative algorithms of §2.1.3.2 and §2.1.4.2, written so that a
proof with one hash too many or too few is rejected, not silently accepted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """The tree over a list of leaf hashes; subtree hashes are cached, so proofs for every
    leaf of a large log cost O(n log n) hashing, not O(n²)."""

    def __init__(self, leaves: Sequence[bytes]) -> None:
        self.leaves = tuple(leaves)
        self._subtree = lru_cache(maxsize=None)(self._compute)

    @property
    def size(self) -> int:
        return len(self.leaves)

    def root(self, size: int | None = None) -> bytes:
        """MTH(D[0:size]): the tree head of the first ``size`` leaves (all by default)."""
        size = self.size if size is None else size
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size} outside 0..{self.size}")
        return EMPTY_ROOT if size == 0 else self._subtree(0, size)

    def _compute(self, start: int, end: int) -> bytes:
        if end - start == 1:
            return self.leaves[start]
        k = _split(end - start)
        return node_hash(self._subtree(start, start + k), self._subtree(start + k, end))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[0:size]) (RFC 9162 §2.1.3.1)."""
        size = self.size if size is None else size
        if not 0 <= index < size <= self.size:
            raise ValueError(f"leaf {index} is not in a tree of size {size}")
        return self._path(index, 0, size)

    def _path(self, index: int, start: int, end: int) -> list[bytes]:
        if end - start == 1:
            return []
        k = _split(end - start)
        if index < k:
            return [*self._path(index, start, start + k), self._subtree(start + k, end)]
        return [*self._path(index - k, start + k, end), self._subtree(start, start + k)]

    def consistency_proof(self, old_size: int, size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[0:size]) (RFC 9162 §2.1.4.1)."""
        size = self.size if size is None else size
        if not 0 < old_size <= size <= self.size:
            raise ValueError(f"no consistency proof from size {old_size} to {size}")
        return self._subproof(old_size, 0, size, True)

    def _subproof(self, m: int, start: int, end: int, whole: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if whole else [self._subtree(start, end)]
        k = _split(n)
        if m <= k:
            return [*self._subproof(m, start, start + k, whole), self._subtree(start + k, end)]
        return [*self._subproof(m - k, start + k, end, False), self._subtree(start, start + k)]


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows that ``leaf`` is leaf ``index`` of the tree ``root`` of
    ``size`` leaves (RFC 9162 §2.1.3.2)."""
    if not 0 <= index < size or not _well_formed(leaf, root, proof):
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, size: int, proof: Sequence[bytes], old_root: bytes, root: bytes
) -> bool:
    """Whether ``proof`` shows that the tree ``old_root`` of ``old_size`` leaves is a prefix
    of the tree ``root`` of ``size`` leaves (RFC 9162 §2.1.4.2, with the trivial cases of
    equal sizes and an empty old tree)."""
    if not 0 <= old_size <= size or not _well_formed(old_root, root, proof):
        return False
    if old_size == size:
        return not proof and old_root == root
    if old_size == 0:
        return not proof
    if not proof:
        return False
    if old_size & (old_size - 1) == 0:
        proof = [old_root, *proof]
    fn, sn = old_size - 1, size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == root and sn == 0


def _well_formed(first: bytes, second: bytes, proof: Sequence[bytes]) -> bool:
    return all(len(h) == HASH_SIZE for h in (first, second, *proof))
