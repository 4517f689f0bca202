"""The admin's generic doors, closed where a workflow owns the rows.

Every project admin derives from ``ModelAdmin`` here: an object is found only by its canonical
id (``969``; never ``+969``, ``%20969`` or ``0969``, which Django's ``int()`` would take), so one
row has one address. A ``WorkflowAdmin`` lists and shows its rows read-only and has no generic
add, change or delete page at all: those rows change only through pages that call a service.
"""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import URLPattern

from common.ids import is_canonical_id

# The generic pages a workflow's rows must not have (Django names them <app>_<model>_<page>).
GENERIC_WRITES = ("_add", "_delete")


class ModelAdmin(admin.ModelAdmin):
    """The base of every admin page: one canonical id per row."""

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        if from_field is None and not is_canonical_id(object_id):
            return None  # the admin then says the object does not exist
        return super().get_object(request, object_id, from_field)


class WorkflowAdmin(ModelAdmin):
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
