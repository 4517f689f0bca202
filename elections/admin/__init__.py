"""The elections admin, one module per sub-domain; importing them registers the pages."""

from elections.admin import day, protocols, staff, stations, structure  # noqa: F401
