"""Witnesses: `manage.py witness URL` against the running site, cosignatures kept and shown,
bad ones refused, and a rewritten log caught by a witness holding an earlier checkpoint."""

import time

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from saylau_verify import merkle, note
from saylau_verify.client import Site

from common import queue
from elections.models import Publication
from elections.services.publication import chain_problems, record_hash
from observers.services import organisation_register
from tests.database import append_only_triggers_dropped
from tests.transparency.conftest import Log
from transparency.models import Checkpoint, Cosignature, Node, Witness
from transparency.services import log_bring_up_to_date

LOG_KEY = "saylau.test/log+65246c73+Act5Cnac6fdIlBzKE3usIJIPfArRzE6rKIGH5ollCkFj"


@pytest.fixture
def live_log(transactional_db, django_user_model) -> Log:
    return Log(django_user_model)


def witness_key(tmp_path, name: str = "observers.example/witness"):
    """A witness's key file, and its verifier key registered by the CEC's desk."""
    key = note.generate_key()
    path = tmp_path / f"{name.replace('/', '_')}.key"
    path.write_text(note.signer_key(name, key, note.COSIGNATURE_V1) + "\n")
    organisation = organisation_register(
        name=f"Observers of {name}", kind="international", country="Norway", contact="w@example.org"
    )
    vkey = note.verifier_key(name, key, note.COSIGNATURE_V1)
    Witness.objects.create(organisation=organisation, name=name, verifier_key=vkey)
    return path, vkey, key


def burst(log: Log, n: int) -> None:
    """n acceptances, published and logged by the tasks once for the burst."""
    with queue.deferred():
        log.accept_many(n)


def witness(url: str, key, state) -> str:
    from io import StringIO

    out = StringIO()
    call_command("witness", url, key=str(key), state=str(state), stdout=out)
    return out.getvalue()


def test_a_witness_cosigns_each_new_checkpoint_and_the_site_shows_it(
    live_log, live_server, tmp_path
):
    key, vkey, _ = witness_key(tmp_path)
    state = tmp_path / "state"
    burst(live_log, 5)

    said = witness(live_server.url, key, state)

    assert "cosigned 5 records" in said
    [cosignature] = Cosignature.objects.all()
    assert cosignature.checkpoint.size == 5 and cosignature.witness.verifier_key == vkey
    text = Client().get("/api/v1/log/checkpoint").content.decode()
    checkpoint, witnesses = note.open_checkpoint(text, LOG_KEY, [vkey])
    assert (checkpoint.size, witnesses) == (5, ["observers.example/witness"])
    assert text.endswith(cosignature.line + "\n")
    assert "already cosigned 5 records" in witness(live_server.url, key, state)

    burst(live_log, 3)
    said = witness(live_server.url, key, state)

    assert "cosigned 8 records: consistent with the 5 records cosigned before" in said
    assert sorted(Cosignature.objects.values_list("checkpoint__size", flat=True)) == [5, 8]
    page = Client().get("/log/").content.decode()
    assert "observers.example/witness" in page and vkey in page and LOG_KEY in page


def rewrite_from(sequence: int) -> None:
    """What the database's owner could do: rebuild every record from ``sequence`` on (ten
    votes moved from the first candidate to the second, each hash and link made anew, so
    that the chain verifies), then the tree and a checkpoint over the new records."""
    rows = list(Publication.objects.filter(sequence__gte=sequence).order_by("sequence"))
    previous = Publication.objects.get(sequence=sequence - 1).sha256
    with append_only_triggers_dropped():
        for publication in rows:
            record = publication.record
            record["votes"][0]["votes"] -= 10
            record["votes"][1]["votes"] += 10
            record["previous_sha256"] = previous
            publication.sha256 = previous = record_hash(record)
            publication.save()
        Cosignature.objects.all().delete()
        Checkpoint.objects.all().delete()
        Node.objects.all().delete()
        log_bring_up_to_date()


def test_a_witness_holding_an_earlier_checkpoint_refuses_a_rewritten_log(
    live_log, live_server, tmp_path
):
    key, _, _ = witness_key(tmp_path)
    state = tmp_path / "state"
    burst(live_log, 120)
    witness(live_server.url, key, state)
    kept = Client().get("/api/v1/log/checkpoints/120").content.decode()
    old, _ = note.open_checkpoint(kept, LOG_KEY)

    rewrite_from(100)
    burst(live_log, 5)

    # The chain alone cannot tell: it verifies end to end, and so do the tallies.
    assert chain_problems() == []
    call_command("verify_results")
    # The witness can: the new checkpoint does not extend the one it cosigned.
    with pytest.raises(CommandError) as refused:
        witness(live_server.url, key, state)
    assert str(refused.value) == (
        "refused to cosign: the checkpoint of 125 records is not consistent with the 120 this "
        "witness cosigned: the log was rewritten"
    )
    assert not Cosignature.objects.filter(checkpoint__size=125).exists()
    # And anyone holding the old checkpoint sees it with the site's own proof.
    site = Site(live_server.url)
    new, _ = note.open_checkpoint(site.checkpoint_note(), LOG_KEY)
    proof = site.consistency(120, 125)
    assert not merkle.verify_consistency(120, 125, old.root, new.root, proof)


