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
from elections.services.publication import GENESIS, chain_problems, protocol_publish
from tests.elections.conftest import good_numbers

pytestmark = pytest.mark.django_db


def test_an_accepted_protocol_is_published_once_as_a_chained_record(night):
    first = protocol_publish(protocol_id=night.accept(night.station).pk)
    second = protocol_publish(
        protocol_id=night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250)).pk
    )

    assert protocol_publish(protocol_id=first.protocol_id) == first  # idempotent
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
    protocol = protocol_submit_entry(
        station=night.station, contest=night.contest, user=night.cec, data=good_numbers()
    )

    assert protocol_publish(protocol_id=protocol.pk) is None
    assert not Publication.objects.exists()


def test_a_correction_publishes_a_new_record_that_points_to_the_one_it_replaces(night):
    original = night.accept(night.station)
    old = protocol_publish(protocol_id=original.pk)
    correction = protocol_propose_correction(
        protocol=original,
        user=night.cec,
        data=good_numbers(vote_1=390, vote_2=160),
        reason="recount",
    )
    approved = protocol_decide_correction(correction=correction, user=night.cec2, approve=True)

    new = protocol_publish(protocol_id=approved.pk)

    assert (new.record["version"], new.record["replaces_sha256"], new.record["reason"]) == (
        2,
        old.sha256,
        "recount",
    )
    assert Publication.objects.count() == 2  # nothing is deleted
    assert chain_problems() == []


def test_a_tampered_record_or_an_unpublished_acceptance_fails_verification(night):
    published = protocol_publish(protocol_id=night.accept(night.station).pk)
    night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))  # its task never ran

    assert chain_problems()[-1].endswith("accepted but not published")
    published.record["votes"][0]["votes"] = 9999
    published.save()

    problems = chain_problems()
    assert "publication #1: its record does not match its hash" in problems
    with pytest.raises(CommandError):
        call_command("verify_results")
