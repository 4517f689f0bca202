"""saylau_verify.merkle against RFC 9162 §2.1, written out again here from the RFC's text.

The reference functions below are the RFC's recursive definitions over the entries
themselves (MTH, PATH, SUBPROOF), with no shortcut: the module's proofs must equal them, verify
against their roots, and stop verifying when any one byte of leaf, root or proof changes.
"""

import hashlib

import pytest
from saylau_verify import merkle

SIZES = range(1, 65)


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def k_of(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    """§2.1.1: MTH({}) = SHA-256(); MTH({d(0)}) = SHA-256(0x00 || d(0));
    MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))."""
    if not d:
        return sha256(b"")
    if len(d) == 1:
        return sha256(b"\x00" + d[0])
    k = k_of(len(d))
    return sha256(b"\x01" + mth(d[:k]) + mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    """§2.1.3.1: PATH(0, {d(0)}) = {}; PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) for m < k,
    PATH(m - k, D[k:n]) : MTH(D[0:k]) for m >= k."""
    if len(d) == 1:
        return []
    k = k_of(len(d))
    if m < k:
        return path(m, d[:k]) + [mth(d[k:])]
    return path(m - k, d[k:]) + [mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    """§2.1.4.1: SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])};
    for m < n: SUBPROOF(m, D[0:k], b) : MTH(D[k:n]) if m <= k,
    SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]) if m > k."""
    if m == len(d):
        return [] if b else [mth(d)]
    k = k_of(len(d))
    if m <= k:
        return subproof(m, d[:k], b) + [mth(d[k:])]
    return subproof(m - k, d[k:], False) + [mth(d[:k])]


def entries(n: int) -> list[bytes]:
    return [f"record {i}".encode() for i in range(n)]


def recording(leaves: list[bytes], asked: list[tuple[int, int]]) -> merkle.Subtree:
    subtree = merkle.in_memory(leaves)

    def answer(start: int, end: int) -> bytes:
        asked.append((start, end))
        return subtree(start, end)

    return answer


def storable(start: int, end: int, size: int) -> bool:
    """A complete subtree aligned on its size, or a range that ends where the tree ends: the
    ranges a store of complete subtrees' hashes answers with O(log n) reads."""
    width = end - start
    aligned = width > 0 and width & (width - 1) == 0 and start % width == 0
    return aligned or (0 <= start < end == size)


def flipped(value: bytes, at: int = 0) -> bytes:
    return value[:at] + bytes([value[at] ^ 1]) + value[at + 1 :]


def test_the_hashes_are_rfc_9162s():
    assert merkle.EMPTY_ROOT == sha256(b"") == merkle.root([])
    assert merkle.leaf_hash(b"abc") == sha256(b"\x00abc")
    assert merkle.node_hash(b"L" * 32, b"R" * 32) == sha256(b"\x01" + b"L" * 32 + b"R" * 32)
    for n in range(0, 130):
        d = entries(n)
        assert merkle.root([merkle.leaf_hash(e) for e in d]) == mth(d), n


def test_the_roots_of_the_certificate_transparency_test_tree():
    """The eight-leaf tree of RFC 6962's reference implementation's tests, and its roots."""
    d = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243")]
    d += [bytes(range(0x50, 0x58)), bytes(range(0x60, 0x70))]
    roots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
    for n, expected in enumerate(roots, 1):
        assert merkle.root([merkle.leaf_hash(e) for e in d[:n]]).hex() == expected
        assert mth(d[:n]).hex() == expected


@pytest.mark.parametrize("size", SIZES)
def test_every_leafs_inclusion_proof_verifies_and_nothing_else_does(size):
    d = entries(size)
    leaves = [merkle.leaf_hash(e) for e in d]
    root = mth(d)
    for index in range(size):
        asked: list[tuple[int, int]] = []
        proof = merkle.inclusion_proof(index, size, recording(leaves, asked))
        assert proof == path(index, d)
        assert all(storable(start, end, size) for start, end in asked), asked
        leaf = leaves[index]
        assert merkle.verify_inclusion(index, size, leaf, proof, root)
        # A changed leaf, root or any one hash of the proof.
        assert not merkle.verify_inclusion(index, size, flipped(leaf), proof, root)
        assert not merkle.verify_inclusion(index, size, leaf, proof, flipped(root, 31))
        for i in range(len(proof)):
            changed = [*proof[:i], flipped(proof[i], i), *proof[i + 1 :]]
            assert not merkle.verify_inclusion(index, size, leaf, changed, root)
        # Another leaf's hash, a proof cut short or one hash too long.
        other = leaves[(index + 1) % size]
        if size > 1:
            assert not merkle.verify_inclusion(index, size, other, proof, root)
            assert not merkle.verify_inclusion(index, size, leaf, proof[:-1], root)
        assert not merkle.verify_inclusion(index, size, leaf, [*proof, root], root)
        # Wrong places and sizes.
        for wrong_index in {index - 1, index + 1, size, -1} - {index}:
            assert not merkle.verify_inclusion(wrong_index, size, leaf, proof, root)
        # Another size, with that size's root: a checkpoint signs a size with its root. (The
        # size alone is not always bound: RFC 9162's algorithm accepts leaf 0's proof in the
        # tree of 3 as one in a tree of 4 whose root is the 3-leaf tree's.)
        longer = entries(2 * size)
        for wrong_size in {size - 1, size + 1, 2 * size, 0} - {size}:
            wrong_root = mth(longer[:wrong_size])
            assert not merkle.verify_inclusion(index, wrong_size, leaf, proof, wrong_root)


@pytest.mark.parametrize("new", SIZES)
def test_every_consistency_proof_verifies_and_a_changed_hash_fails(new):
    d = entries(new)
    leaves = [merkle.leaf_hash(e) for e in d]
    new_root = mth(d)
    for old in range(1, new + 1):
        old_root = mth(d[:old])
        asked: list[tuple[int, int]] = []
        proof = merkle.consistency_proof(old, new, recording(leaves, asked))
        assert proof == subproof(old, d, True)
        assert all(storable(start, end, new) for start, end in asked), asked
        assert merkle.verify_consistency(old, new, old_root, new_root, proof)
        assert not merkle.verify_consistency(old, new, flipped(old_root), new_root, proof)
        assert not merkle.verify_consistency(old, new, old_root, flipped(new_root, 9), proof)
        for i in range(len(proof)):
            changed = [*proof[:i], flipped(proof[i], i), *proof[i + 1 :]]
            assert not merkle.verify_consistency(old, new, old_root, new_root, changed)
        if proof:
            assert not merkle.verify_consistency(old, new, old_root, new_root, proof[:-1])
            assert not merkle.verify_consistency(old, new, old_root, new_root, proof[1:])
        assert not merkle.verify_consistency(old, new, old_root, new_root, [*proof, new_root])
        # The roots swapped, and an old tree that is not a prefix of the new one.
        if old < new:
            assert not merkle.verify_consistency(old, new, new_root, old_root, proof)
            other = mth([b"rewritten", *d[1:old]])
            assert not merkle.verify_consistency(old, new, other, new_root, proof)


@pytest.mark.parametrize("new", SIZES)
def test_a_consistency_proof_does_not_verify_for_other_sizes(new):
    """Other sizes, each with its own tree's root, as a checkpoint signs them. (A size alone is
    not always bound: RFC 9162's algorithm accepts the proof from 2 to 4 as one from 2 to 3
    whose root is the 4-leaf tree's.)"""
    d = entries(new + 1)
    new_root = mth(d[:new])
    subtree = merkle.in_memory([merkle.leaf_hash(e) for e in d[:new]])
    for old in range(1, new + 1):
        old_root = mth(d[:old])
        proof = merkle.consistency_proof(old, new, subtree)
        for wrong in {old - 1, old + 1} - {0, new + 1}:
            assert not merkle.verify_consistency(wrong, new, mth(d[:wrong]), new_root, proof)
        for wrong in {new - 1, new + 1} - set(range(old)):
            assert not merkle.verify_consistency(old, wrong, old_root, mth(d[:wrong]), proof)


def test_sizes_out_of_order_and_the_empty_tree():
    d = entries(5)
    leaves = [merkle.leaf_hash(e) for e in d]
    subtree = merkle.in_memory(leaves)
    assert merkle.consistency_proof(0, 5, subtree) == []
    assert merkle.consistency_proof(5, 5, subtree) == []
    assert merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, mth(d), [])
    assert not merkle.verify_consistency(0, 5, mth(d), mth(d), [])
    assert merkle.verify_consistency(5, 5, mth(d), mth(d), [])
    assert not merkle.verify_consistency(5, 5, mth(d), mth(d[:4]), [])
    assert not merkle.verify_consistency(5, 5, mth(d), mth(d), [mth(d)])
    proof = merkle.consistency_proof(3, 5, subtree)
    assert not merkle.verify_consistency(5, 3, mth(d), mth(d[:3]), proof)
    assert not merkle.verify_consistency(-3, 5, mth(d[:3]), mth(d), proof)
    for bad in ((6, 5), (-1, 5), (3, 2)):
        with pytest.raises(ValueError):
            merkle.consistency_proof(*bad, subtree)
    for bad in ((5, 5), (-1, 5), (0, 0)):
        with pytest.raises(ValueError):
            merkle.inclusion_proof(*bad, subtree)


def test_verification_never_raises_on_ill_formed_input():
    leaf, root = merkle.leaf_hash(b"x"), merkle.leaf_hash(b"x")
    assert merkle.verify_inclusion(0, 1, leaf, [], root)
    for args in (
        (0, 1, leaf, None, root),
        (0, 1, leaf, ["not bytes"], root),
        (0, 1, leaf, [b"short"], root),
        (0, 1, b"short", [], root),
        (0, 1, leaf, [], None),
        ("0", 1, leaf, [], root),
        (0, 1.0, leaf, [], root),
        (True, 2, leaf, [leaf], root),
        (10**30, 10**31, leaf, [leaf] * 3, root),
    ):
        assert merkle.verify_inclusion(*args) is False
    for args in (
        (1, 2, root, root, None),
        (1, 2, root, root, [b"x"]),
        (1, 2, "root", root, [root]),
        (1, 2, root, root, 5),
        (None, 2, root, root, [root]),
        (10**30, 10**31, root, root, [root] * 3),
    ):
        assert merkle.verify_consistency(*args) is False


def test_a_tree_of_131_thousand_leaves_proves_with_seventeen_hashes():
    leaves = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(1 << 17)]
    size = len(leaves) - 3
    root = merkle.root(leaves[:size])
    subtree = merkle.in_memory(leaves)
    proof = merkle.inclusion_proof(size - 7, size, subtree)
    assert len(proof) == 17
    assert merkle.verify_inclusion(size - 7, size, leaves[size - 7], proof, root)
    proof = merkle.consistency_proof(1000, size, subtree)
    assert len(proof) <= 2 * 17
    assert merkle.verify_consistency(1000, size, merkle.root(leaves[:1000]), root, proof)


def test_pooled_proofs_list_each_shared_hash_once_and_come_back_whole():
    leaves = [merkle.leaf_hash(bytes([i])) for i in range(64)]
    subtree = merkle.in_memory(leaves)
    proofs = [merkle.inclusion_proof(i, 64, subtree) for i in (40, 41, 42, 43, 44)]
    hashes, positions = merkle.pooled(proofs)
    assert len(hashes) < sum(len(p) for p in proofs) // 2  # side by side: most hashes shared
    assert [merkle.unpooled(hashes, p) for p in positions] == proofs
    for bad in ([len(hashes)], [-1], [True], "0", None, [0.0]):
        assert merkle.unpooled(hashes, bad) is None
