import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from elections.models import Publication
from elections.services.protocols import (
    protocol_decide_correction,
    protocol_propose_correction,
    protocol_submit_entry,
)
from elections.services.publication import GENESIS, chain_problems, protocols_publish
from tests.database import append_only_triggers_dropped
from tests.elections.conftest import good_numbers

pytestmark = pytest.mark.django_db


def test_accepted_protocols_are_published_once_as_chained_records(night):
    night.accept(night.station)
    night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))

    first, second = protocols_publish()

    assert protocols_publish() == []  # nothing is published twice
    assert first.protocol.station == night.station  # in the order they were accepted
    assert (first.sequence, first.record["previous_sha256"]) == (1, GENESIS)
    assert (second.sequence, second.record["previous_sha256"]) == (2, first.sha256)
    record = first.record
    assert (record["region"], record["station"], record["version"]) == ("KAR", 101, 1)
    assert record["lines"]["l7_valid"] == 590
    assert record["votes"] == [
        {"position": 1, "name": "Aigerim Sadykova", "votes": 400},
        {"position": 2, "name": "Bolat Omarov", "votes": 150},
        {"position": 3, "name": "Against all", "votes": 40},
    ]
    # Anyone can check a hash with nothing but the record: sorted keys, no spaces, UTF-8.
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(canonical.encode()).hexdigest() == first.sha256
    assert chain_problems() == []


def test_a_protocol_not_accepted_is_not_published(night):
    protocol_submit_entry(
        station=night.station, contest=night.contest, user=night.cec, data=good_numbers()
    )

    assert protocols_publish() == []
    assert not Publication.objects.exists()


def test_a_correction_publishes_a_new_record_that_points_to_the_one_it_replaces(night):
    original = night.accept(night.station)
    [old] = protocols_publish()
    correction = protocol_propose_correction(
        protocol=original,
        user=night.cec,
        data=good_numbers(vote_1=390, vote_2=160),
        reason="recount",
    )
    approved = protocol_decide_correction(correction=correction, user=night.cec2, approve=True)

    [new] = protocols_publish()

    assert new.protocol == approved
    assert (new.record["version"], new.record["replaces_sha256"], new.record["reason"]) == (
        2,
        old.sha256,
        "recount",
    )
    assert Publication.objects.count() == 2  # nothing is deleted
    assert chain_problems() == []


def test_a_tampered_record_or_an_unpublished_acceptance_fails_verification(night):
    night.accept(night.station)
    [published] = protocols_publish()
    night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))  # its task never ran

    assert chain_problems()[-1].endswith("accepted but not published")
    published.record["votes"][0]["votes"] = 9999
    with append_only_triggers_dropped():  # as the database's owner could
        published.save()

    problems = chain_problems()
    assert "publication #1: its record does not match its hash" in problems
    with pytest.raises(CommandError):
        call_command("verify_results")


def test_a_correction_accepted_before_its_original_was_published_follows_it_in_one_batch(night):
    original = night.accept(night.station)
    correction = protocol_propose_correction(
        protocol=original, user=night.cec, data=good_numbers(vote_1=390, vote_2=160), reason="typo"
    )
    protocol_decide_correction(correction=correction, user=night.cec2, approve=True)

    old, new = protocols_publish()

    assert (old.record["version"], new.record["version"]) == (1, 2)
    assert new.record["replaces_sha256"] == old.sha256
    assert chain_problems() == []


def test_a_long_queue_is_published_in_batches_that_continue_the_chain(night):
    night.accept(night.station)
    night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))

    [first] = protocols_publish(limit=1)
    [second] = protocols_publish(limit=1)

    assert second.record["previous_sha256"] == first.sha256
    assert chain_problems() == []


def test_a_record_names_things_in_the_default_language_whoever_publishes_it(night):
    from django.utils import translation

    night.accept(night.station)
    with translation.override("ru"):  # e.g. a worker whose last request was in Russian
        [publication] = protocols_publish()

    assert publication.record["votes"][-1]["name"] == "Against all"
