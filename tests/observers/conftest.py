import pytest

from tests.observers.test_accreditation import World


@pytest.fixture
def world(django_user_model) -> World:
    """An election with its deadline, two regions, a station in each, and the CEC."""
    return World(django_user_model)


@pytest.fixture
def observer(world, django_user_model):
    """An approved observer for the north region, with a login."""
    account = django_user_model.objects.create_user("observer-1", password="pw-long-enough-1")
    return world.observer(regions=[world.north], account=account)
