"""Filters shared by the API's filter sets."""

import django_filters
from django import forms

# The largest id or number a client may filter on: beyond it the database cannot even compare.
LARGEST = 2**31 - 1


class WholeNumberFilter(django_filters.NumberFilter):
    """An id, a station number or a sequence: a whole number the database can hold, else a 400
    naming the filter (a decimal filter would pass 1e274 through to the database)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", LARGEST)
        super().__init__(*args, **kwargs)
