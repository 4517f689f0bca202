"""``<id:pk>``: a path segment that is a row's id, as ``parse_whole`` reads one.

Django's ``<int:…>`` matches any run of digits and hands ``int()`` whatever it matched, so
``/stations/18446744073709551616/`` reaches the view and overflows its query. This one matches
at most ten ASCII digits and refuses (a 404) anything past an integer column.
"""

from django.urls import register_converter

from common.numbers import INTEGER_MAX, parse_whole


class IdConverter:
    regex = f"[0-9]{{1,{len(str(INTEGER_MAX))}}}"

    def to_python(self, value: str) -> int:
        number = parse_whole(value, minimum=0, maximum=INTEGER_MAX)
        if number is None:
            raise ValueError(f"{value!r} is not an id")  # the resolver reads this as no match
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)


# Registered once, when the first URLconf that uses it imports this module.
register_converter(IdConverter, "id")
