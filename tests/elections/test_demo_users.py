from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from elections import access
from elections.models import Assignment
from tests.factories import RegionFactory, StationFactory

pytestmark = pytest.mark.django_db


def test_demo_logins_are_made_for_every_role_with_their_scope(django_user_model, settings):
    settings.DEBUG = True
    station = StationFactory(region=RegionFactory(code="AST"), number=1)
    StationFactory(number=2)
    out = StringIO()

    call_command("create_demo_users", stdout=out)
    call_command("create_demo_users", stdout=StringIO())  # a second run changes nothing

    roles = dict(Assignment.objects.values_list("user__username", "role"))
    assert roles == {
        "clerk1": "precinct", "clerk2": "precinct", "supervisor": "territorial", "cec": "cec",
        "auditor": "auditor",
    }  # fmt: skip
    clerk = django_user_model.objects.get(username="clerk1")
    assert list(access.stations_in_scope(clerk, access.ENTER)) == [station]
    assert clerk.check_password("saylau-demo-2023") and clerk.is_staff
    assert "clerk2      precinct commission of station AST 1: second entry" in out.getvalue()


def test_demo_logins_are_refused_in_production(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("create_demo_users")