def test_a_cosignature_that_does_not_verify_is_refused_naming_why(log, tmp_path):
    from transparency.services import log_bring_up_to_date as sign

    log.publish(2)
    checkpoint = sign()
    path, vkey, private = witness_key(tmp_path)
    body = note.Checkpoint.parse(note.split_note(checkpoint.note)[0]).body()
    now = int(time.time())
    good = note.cosign(body, "observers.example/witness", private, now)
    other = note.cosign(body.replace("\n2\n", "\n3\n"), "observers.example/witness", private, now)
    stranger = note.generate_key()
    unknown = note.cosign(body, "someone.else/witness", stranger, now)
    # Backdated to before the checkpoint existed, or dated in the year 3000.
    backdated = note.cosign(body, "observers.example/witness", private, 1_700_000_000)
    future = note.cosign(body, "observers.example/witness", private, 32_503_680_000)
    url = f"/api/v1/log/checkpoints/{checkpoint.size}/cosignatures"
    reader = Client()

    def post(line: str, to: str = url):
        answer = reader.post(to, line, content_type="text/plain")
        return answer.status_code, answer.content.decode()

    assert post(other) == (400, "body: bad signature: it does not verify for this checkpoint "
                           "under the key observers.example/witness\n")  # fmt: skip
    assert post(unknown) == (400, "body: unknown witness: no witness key named "
                             "someone.else/witness is registered\n")  # fmt: skip
    for when in (backdated, future):
        status, text = post(when)
        assert status == 400 and "before the checkpoint was signed" in text and "future" in text
    assert post("hello") == (
        400, "body: not a signature line: expected “— <name> <base64 signature>”\n"
    )  # fmt: skip
    assert post(good, "/api/v1/log/checkpoints/9/cosignatures")[0] == 400
    assert "must be the size of a signed checkpoint" in post(good, "/api/v1/log/checkpoints/9/"
                                                                   "cosignatures")[1]  # fmt: skip
    assert not Cosignature.objects.exists()
    assert post(good) == (201, good)
    assert post(good) == (201, good)  # the same line again: kept once
    later = note.cosign(body, "observers.example/witness", private, now + 100)
    assert post(later)[0] == 409
    assert Cosignature.objects.count() == 1
    assert reader.post(url, b"\xff\xfe", content_type="text/plain").status_code == 400


def test_the_cec_registers_a_witness_key_once_and_never_changes_it(staff_client):
    organisation = organisation_register(
        name="Clean Elections", kind="international", country="Norway", contact="c@example.org"
    )
    key = note.generate_key()
    vkey = note.verifier_key("clean.example/witness", key, note.COSIGNATURE_V1)

    added = staff_client.post(
        "/admin/transparency/witness/add/", {"organisation": organisation.pk, "verifier_key": vkey}
    )
    again = staff_client.post(
        "/admin/transparency/witness/add/", {"organisation": organisation.pk, "verifier_key":
                                             note.verifier_key("clean.example/witness",
                                                               note.generate_key(),
                                                               note.COSIGNATURE_V1)},
    )  # fmt: skip
    log_key = staff_client.post(
        "/admin/transparency/witness/add/",
        {"organisation": organisation.pk, "verifier_key": note.verifier_key("x", key)},
    )

    assert added.status_code == 302
    witness = Witness.objects.get()
    assert (witness.name, witness.verifier_key, witness.organisation) == (
        "clean.example/witness", vkey, organisation,
    )  # fmt: skip
    assert "a new key needs a new name" in again.content.decode()
    assert "cosignature/v1 (0x04)" in log_key.content.decode()
    posing = staff_client.post(  # a witness key under the log's own name
        "/admin/transparency/witness/add/",
        {"organisation": organisation.pk,
         "verifier_key": note.verifier_key("saylau.test/log", key, note.COSIGNATURE_V1)},
    )  # fmt: skip
    assert "is the name of the log" in posing.content.decode()
    change = staff_client.post(
        f"/admin/transparency/witness/{witness.pk}/change/",
        {"organisation": organisation.pk, "verifier_key": "other"},
    )
    assert change.status_code == 403
    assert Witness.objects.get().verifier_key == vkey
