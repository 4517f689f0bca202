"""Staff credentials beyond the password: the second factor and API tokens that expire."""

from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from config.events import log_event

BACKUP_CODES = 10


@dataclass(frozen=True)
class Enrolment:
    config_url: str  # otpauth:// address an authenticator app reads from a QR code
    key: str  # the same secret, for typing in by hand (base32)
    backup_codes: list[str]


@transaction.atomic
def two_factor_enrol(
    *, user: AbstractBaseUser, key_hex: str | None = None, backup_codes: list[str] | None = None
) -> Enrolment:
    """Give a user a new authenticator key and backup codes; any earlier ones stop working.

    `key_hex` and `backup_codes` are for the demo logins only, whose codes are printed.
    """
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    totp = TOTPDevice.objects.create(
        user=user, name="authenticator", confirmed=True, **({"key": key_hex} if key_hex else {})
    )
    backup = StaticDevice.objects.create(user=user, name="backup codes", confirmed=True)
    codes = backup_codes or [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
    log_event("staff.two_factor_enrolled", user=user.username)
    return Enrolment(
        config_url=totp.config_url, key=b32encode(totp.bin_key).decode(), backup_codes=codes
    )


def api_token_expires(token: Token) -> datetime:
    return token.created + settings.API_TOKEN_LIFETIME


@transaction.atomic
def api_token_issue(*, user: AbstractBaseUser) -> Token:
    """A new API token for a member of staff; the previous one, if any, stops working."""
    Token.objects.filter(user=user).delete()
    log_event("staff.api_token_issued", user=user.username)
    return Token.objects.create(user=user)
