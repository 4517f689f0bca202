"""The Merkle tree over the publication log, kept in `Node` rows as leaves arrive.

The hashing and the proofs are saylau_verify's (the one place for RFC 9162's rules); this module
only stores perfect subtrees and reads them back:
- `append` adds leaves after the ``size`` already held: each new leaf costs one hash, each
  perfect subtree it completes one more (about 2n hashes for n leaves), plus one read of the
  O(log N) hashes on the tree's right edge;
- `StoredTree` answers MTH(D[start:end]) from the fewest stored perfect subtrees that cover the
  range (O(log n) rows, in one query), which is all saylau_verify's proofs ask for.
"""

from functools import reduce

from django.db.models import Max, Q
from saylau_verify.merkle import EMPTY_ROOT, node_hash

from transparency.models import Node


def size() -> int:
    """How many leaves the stored tree holds."""
    last = Node.objects.filter(level=0).aggregate(last=Max("index"))["last"]
    return 0 if last is None else last + 1


def right_edge(size: int) -> list[tuple[int, int]]:
    """The perfect subtrees a tree of ``size`` leaves ends with: (level, index), largest first."""
    return [(level, (size >> level) - 1) for level in reversed(range(size.bit_length()))
            if size >> level & 1]  # fmt: skip


def append(leaf_hashes: list[bytes], at: int) -> list[Node]:
    """The nodes that leaves ``at, at+1, …`` add to a tree of ``at`` leaves (not yet saved)."""
    known = _read(right_edge(at))
    added: dict[tuple[int, int], bytes] = {}
    for index, current in enumerate(leaf_hashes, start=at):
        level, position = 0, index
        added[(0, index)] = current
        while position & 1:  # a right child: its parent's subtree is complete now
            left = added.get((level, position - 1)) or known[(level, position - 1)]
            current = node_hash(left, current)
            level, position = level + 1, position >> 1
            added[(level, position)] = current
    return [Node(level=level, index=index, hash=h) for (level, index), h in added.items()]


def cover(start: int, end: int) -> list[tuple[int, int]]:
    """The perfect subtrees MTH(D[start:end]) is made of, as RFC 9162 splits it, in order."""
    n = end - start
    if n <= 0:
        return []
    if n & (n - 1) == 0 and start % n == 0:
        return [(n.bit_length() - 1, start // n)]
    k = 1 << ((n - 1).bit_length() - 1)  # the largest power of two below n
    return cover(start, start + k) + cover(start + k, end)


def _read(wanted: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    if not wanted:
        return {}
    which = reduce(lambda a, b: a | b, (Q(level=level, index=index) for level, index in wanted))
    rows = Node.objects.filter(which).values_list("level", "index", "hash")
    found = {(level, index): bytes(h) for level, index, h in rows}
    missing = [node for node in wanted if node not in found]
    if missing:
        raise LookupError(f"the stored tree lacks the nodes {missing[:5]}")
    return found


class StoredTree:
    """A saylau_verify ``Subtree``: MTH of leaves [start, end) from the stored nodes."""

    def __init__(self) -> None:
        self._hashes: dict[tuple[int, int], bytes] = {}
        self.reads = 0  # rows read, for the tests that hold it to O(log n)

    def __call__(self, start: int, end: int) -> bytes:
        if end <= start:
            return EMPTY_ROOT
        needed = cover(start, end)
        unread = [node for node in needed if node not in self._hashes]
        if unread:
            self._hashes.update(_read(unread))
            self.reads += len(unread)
        return self._combine(start, end)

    def _combine(self, start: int, end: int) -> bytes:
        n = end - start
        if n & (n - 1) == 0 and start % n == 0:
            return self._hashes[(n.bit_length() - 1, start // n)]
        k = 1 << ((n - 1).bit_length() - 1)
        return node_hash(self._combine(start, start + k), self._combine(start + k, end))


def root(at: int) -> bytes:
    """The tree's root at ``at`` leaves (any size the tree has held)."""
    return StoredTree()(0, at)
