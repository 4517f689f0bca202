"""{% load transparency %}{% log_key %}: the log's verifier key on pages of other apps (the
open-data page), which load this library rather than import the app."""

from django import template

from transparency import keys

register = template.Library()


@register.simple_tag
def log_key() -> str:
    """The log's verifier key, or "" if no key is configured (or it cannot be read)."""
    return keys.published_key() or ""
