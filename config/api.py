"""Every /api/v1/ route, in one place."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from complaints.api import ComplaintRegisterViewSet
from elections.api.protocols import ProtocolViewSet
from elections.api.reports import ReportViewSet
from elections.api.structure import ContestViewSet, StationWithBallotsViewSet
from elections.public.api import AreaResultViewSet, ChainViewSet, StationResultViewSet
from integrity.api import DiscrepancyViewSet, ParallelCountViewSet
from observers.api import AccreditationViewSet, NoteViewSet, VisitViewSet
from stations.api import RegionViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("stations", StationWithBallotsViewSet, basename="station")
router.register("contests", ContestViewSet, basename="contest")
router.register("protocols", ProtocolViewSet, basename="protocol")
router.register("reports", ReportViewSet, basename="report")
router.register("results", AreaResultViewSet, basename="result")
router.register("station-results", StationResultViewSet, basename="station-result")
router.register("chain", ChainViewSet, basename="chain")
router.register("observers/me", AccreditationViewSet, basename="observer-me")
router.register("observers/visits", VisitViewSet, basename="observer-visit")
router.register("observers/notes", NoteViewSet, basename="observer-note")
router.register("complaints", ComplaintRegisterViewSet, basename="complaint")
router.register("discrepancies", DiscrepancyViewSet, basename="discrepancy")
router.register("parallel-counts", ParallelCountViewSet, basename="parallel-count")

urlpatterns = [*router.urls, path("log/", include("transparency.api_urls"))]
