"""Staff credentials beyond the password: the second factor and API tokens that expire.

An API token is bound to the credentials it was issued under. Its key is a random half and a
seal over that half, the user's password (its stored hash) and their second-factor devices;
the API checks the seal on every call (config/authentication.py). So a token dies when the
password changes, however it is changed (the admin's form, `changepassword`, a reset, a
shell), and when a new second factor is given, with no signal to forget and no field to keep
in step. A token made in any other way than `api_token_issue` carries no seal and opens
nothing.
"""

import secrets
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from common.aggregates import Joined
from common.events import log_event

BACKUP_CODES = 10
TOKEN_NONCE_LENGTH = 20  # of the key's 40 hex digits: 80 random bits, then 80 bits of seal


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

    So do the user's API tokens: one may have been issued on the device being replaced.
    `key_hex` and `backup_codes` are for the demo logins only, whose codes are printed.
    """
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    Token.objects.filter(user=user).delete()
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


def _seal(user: AbstractBaseUser, password: str, nonce: str, devices=None) -> str:
    """What binds a token to the user's password (hash) and second factor as they stand."""
    if devices is None:
        totp = TOTPDevice.objects.filter(user=user).values_list("pk", "key")
        static = StaticDevice.objects.filter(user=user).annotate(
            kind=Value("static", output_field=CharField())
        )
        devices = totp.union(static.values_list("pk", "kind"), all=True)
    value = f"{nonce}|{user.pk}|{password}|{sorted(devices)}"
    digest = salted_hmac("saylau.api-token", value, algorithm="sha256").hexdigest()
    return digest[: Token._meta.get_field("key").max_length - TOKEN_NONCE_LENGTH]


def tokens_with_devices(tokens: QuerySet[Token]) -> QuerySet[Token]:
    """Tokens each with their user's second-factor devices, read in the same query: the API
    checks every call's seal (api_token_valid) with no query more."""

    def joined(devices: QuerySet, value) -> Subquery:
        rows = devices.filter(user=OuterRef("user_id")).order_by().values("user_id")
        return Subquery(rows.annotate(joined=Joined(value)).values("joined"))

    totp = Concat(Cast("pk", CharField()), Value(":"), "key")
    return tokens.annotate(
        _saylau_totp=joined(TOTPDevice.objects, totp),
        _saylau_static=joined(StaticDevice.objects, Cast("pk", CharField())),
    )


def _devices_read_with(token: Token) -> list[tuple[int, str]] | None:
    """The devices `tokens_with_devices` read with the token, as _seal lists them; None if not."""
    if not hasattr(token, "_saylau_totp"):
        return None
    devices = []
    for item in filter(None, (token._saylau_totp or "").split(",")):
        pk, _, key = item.partition(":")
        devices.append((int(pk), key))
    devices += [(int(pk), "static") for pk in filter(None, (token._saylau_static or "").split(","))]
    return devices


def api_token_valid(token: Token) -> bool:
    """Whether the password and second factor the token was issued under still stand."""
    nonce, seal = token.key[:TOKEN_NONCE_LENGTH], token.key[TOKEN_NONCE_LENGTH:]
    devices = _devices_read_with(token)
    return constant_time_compare(seal, _seal(token.user, token.user.password, nonce, devices))


@transaction.atomic
def api_token_issue(*, user: AbstractBaseUser) -> Token:
    """A new API token for a member of staff; the previous one, if any, stops working."""
    Token.objects.filter(user=user).delete()
    nonce = secrets.token_hex(TOKEN_NONCE_LENGTH // 2)
    # The password as stored, not as the caller's copy of the user last saw it.
    password = get_user_model()._default_manager.values_list("password", flat=True).get(pk=user.pk)
    log_event("staff.api_token_issued", user=user.username)
    return Token.objects.create(user=user, key=nonce + _seal(user, password, nonce))
