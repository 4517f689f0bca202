"""API tokens die with the credentials they were issued under: a password changed by any path,
a new second factor, and a token made outside the service opens nothing."""

import getpass

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from elections.models import Protocol
from elections.services.credentials import api_token_issue
from tests.elections.conftest import Night
from tests.elections.test_protocol_api import body

pytestmark = pytest.mark.django_db

URL = "/api/v1/protocols/"


@pytest.fixture
def night(db, django_user_model) -> Night:
    return Night(django_user_model)


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def refused_and_nothing_saved(key: str, night) -> str:
    """Try to enter a protocol with the token; return the refusal's message."""
    response = with_token(key).post(URL, body(night), format="json")
    assert response.status_code == 401
    assert not Protocol.objects.exists()
    return response.json()["detail"]


def test_a_token_dies_when_the_password_is_changed_in_the_admin(night, staff_client):
    key = api_token_issue(user=night.clerk).key
    assert with_token(key).get(URL).status_code == 200

    changed = staff_client.post(
        f"/admin/auth/user/{night.clerk.pk}/password/",
        {"password1": "a-new-long-password-7", "password2": "a-new-long-password-7"},
    )

    assert changed.status_code == 302
    detail = refused_and_nothing_saved(key, night)
    assert "issued before the password or the second factor changed" in detail
    assert with_token(api_token_issue(user=night.clerk).key).get(URL).status_code == 200


def test_a_token_dies_when_the_password_is_changed_with_changepassword(night, monkeypatch):
    key = api_token_issue(user=night.clerk).key
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "a-new-long-password-7")

    call_command("changepassword", night.clerk.username, stdout=open("/dev/null", "w"))  # noqa: SIM115

    refused_and_nothing_saved(key, night)


def test_a_token_dies_when_the_password_is_set_from_a_shell(night):
    key = api_token_issue(user=night.clerk).key

    night.clerk.set_password("a-new-long-password-7")
    night.clerk.save()

    refused_and_nothing_saved(key, night)


def test_a_token_dies_when_a_new_second_factor_is_enrolled(night):
    key = api_token_issue(user=night.clerk).key

    call_command("enrol_two_factor", night.clerk.username, stdout=open("/dev/null", "w"))  # noqa: SIM115

    refused_and_nothing_saved(key, night)
    assert not Token.objects.filter(user=night.clerk).exists()


def test_a_token_dies_when_a_device_is_added_behind_the_enrolments_back(night):
    key = api_token_issue(user=night.clerk).key

    TOTPDevice.objects.create(user=night.clerk, name="a second authenticator")

    refused_and_nothing_saved(key, night)


def test_a_token_made_outside_the_service_opens_nothing(night):
    token = Token.objects.create(user=night.clerk)  # as the admin's raw token page would

    refused_and_nothing_saved(token.key, night)


def test_a_token_survives_a_change_that_is_not_a_credential(night):
    key = api_token_issue(user=night.clerk).key

    night.clerk.first_name = "Aigerim"
    night.clerk.save()

    assert with_token(key).get(URL).status_code == 200
