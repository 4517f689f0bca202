"""Every /api/v1/ route, in one place."""

from rest_framework.routers import DefaultRouter

from stations.api import RegionViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")

urlpatterns = router.urls
