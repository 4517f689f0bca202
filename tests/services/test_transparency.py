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
        log.accept_many(BURST)  # each acceptance queues the worker's publication
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
