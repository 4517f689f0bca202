import pytest
from django.contrib.auth import get_user_model
from django.test import Client


@pytest.fixture
def staff_client(db) -> Client:
    """A client logged in as a superuser with staff access to the admin."""
    user = get_user_model().objects.create_superuser("clerk", "clerk@example.org", "pw-clerk-123")
    client = Client()
    client.force_login(user)
    return client
