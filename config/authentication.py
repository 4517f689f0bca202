"""API sign-in: staff sessions count only once two-factor verified; tokens expire."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme, TokenScheme
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from elections import access
from elections.services.credentials import (
    api_token_expires,
    api_token_valid,
    tokens_with_devices,
)


class VerifiedSessionAuthentication(SessionAuthentication):
    """A staff session that has not passed the second factor is treated as anonymous.

    Observers, who are not commission staff, sign in with a password alone.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if user.is_staff and not user.is_verified():
            return None
        return result


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token, refused once older than API_TOKEN_LIFETIME: a lost laptop's token dies.

    It dies too once the password or the second factor it was issued under changes.
    """

    def authenticate_credentials(self, key):
        # One query for the token, its user, the user's second-factor devices (the seal) and
        # commission assignments (the scope every protocol and report call checks).
        tokens = access.with_assignments(tokens_with_devices(Token.objects.select_related("user")))
        token = tokens.filter(key=key).first()
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        user = token.user
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        access.remember_assignments(token, user)
        if not api_token_valid(token):
            raise AuthenticationFailed(
                _(
                    "The token was issued before the password or the second factor changed; "
                    "issue a new one in the admin (API token)."
                )
            )
        expired = api_token_expires(token)
        if expired <= timezone.now():
            raise AuthenticationFailed(
                _("The token expired at %(expired)s; issue a new one in the admin (API token).")
                % {"expired": f"{timezone.localtime(expired):%Y-%m-%d %H:%M %Z}"}
            )
        return user, token


class VerifiedSessionScheme(SessionScheme):
    """The schema describes it as DRF's session sign-in, which it is."""

    target_class = VerifiedSessionAuthentication


class ExpiringTokenScheme(TokenScheme):
    target_class = ExpiringTokenAuthentication
