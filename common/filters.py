"""Filters shared by the API's filter sets."""

import django_filters

from common.numbers import INTEGER_MAX, WholeNumberField

# The largest id or number a client may filter on: beyond it the database cannot even compare.
LARGEST = INTEGER_MAX


class WholeNumberFilter(django_filters.NumberFilter):
    """An id, a station number or a sequence: ASCII digits within an integer column's range,
    else a 400 naming the filter (a decimal filter would pass 1e274 through to the database,
    Django's integer field '٣')."""

    field_class = WholeNumberField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", LARGEST)
        super().__init__(*args, **kwargs)
