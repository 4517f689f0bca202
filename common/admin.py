"""The admin's generic doors, closed where a workflow owns the rows.

A ``WorkflowAdmin`` lists and shows its rows read-only and has no generic add, change or delete
page at all: those rows change only through pages that call a service. (That a row has one
address, its canonical id, the admin site itself makes sure: config/admin.py.)
"""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import URLPattern

# The generic pages a workflow's rows must not have (Django names them <app>_<model>_<page>).
GENERIC_WRITES = ("_add", "_delete")


class WorkflowAdmin(admin.ModelAdmin):
    """Rows that a service writes: shown read-only, never added, changed or deleted here."""

    actions = None  # not even "delete selected"

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        # Gone rather than forbidden: no URL exists that a permission slip could reopen.
        return [
            pattern
            for pattern in super().get_urls()
            if not (pattern.name or "").endswith(GENERIC_WRITES)
        ]
