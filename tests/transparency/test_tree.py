"""The stored tree: built leaf by leaf as records arrive, equal to RFC 9162's tree at every
size, never rebuilt, and read back with O(log n) stored hashes."""

import pytest
from django.db import IntegrityError, transaction
from saylau_verify.merkle import canonical_json, in_memory, leaf_hash, root

from elections.models import Publication
from transparency import tree
from transparency.models import Node
from transparency.services import log_catch_up, log_extend

pytestmark = pytest.mark.django_db


def leaves() -> list[bytes]:
    records = Publication.objects.order_by("sequence").values_list("record", flat=True)
    return [leaf_hash(canonical_json(record)) for record in records]


def test_leaf_i_is_the_record_of_sequence_i_plus_one_and_every_size_has_the_rfc_root(log):
    published = log.publish(37)
    assert [p.sequence for p in published] == list(range(1, 38))  # sequences start at 1

    # One leaf at a time: the tree at every size equals the in-memory tree of those records.
    for size in range(1, 38):
        assert log_extend(limit=1) == 1
        assert tree.size() == size
        assert tree.root(size) == root(leaves()[:size])
    assert log_extend() == 0
    # And every past size is still there, from stored nodes alone.
    hashes = leaves()
    assert [tree.root(n) for n in range(38)] == [root(hashes[:n]) for n in range(38)]
    assert bytes(Node.objects.get(level=0, index=5).hash) == leaf_hash(
        canonical_json(Publication.objects.get(sequence=6).record)
    )


def test_batches_of_any_length_give_the_same_tree_and_about_two_nodes_per_leaf(log):
    log.publish(45)
    for limit in (1, 2, 3, 7, 16, 100):
        if log_extend(limit=limit) == 0:
            break
    log_catch_up()

    assert tree.size() == 45
    assert tree.root(45) == root(leaves())
    # Each perfect subtree stored once: 45 leaves, 22 + 11 + 5 + 2 + 1 inner nodes.
    assert Node.objects.count() == 45 + 22 + 11 + 5 + 2 + 1


def test_appending_costs_hashes_for_the_new_leaves_only(log, monkeypatch):
    log.publish(40)
    log_extend(limit=32)
    calls = []
    import transparency.tree as module

    real = module.node_hash
    monkeypatch.setattr(module, "node_hash", lambda a, b: calls.append(1) or real(a, b))

    assert log_extend() == 8

    assert len(calls) == 8 - 1  # the 8 new leaves make 7 nodes: nothing older is recomputed
    assert tree.root(40) == root(leaves())


def test_a_subtree_is_read_from_a_logarithmic_number_of_stored_nodes(log):
    log.publish(100)
    log_catch_up()
    hashes = leaves()
    subtree, reference = tree.StoredTree(), in_memory(hashes)

    # The ranges proofs ask for: aligned perfect subtrees, and right parts ending at a size.
    for start, end in [(0, 100), (0, 64), (64, 100), (96, 100), (37, 38), (64, 96), (80, 99)]:
        counted = tree.StoredTree()
        assert counted(start, end) == reference(start, end) == subtree(start, end)
        assert counted.reads <= 2 * (100).bit_length()


def test_the_tree_is_append_only_in_the_database(log):
    log.publish(3)
    log_catch_up()
    node = Node.objects.get(level=0, index=0)

    for change in (lambda: Node.objects.filter(pk=node.pk).update(hash=b"x" * 32),
                   lambda: Node.objects.filter(pk=node.pk).delete(),
                   lambda: Node.objects.create(level=0, index=0, hash=b"y" * 32)):  # fmt: skip
        with pytest.raises(IntegrityError), transaction.atomic():
            change()
    assert bytes(Node.objects.get(pk=node.pk).hash) == bytes(node.hash)
