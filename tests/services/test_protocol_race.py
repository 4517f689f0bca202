import threading

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from common import queue
from common.errors import ApplicationError
from elections.models import Protocol, ProtocolEntry
from elections.services.protocols import protocol_submit_entry
from elections.services.publication import (
    PUBLISH_PENDING,
    _publish_pending,
    chain_problems,
    protocols_publish,
)
from tests.elections.conftest import Night, good_numbers

pytestmark = pytest.mark.services


def race(night: Night, users) -> list[str]:
    """Submit the same entry for each user at the same instant, each on its own connection."""
    start = threading.Barrier(len(users))
    outcomes: list[str] = []

    def submit(user) -> None:
        start.wait()
        try:
            protocol = protocol_submit_entry(
                station=night.station, contest=night.contest, user=user, data=good_numbers()
            )
            outcomes.append(f"won: {protocol.status}")
        except ApplicationError as exc:
            outcomes.append(f"lost: {type(exc).__name__}")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_two_clerks_racing_for_the_second_entry_exactly_one_wins(
    transactional_db, django_user_model
):
    night = Night(django_user_model)
    protocol_submit_entry(
        station=night.station, contest=night.contest, user=night.clerk, data=good_numbers()
    )

    outcomes = race(night, [night.clerk2, night.supervisor])

    assert outcomes == ["lost: StateConflict", "won: accepted"]
    assert ProtocolEntry.objects.filter(round=2).count() == 1
    assert Protocol.objects.get().status == Protocol.Status.ACCEPTED


def test_two_clerks_racing_for_the_first_entry_make_one_protocol(
    transactional_db, django_user_model
):
    night = Night(django_user_model)

    outcomes = race(night, [night.clerk, night.clerk2])

    # Either both reached the insert together and the database let one through, or one thread
    # started after the other had committed and its entry became the (valid) second one.
    assert outcomes in (
        ["lost: StateConflict", "won: awaiting_second"],
        ["won: accepted", "won: awaiting_second"],
    )
    assert Protocol.objects.count() == 1
    assert ProtocolEntry.objects.filter(round=1).count() == 1


def test_two_publishers_at_once_take_turns_on_the_chain(transactional_db, django_user_model):
    night = Night(django_user_model)
    cache.set(queue.key(PUBLISH_PENDING), 1, timeout=60)  # claimed: the worker is not asked
    try:
        publishers_race(night)
    finally:
        # Left claimed, the next test's acceptances would queue no publication for a minute
        # (the service suite's worker runs no beat to sweep them up).
        queue.clear(PUBLISH_PENDING)


def publishers_race(night) -> None:
    for shift, station in enumerate([night.station, night.other_station, night.neighbour]):
        night.accept(station, good_numbers(vote_1=400 - shift, vote_2=150 + shift))
    assert len(protocols_publish(limit=1)) == 1  # the chain has a head for both to wait on
    start = threading.Barrier(2)
    appended: list[list[int]] = []

    def publish() -> None:
        start.wait()
        try:
            with transaction.atomic():
                appended.append([p.sequence for p in _publish_pending(1)])
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # Each numbered its record after the other's commit: no sequence twice, nothing refused.
    assert sorted(appended) == [[2], [3]]
    assert chain_problems() == []
