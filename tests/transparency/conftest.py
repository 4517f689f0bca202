import pytest
from django.test import TestCase

from elections import selectors
from elections.models import ContestStation
from elections.services.publication import protocols_publish
from tests.elections.conftest import Night, good_numbers
from tests.factories import StationFactory


class Log(Night):
    """The night, with ``publish(n)`` making n more stations and publishing their records."""

    def __init__(self, django_user_model):
        super().__init__(django_user_model)
        self.number, self.shift = 200, 0

    def publish(self, n: int, *, batch: int | None = None) -> list:
        """n more stations accepted, then published here (not by the task: no signal)."""
        self.accept_many(n)
        published = []
        with TestCase.captureOnCommitCallbacks(execute=True):
            while records := protocols_publish(limit=batch or 1000):
                published += records
        return published

    def accept_many(self, n: int) -> None:
        """n more stations, each with its protocol accepted."""
        stations = []
        for _ in range(n):
            self.number += 1
            stations.append(
                StationFactory(
                    region=self.station.region,
                    district=self.station.district,
                    number=self.number,
                    registered_voters=1000,
                )  # fmt: skip
            )
        # The ballots are frozen once counting starts: the test covers its new stations as
        # the service would have before polling.
        c = self.contest
        ContestStation.objects.bulk_create(
            ContestStation(contest=c, station=s, election_id=c.election_id, body=c.body,
                           kind=c.kind)
            for s in stations
        )  # fmt: skip
        selectors._frozen.pop((c.pk, c.created.isoformat()), None)  # read once frozen: again
        for station in stations:
            self.shift += 1  # no two stations alike (a repeated result goes to a supervisor)
            self.accept(station, good_numbers(vote_1=400 - self.shift, vote_2=150 + self.shift))


@pytest.fixture
def log(db, django_user_model) -> Log:
    return Log(django_user_model)
