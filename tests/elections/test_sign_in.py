"""Staff sign in with a second factor; API tokens are issued in the admin and expire."""

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.clients import client_for, current_code
from tests.elections.test_protocol_api import URL, body

pytestmark = pytest.mark.django_db


def sign_in_page(user, code, password="pw-long-enough-1", client=None):
    client = client or Client()
    form = {"username": user.username, "password": password, "otp_token": code}
    return client, client.post("/admin/login/?next=/admin/", form)


def test_a_password_alone_does_not_open_the_admin(night):
    current_code(night.clerk)  # enrolled
    client, response = sign_in_page(night.clerk, "")

    assert response.status_code == 200
    assert "This field is required" in response.text or "code" in response.text.lower()
    assert client.get("/admin/").status_code == 302


def test_a_password_and_the_authenticators_code_open_the_admin(night):
    client, response = sign_in_page(night.clerk, current_code(night.clerk))

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_and_names_the_code(night):
    current_code(night.clerk)
    client, response = sign_in_page(night.clerk, "000000")

    assert response.status_code == 200
    assert "Invalid token" in response.text
    assert client.get("/admin/").status_code == 302


def test_enrolment_gives_a_key_and_backup_codes_each_good_once(night):
    out = StringIO()
    call_command("enrol_two_factor", night.clerk.username, stdout=out)
    codes = out.getvalue().rsplit("Backup codes, each good for one sign-in: ", 1)[1].split()

    assert len(codes) == 10 and "otpauth" not in out.getvalue().split("Scan")[1]
    assert sign_in_page(night.clerk, codes[0])[1].status_code == 302
    assert sign_in_page(night.clerk, codes[0])[1].status_code == 200  # used up
    call_command("enrol_two_factor", night.clerk.username, stdout=StringIO())
    assert sign_in_page(night.clerk, codes[1])[1].status_code == 200  # re-enrolled: all gone


def test_observers_sign_in_with_a_password_alone(db, django_user_model):
    django_user_model.objects.create_user("observer1", password="pw-long-enough-1")
    client = Client()
    form = {"username": "observer1", "password": "pw-long-enough-1"}

    assert client.post("/observe/login/", form).status_code == 302
    # Signed in (an anonymous caller gets 401), though with no accreditation to show.
    assert client.get("/api/v1/observers/me/").status_code == 403


def test_a_staff_session_without_the_second_factor_is_anonymous_to_the_api(night):
    half_signed_in = Client()
    half_signed_in.force_login(night.clerk)

    assert half_signed_in.post(URL, body(night), content_type="application/json").status_code == 401
    assert client_for(night.clerk).post(
        URL, body(night), content_type="application/json"
    ).status_code == 201  # fmt: skip


def issue_token(user) -> str:
    page = client_for(user).post("/admin/api-token/")
    assert page.status_code == 200
    return re.search(r'<code id="api-token">(\w+)</code>', page.text).group(1)


def test_the_admin_issues_a_token_shown_once_that_replaces_the_last(night):
    first = issue_token(night.clerk)
    second = issue_token(night.clerk)
    listing = client_for(night.clerk).get("/admin/api-token/")

    assert first != second and second not in listing.text and "expires at" in listing.text
    assert token_client(first).post(URL, body(night), format="json").status_code == 401
    assert token_client(second).post(URL, body(night), format="json").status_code == 201


def test_a_token_stops_working_after_its_lifetime(night, settings):
    key = issue_token(night.clerk)
    later = timezone.now() + settings.API_TOKEN_LIFETIME + timedelta(minutes=1)

    with time_machine.travel(later):
        response = token_client(key).post(URL, body(night), format="json")

    assert response.status_code == 401
    assert "The token expired at" in response.json()["detail"]


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_login_with_no_second_factor_is_told_who_gives_one(night):
    client, response = sign_in_page(night.clerk, "123456")

    assert response.status_code == 200
    assert "This login has no second factor yet" in response.text


@pytest.mark.parametrize(
    ("password", "rule"),
    [("12345678", "This password is too common."), ("kz", "This password is too short."),
     ("8402975316", "This password is entirely numeric.")],
)  # fmt: skip
def test_a_weak_password_is_refused_when_a_login_is_made(
    staff_client, django_user_model, password, rule
):
    form = {"username": "newclerk", "password1": password, "password2": password,
            "usable_password": "true"}  # fmt: skip

    response = staff_client.post("/admin/auth/user/add/", form)

    assert response.status_code == 200 and rule in response.text
    assert not django_user_model.objects.filter(username="newclerk").exists()
