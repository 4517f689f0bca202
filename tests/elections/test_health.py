"""The health check's operations section: the sweep's heartbeat and the publication lag."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from elections.tasks import heartbeat

pytestmark = pytest.mark.django_db


def test_the_health_check_tells_operators_when_publication_or_the_sweep_falls_behind(client, night):
    night.accept(night.station)  # committed in the test's transaction: nothing publishes it
    heartbeat()  # as the sweep does

    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        response = client.get(reverse("health"))

    report = response.json()
    assert response.status_code == 200  # the web still serves: for operators, not the balancer
    assert report["unpublished_acceptances"] == 1
    assert 175 <= report["oldest_unpublished_acceptance_seconds"] <= 185
    assert report["degraded"] == [
        f"the last periodic sweep ran {report['heartbeat_age_seconds']} s ago",
        f"an accepted protocol has waited {report['oldest_unpublished_acceptance_seconds']} s "
        "to be published",
    ]
