"""/api/v1/log/: checkpoints signed after each publication batch, proofs that verify with
saylau_verify alone, and clear refusals of bad input."""

import base64
import json

import pytest
from django.test import Client, TestCase
from saylau_verify import note
from saylau_verify.merkle import (
    canonical_json,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

from elections.models import Publication
from transparency.models import Checkpoint, Node
from transparency.services import checkpoint_sign, log_bring_up_to_date

pytestmark = pytest.mark.django_db

LOG_KEY = "saylau.test/log+65246c73+Act5Cnac6fdIlBzKE3usIJIPfArRzE6rKIGH5ollCkFj"


def b64(text: str) -> bytes:
    return base64.b64decode(text)


def signed(log, n: int) -> Checkpoint:
    """n more records published, then the log brought up to date and signed."""
    log.publish(n)
    return log_bring_up_to_date()


def test_a_publication_batch_is_followed_by_a_signed_checkpoint_through_the_tasks(log):
    """The path the night takes: acceptance → publish task → records_published → log task."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        log.accept(log.station)

    checkpoint = Checkpoint.objects.get()
    body = Client().get("/api/v1/log/checkpoint")

    assert body.status_code == 200 and body["Content-Type"].startswith("text/plain")
    parsed, witnesses = note.open_checkpoint(body.content.decode(), LOG_KEY)
    assert (parsed.origin, parsed.size, witnesses) == ("saylau.test/log", 1, [])
    assert parsed.root == bytes(checkpoint.root) == root([leaf_hash(canonical_json(
        Publication.objects.get(sequence=1).record))])  # fmt: skip
    assert parsed.time == checkpoint.time
    assert Client().get("/api/v1/log/key").content.decode() == LOG_KEY + "\n"


def test_every_leaf_is_included_in_every_checkpoint_and_checkpoints_are_consistent(log):
    sizes = [signed(log, n).size for n in (3, 5, 8, 1)]
    assert sizes == [3, 8, 16, 17]
    reader = Client()
    listed = json.loads(b"".join(reader.get("/api/v1/log/checkpoints.json").streaming_content))
    assert [item["size"] for item in listed] == sizes
    roots = {}
    for item in listed:
        text = reader.get(item["url"]).content.decode()
        checkpoint, _ = note.open_checkpoint(text, LOG_KEY)
        assert base64.b64encode(checkpoint.root).decode() == item["root"]
        roots[checkpoint.size] = checkpoint.root

    for size in sizes:
        for index in range(size):
            record = reader.get(f"/api/v1/log/records/{index}").json()
            assert record["sequence"] == index + 1
            proof = reader.get(f"/api/v1/log/proof/inclusion/{index}/{size}").json()
            leaf = leaf_hash(canonical_json(record["record"]))
            assert b64(proof["leaf_hash"]) == leaf
            hashes = [b64(p) for p in proof["proof"]]
            assert verify_inclusion(index, size, leaf, hashes, roots[size])
            assert not verify_inclusion(index, size, leaf_hash(b"other"), hashes, roots[size])
    for old in sizes:
        for new in sizes:
            if old <= new:
                answer = reader.get(f"/api/v1/log/proof/consistency/{old}/{new}").json()
                hashes = [b64(p) for p in answer["proof"]]
                assert (answer["old"], answer["new"]) == (old, new)
                assert verify_consistency(old, new, roots[old], roots[new], hashes)


def test_the_records_stream_holds_each_leaf_once_in_order(log):
    signed(log, 6)
    reader = Client()

    def lines(query: str) -> list[dict]:
        answer = reader.get(f"/api/v1/log/records.jsonl{query}")
        assert answer.status_code == 200
        return [json.loads(line) for line in b"".join(answer.streaming_content).splitlines()]

    assert [item["index"] for item in lines("")] == [0, 1, 2, 3, 4, 5]
    assert [item["index"] for item in lines("?start=2&end=4")] == [2, 3]
    item = lines("?start=5")[0]
    assert item == {
        "index": 5, "sequence": 6, "sha256": Publication.objects.get(sequence=6).sha256,
        "record": Publication.objects.get(sequence=6).record,
    }  # fmt: skip


def test_a_size_is_signed_once_and_only_when_the_tree_grew(log):
    first = signed(log, 2)

    assert checkpoint_sign() is None  # nothing new: no second checkpoint of 2
    assert Checkpoint.objects.count() == 1
    assert Node.objects.filter(level=0).count() == 2
    assert first.key_name == "saylau.test/log" and first.verifier_key == LOG_KEY


@pytest.mark.parametrize(
    ("url", "status", "field", "says"),
    [
        ("/api/v1/log/proof/inclusion/0/2", 400, "size", "must be the size of a signed checkpoint"),
        ("/api/v1/log/proof/inclusion/3/3", 400, "index", "must be less than the size 3"),
        ("/api/v1/log/proof/inclusion/x/3", 400, "index", "must be a whole number"),
        ("/api/v1/log/proof/inclusion/-1/3", 400, "index", "must be a whole number"),
        ("/api/v1/log/proof/inclusion/0/٣", 400, "size", "must be a whole number"),
        (f"/api/v1/log/proof/inclusion/0/{2**64}", 400, "size", "must be a whole number"),
        ("/api/v1/log/proof/consistency/3/1", 400, "new", "signed checkpoint"),
        ("/api/v1/log/proof/consistency/0/3", 400, "old", "from 1"),
        ("/api/v1/log/proof/consistency/4/3", 400, "old", "must not be greater than new"),
        ("/api/v1/log/records.jsonl?start=3&end=1", 400, "end", "must not be less than start"),
        ("/api/v1/log/records.jsonl?start=1e5", 400, "start", "whole number"),
        ("/api/v1/log/records/99", 404, None, "No leaf 99"),
        ("/api/v1/log/checkpoints/7", 404, None, "No checkpoint of 7 records"),
        ("/api/v1/log/stations/KAR-999", 404, None, "No station KAR-999"),
        ("/api/v1/log/stations/KAR-x", 404, None, "No station"),
    ],
)
def test_bad_input_is_refused_naming_the_rule(log, url, status, field, says):
    signed(log, 3)

    answer = Client().get(url)

    assert answer.status_code == status
    if answer["Content-Type"].startswith("text/plain"):  # a note's URL answers in text
        assert says in answer.content.decode()
    else:
        assert says in (answer.json()[field][0] if field else answer.json()["detail"])


def test_a_checkpoint_url_that_is_not_a_size_is_a_400_in_text(log):
    signed(log, 1)

    answer = Client().get("/api/v1/log/checkpoints/abc", HTTP_ACCEPT="application/json")

    assert answer.status_code == 400
    assert answer.content.decode() == "size: must be a whole number from 1 (ASCII digits)\n"


def test_a_station_lists_its_leaves_and_its_page_links_their_proofs(log):
    signed(log, 4)
    mine = Publication.objects.get(protocol__station__number=203)

    answer = Client().get("/api/v1/log/stations/KAR-203").json()
    page = Client().get("/results/night/stations/KAR-203/").content.decode()

    index = mine.sequence - 1
    assert answer == {"station": "KAR-203", "leaves": [{"index": index, "contest":
                      log.contest.code, "version": 1, "sha256": mine.sha256}]}  # fmt: skip
    assert "In the transparency log" in page
    assert f'<td class="num">{index}</td>' in page
    assert f'href="/api/v1/log/proof/inclusion/{index}/4"' in page


def test_the_schema_documents_every_log_endpoint():
    schema = Client().get("/api/schema/", {"format": "json"}).json()

    paths = {path for path in schema["paths"] if path.startswith("/api/v1/log/")}
    assert paths == {
        "/api/v1/log/key", "/api/v1/log/checkpoint", "/api/v1/log/checkpoints.json",
        "/api/v1/log/checkpoints/{size}", "/api/v1/log/checkpoints/{size}/cosignatures",
        "/api/v1/log/records.jsonl", "/api/v1/log/records/{index}",
        "/api/v1/log/proof/inclusion/{index}/{size}", "/api/v1/log/proof/consistency/{old}/{new}",
        "/api/v1/log/stations/{station}", "/api/v1/log/stations/{station}/proofs/{size}",
    }  # fmt: skip


def test_the_open_data_page_gives_the_key_and_links_the_log_and_its_verifier(log):
    signed(log, 1)

    page = Client().get("/results/night/open-data/").content.decode()

    assert f"<code>{LOG_KEY}</code>" in page
    assert 'href="/log/"' in page and "saylau-verify" in page and "--station AST-1" in page
