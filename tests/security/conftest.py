"""The red-team tests attack the same election night and day as the elections tests."""

from tests.elections.conftest import day, night, station  # noqa: F401
