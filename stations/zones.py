"""IANA time-zone names, checked against the zone database this machine has."""

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The commission's clock, the zone the admin shows times in (TIME_ZONE: Asia/Almaty, which
# Astana keeps); stations abroad that follow the CEC are set to it too.
ASTANA = ZoneInfo(settings.TIME_ZONE)


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError(
            _("%(value)s is not an IANA time zone (e.g. Asia/Almaty, Europe/Berlin)."),
            code="invalid_time_zone",
            params={"value": value},
        )
