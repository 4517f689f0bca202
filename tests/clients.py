"""Clients logged in as a given user: the admin and pages by session, the API by token."""

from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client
