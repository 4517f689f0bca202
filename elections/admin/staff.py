from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from elections.models import Assignment
from elections.services.staff import staff_assign, staff_unassign


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "region", "district", "station"]
    list_filter = ["role", "region"]
    list_select_related = ["user", "region", "district", "station__region"]
    search_fields = ["user__username", "user__last_name"]
    autocomplete_fields = ["user", "district", "station"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # an assignment is ended (deleted) and a new one made, never edited

    def save_model(self, request: HttpRequest, obj: Assignment, form, change: bool) -> None:
        # Through the service: it also gives the user staff status and the role's group.
        assigned = staff_assign(
            user=obj.user,
            role=obj.role,
            region=obj.region,
            district=obj.district,
            station=obj.station,
        )
        obj.pk = assigned.pk

    def delete_model(self, request: HttpRequest, obj: Assignment) -> None:
        staff_unassign(assignment=obj, user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Assignment]) -> None:
        for assignment in queryset.select_related("user"):
            staff_unassign(assignment=assignment, user=request.user)
