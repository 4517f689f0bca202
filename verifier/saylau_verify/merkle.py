"""RFC 9162 §2.1: the Merkle tree hash, inclusion proofs and consistency proofs.

The tree is over leaf hashes in log order. Proofs are built through a `Subtree` callable that
returns the Merkle tree hash of the leaves [start, end): the recursion below asks it only for
the ranges RFC 9162 names, which are either a left subtree of power-of-two size aligned on its
size, or the remaining right part of a range whose end is the tree size (or such a left
subtree's end). A store that keeps every complete subtree's hash answers each with O(log n)
reads; `in_memory` answers from a list.

Verification follows §2.1.3.2 and §2.1.4.2 step by step and never raises: bad input, of any
type, is simply a proof that does not verify.
"""

import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from typing import Any

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()  # MTH({}), the root of the empty tree

# The Merkle tree hash of the leaves [start, end).
Subtree = Callable[[int, int], bytes]


def leaf_hash(entry: bytes) -> bytes:
    """MTH({d(0)}) = SHA-256(0x00 || d(0))."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """k, the largest power of two smaller than n (n > 1): k < n <= 2k."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of the leaf hashes, in one pass.

    The tree of n leaves is its complete subtrees of decreasing size, left to right (n's
    binary digits), joined from the right: the same hash as §2.1.1's recursion, without it.
    """
    # Complete subtrees so far, as (size, hash), sizes strictly decreasing: a binary counter.
    stack: list[tuple[int, bytes]] = []
    for leaf in leaf_hashes:
        size, value = 1, leaf
        while stack and stack[-1][0] == size:
            size, value = 2 * size, node_hash(stack.pop()[1], value)
        stack.append((size, value))
    if not stack:
        return EMPTY_ROOT
    value = stack.pop()[1]
    while stack:
        value = node_hash(stack.pop()[1], value)
    return value


def in_memory(leaf_hashes: Sequence[bytes]) -> Subtree:
    """A `Subtree` over a list of leaf hashes."""
    leaves = list(leaf_hashes)

    def subtree(start: int, end: int) -> bytes:
        if not 0 <= start <= end <= len(leaves):
            raise ValueError(f"range [{start}, {end}) is outside the tree of {len(leaves)}")
        return root(leaves[start:end])

    return subtree


def inclusion_proof(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """PATH(m, D[n]) (§2.1.3.1): the audit path of leaf `index` in the tree of `size` leaves."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")

    def path(m: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = split(n)
        if m < k:
            return [*path(m, start, start + k), subtree(start + k, end)]
        return [*path(m - k, start + k, end), subtree(start, start + k)]

    return path(index, 0, size)


def consistency_proof(old_size: int, new_size: int, subtree: Subtree) -> list[bytes]:
    """PROOF(m, D[n]) (§2.1.4.1) between the trees of `old_size` and `new_size` leaves.

    Empty when the sizes are equal, and when the old tree is empty (the empty tree is
    consistent with every tree; RFC 9162 defines proofs for 0 < m < n).
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from {old_size} to {new_size}")
    if old_size in (0, new_size):
        return []

    def subproof(m: int, start: int, end: int, whole: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if whole else [subtree(start, end)]
        k = split(n)
        if m <= k:
            return [*subproof(m, start, start + k, whole), subtree(start + k, end)]
        return [*subproof(m - k, start + k, end, False), subtree(start, start + k)]

    return subproof(old_size, 0, new_size, True)


def _is_hash(value: Any) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _is_size(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _same(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether `proof` shows the leaf hash `leaf` (leaf_hash(entry)) at `index` in the tree of
    `size` leaves whose root is `root` (§2.1.3.2)."""
    try:
        proof = list(proof)
    except TypeError:
        return False
    if not (_is_size(index) and _is_size(size) and _is_hash(leaf) and _is_hash(root)):
        return False
    if not all(_is_hash(p) for p in proof) or index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and _same(r, root)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether `proof` shows the tree of `old_size` leaves with root `old_root` is a prefix of
    the tree of `new_size` leaves with root `new_root` (§2.1.4.2).

    Equal sizes need an empty proof and equal roots; from the empty tree, an empty proof and
    the empty tree's root.
    """
    try:
        proof = list(proof)
    except TypeError:
        return False
    if not (_is_size(old_size) and _is_size(new_size) and _is_hash(old_root)):
        return False
    if not (_is_hash(new_root) and all(_is_hash(c) for c in proof)) or old_size > new_size:
        return False
    if old_size == new_size:
        return not proof and _same(old_root, new_root)
    if old_size == 0:
        return not proof and _same(old_root, EMPTY_ROOT)
    if not proof:
        return False
    if old_size & (old_size - 1) == 0:  # a power of two: the old tree is a node of the new one
        proof = [old_root, *proof]
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and _same(fr, old_root) and _same(sr, new_root)


def pooled(proofs: Sequence[Sequence[bytes]]) -> tuple[list[bytes], list[list[int]]]:
    """Several proofs as one list of distinct hashes and, per proof, the positions of its
    hashes in that list: a station's records, published together, sit side by side in the
    tree, and their audit paths share all but their lowest hashes."""
    hashes: list[bytes] = []
    position: dict[bytes, int] = {}
    positions = []
    for proof in proofs:
        mine = []
        for h in proof:
            if h not in position:
                position[h] = len(hashes)
                hashes.append(h)
            mine.append(position[h])
        positions.append(mine)
    return hashes, positions


def unpooled(hashes: Sequence[bytes], positions: Any) -> list[bytes] | None:
    """One proof back from `pooled`'s list; None if a position is not in it."""
    if not isinstance(positions, list) or not all(
        isinstance(p, int) and not isinstance(p, bool) and 0 <= p < len(hashes) for p in positions
    ):
        return None
    return [hashes[p] for p in positions]


def canonical_json(document: Any) -> bytes:
    """A record's exact bytes, the log's leaf entry: sorted keys, no spaces, UTF-8.

    The same bytes as elections.services.publication.canonical_json, whose SHA-256 is the
    publication's `sha256`.
    """
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
