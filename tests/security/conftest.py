"""The red-team tests attack the same election night, day and observers as the app tests."""

from tests.elections.conftest import cec, day, night, station  # noqa: F401
from tests.observers.conftest import observer, world  # noqa: F401
