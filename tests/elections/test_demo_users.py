from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

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


def test_demo_logins_are_pre_enrolled_with_the_printed_second_factor(settings):
    settings.DEBUG = True
    StationFactory(region=RegionFactory(code="AST"), number=1)
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    backup_code = out.getvalue().rsplit("each good once per login: ", 1)[1].split()[0]
    client = Client()

    signed_in = client.post(
        "/admin/login/",
        {"username": "supervisor", "password": "saylau-demo-2023", "otp_token": backup_code},
    )

    assert signed_in.status_code == 302 and client.get("/admin/").status_code == 200


def test_demo_logins_are_refused_in_production(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("create_demo_users")
