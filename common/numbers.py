"""Whole numbers as clients type them: ASCII digits only, and never past the column they go to.

Python is generous where a database is not: ``int()`` reads '٣' as 3 and ' +1 ' as 1,
``str.isdigit()`` says yes to '²' (which ``int()`` then refuses), and both take numbers that
overflow a 64-bit column (an OverflowError on SQLite, a DataError on Postgres: a 500 either
way). Every id, number or sequence read from a URL, a query string, a form, an API body or an
imported file goes through ``parse_whole`` or one of the fields and converters built on it.
"""

from django import forms
from rest_framework import serializers

# A Postgres integer column, and the largest id a client may name: ids are bigint, but no table
# here comes near two billion rows, and one bound for every id keeps the errors alike.
INTEGER_MAX = 2**31 - 1
# A Postgres bigint column, and SQLite's INTEGER.
BIGINT_MAX = 2**63 - 1
# A number with more significant digits than this is past any column, whatever its bounds.
WIDEST = len(str(BIGINT_MAX))


def integer(text: object) -> int | None:
    """An int, or a string of ASCII digits with an optional leading '-', as an int; None for
    anything else ('+1', ' 1', '1e5', '1.0', '²', '٣', True). A number too long for any column
    is read as ±10**WIDEST, unconverted, so that a range check refuses it and says why."""
    if isinstance(text, bool) or not isinstance(text, int | str):
        return None
    if isinstance(text, int):
        return text
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        return None
    sign = -1 if text.startswith("-") else 1
    if len(digits.lstrip("0")) > WIDEST:
        return sign * 10**WIDEST
    return sign * int(digits)


def parse_whole(text: object, *, minimum: int = 0, maximum: int = INTEGER_MAX) -> int | None:
    """``text`` as a whole number from ``minimum`` to ``maximum``, or None if it is not one."""
    value = integer(text)
    return value if value is not None and minimum <= value <= maximum else None


class WholeNumberField(forms.IntegerField):
    """A form's whole number (an id, a station number, a count), read by ``integer``: bounded
    by an integer column unless told otherwise, so that a valid form never overflows a query.
    Surrounding spaces are forgiven, as Django's own field forgives them."""

    def __init__(
        self, *, min_value: int | None = 0, max_value: int | None = INTEGER_MAX, **kwargs
    ) -> None:
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value: object) -> int | None:
        if value in self.empty_values:
            return None
        number = integer(value.strip() if isinstance(value, str) else value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number  # the min_value and max_value validators come next


class WholeNumberSerializerField(serializers.IntegerField):
    """The API's whole number: a JSON integer, or a string of ASCII digits, within bounds
    (DRF's own field takes '٣' and 1.0, and, unbounded, 2**64)."""

    def __init__(
        self, *, min_value: int | None = 0, max_value: int | None = INTEGER_MAX, **kwargs
    ) -> None:
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_internal_value(self, data: object) -> int:
        if isinstance(data, str) and len(data) > self.MAX_STRING_LENGTH:
            self.fail("max_string_length")
        number = integer(data.strip() if isinstance(data, str) else data)
        if number is None:
            self.fail("invalid")
        return number  # the min_value and max_value validators come next
