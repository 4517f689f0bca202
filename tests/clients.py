"""Clients signed in as a given user: the admin and pages by session, the API by token."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from elections.services.credentials import api_token_issue, api_token_valid


def authenticator(user) -> TOTPDevice:
    """The user's authenticator key, made on first use, as `enrol_two_factor` would."""
    return TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="authenticator"
    )


def current_code(user) -> str:
    """The six digits the user's authenticator app shows now."""
    device = authenticator(user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client: Client, user) -> Client:
    """Log in as the sign-in page would, the second factor included for staff."""
    client.force_login(user)
    if user.is_staff:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()
    return client


def client_for(user) -> Client:
    return sign_in(Client(), user)


def api_token(user) -> str:
    """The user's API token, issued as the admin issues it (the same one on each call)."""
    token = Token.objects.select_related("user").filter(user=user).first()
    if token is None or not api_token_valid(token):
        token = api_token_issue(user=user)
    return token.key


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client
