import pytest

from tests.elections.conftest import Night


@pytest.fixture
def night(db, django_user_model) -> Night:
    return Night(django_user_model)
