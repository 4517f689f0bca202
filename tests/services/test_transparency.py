"""The transparency log on the production shape: the real worker extends the tree and signs
checkpoints while a burst of acceptances is published, and a witness, polling the site over
HTTP meanwhile, cosigns them; every checkpoint is consistent with the one before."""

import threading

import pytest
from django.test import Client
from saylau_verify import merkle, note
from saylau_verify.client import Site, WitnessRefusal, witness_step

from elections.models import Publication
from tests.services.conftest import wait_for
from tests.transparency.conftest import Log
from tests.transparency.test_witness import LOG_KEY, witness_key
from transparency import tree
from transparency.models import Checkpoint, Cosignature

pytestmark = pytest.mark.services

BURST = 60


def test_the_worker_signs_checkpoints_during_a_burst_and_a_witness_cosigns_them(
    transactional_db, django_user_model, celery_worker, live_server, tmp_path
):
    log = Log(django_user_model)
    key, vkey, _ = witness_key(tmp_path)
    state, stop, rounds, refusals = tmp_path / "state", threading.Event(), [], []

    def witness() -> None:  # an observer organisation's witness, polling the site
        while not stop.is_set():
            try:
                rounds.append(witness_step(live_server.url, key, state, log_key=LOG_KEY))
            except WitnessRefusal as refusal:
                refusals.append(str(refusal))
            except Exception:  # noqa: BLE001 - no checkpoint yet, or the site busy: poll again
                pass
            stop.wait(0.3)

    poller = threading.Thread(target=witness)
    poller.start()
    try:
        # Each acceptance queues the worker's publication. In two waves, the second while the
        # first is being signed: a fast machine could otherwise publish the whole burst in one
        # batch and sign one checkpoint.
        log.accept_many(BURST // 2)
        wait_for(lambda: Checkpoint.objects.filter(size__gte=BURST // 2).exists(), timeout=120)
        log.accept_many(BURST - BURST // 2)
        wait_for(lambda: Checkpoint.objects.filter(size=BURST).exists(), timeout=120)
        wait_for(lambda: Cosignature.objects.filter(checkpoint__size=BURST).exists(), timeout=60)
    finally:
        stop.set()
        poller.join(timeout=30)

    assert refusals == []
    checkpoints = list(Checkpoint.objects.order_by("size"))
    sizes = [c.size for c in checkpoints]
    assert len(sizes) >= 2 and sizes[-1] == BURST == Publication.objects.count() == tree.size()
    # Each signed by the log; each consistent with the one before, by the site's own proof.
    site, notes = Site(live_server.url), {}
    for checkpoint in checkpoints:
        notes[checkpoint.size], _ = note.open_checkpoint(site.checkpoint_note(checkpoint.size),
                                                         LOG_KEY, [vkey])  # fmt: skip
    for old, new in zip(sizes, sizes[1:], strict=False):
        proof = site.consistency(old, new)
        assert merkle.verify_consistency(old, new, notes[old].root, notes[new].root, proof)
    records = Publication.objects.order_by("sequence").values_list("record", flat=True)
    leaves = [merkle.leaf_hash(merkle.canonical_json(r)) for r in records]
    assert [bytes(c.root) for c in checkpoints] == [merkle.root(leaves[:n]) for n in sizes]
    # The witness cosigned checkpoints as they came, the last among them, each one verifying.
    cosigned = sorted(Cosignature.objects.values_list("checkpoint__size", flat=True))
    assert cosigned[-1] == BURST and set(cosigned) <= set(sizes)
    assert sum(r.cosigned for r in rounds) == len(cosigned)
    latest = Client().get("/api/v1/log/checkpoint").content.decode()
    assert note.open_checkpoint(latest, LOG_KEY, [vkey])[1] == ["observers.example/witness"]


def test_two_writers_extending_at_once_append_each_leaf_once_and_sign_each_size_once(
    transactional_db, django_user_model
):
    from django.db import connection

    from transparency.models import Node
    from transparency.services import log_bring_up_to_date, log_extend

    log = Log(django_user_model)
    log.publish(40)
    start, errors = threading.Barrier(4), []

    def writer() -> None:
        try:
            start.wait(timeout=30)
            log_extend(limit=7)  # a worker's batch, while the others do theirs
            log_bring_up_to_date()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    writers = [threading.Thread(target=writer) for _ in range(4)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=60)

    assert errors == []
    assert Node.objects.filter(level=0).count() == 40 == tree.size()
    records = Publication.objects.order_by("sequence").values_list("record", flat=True)
    leaves = [merkle.leaf_hash(merkle.canonical_json(r)) for r in records]
    assert tree.root(40) == merkle.root(leaves)
    # The worker may have signed a size on the way (it publishes and extends too): each size
    # once, each with its records' root, the last the whole log.
    checkpoints = list(Checkpoint.objects.order_by("size"))
    assert checkpoints[-1].size == 40
    assert [bytes(c.root) for c in checkpoints] == [
        merkle.root(leaves[: c.size]) for c in checkpoints
    ]
