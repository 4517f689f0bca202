"""The station page as elections sees it: a station whose results were counted stays put.

Its totals place its votes by its district, and its published records name it by region and
number, so once one of its protocol versions is settled those fields are shown read-only here
(and the database refuses the change from any other door: migration 0012).
"""

from django.contrib import admin
from django.http import HttpRequest

from elections.models import Protocol
from stations.admin import StationAdmin
from stations.models import Station

SETTLED = [Protocol.Status.ACCEPTED, Protocol.Status.SUPERSEDED, Protocol.Status.REJECTED]
LOCATION = ["region", "district", "number"]


class CountedStationAdmin(StationAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Station | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.protocols.filter(status__in=SETTLED).exists():
            fields += LOCATION
        return fields


admin.site.unregister(Station)
admin.site.register(Station, CountedStationAdmin)
