"""The reference observer population and its election day, through the management command."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from observers.models import Accreditation, Note, Visit
from tests.observers.test_accreditation import World

pytestmark = pytest.mark.django_db


def test_the_reference_population_matches_2023_and_observes_on_the_day(django_user_model):
    world = World(django_user_model)
    out = io.StringIO()

    call_command("load_observers", "--election", "obs", "--visits", stdout=out)

    approved = Accreditation.objects.filter(status="approved")
    international = approved.filter(organisation__kind="international").aggregate(
        people=Count("pk"), bodies=Count("organisation", distinct=True)
    )
    states = approved.filter(organisation__kind="foreign_state").aggregate(
        people=Count("pk"), countries=Count("organisation__country", distinct=True)
    )
    assert international == {"people": 662, "bodies": 12}
    assert states == {"people": 131, "countries": 41}  # 793 in all, as in 2023
    domestic = approved.filter(organisation__kind="domestic")
    assert domestic.filter(regions=world.north).exists()  # a regional body's people
    assert Visit.objects.count() >= approved.count() and Note.objects.exists()
    assert not Visit.objects.filter(left__isnull=True).exists()  # everyone checked out
    assert "Election day:" in out.getvalue()

    call_command("load_observers", "--election", "obs", "--visits", stdout=io.StringIO())
    assert Accreditation.objects.count() == approved.count()  # a second run adds nothing
