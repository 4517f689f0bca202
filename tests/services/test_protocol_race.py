import threading

import pytest
from django.db import connection

from common.errors import ApplicationError
from elections.models import Protocol, ProtocolEntry
from elections.services.protocols import protocol_submit_entry
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
