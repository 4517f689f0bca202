from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import health
from config.language import choose_language
from config.media import media

urlpatterns = [
    path("", include("stations.urls")),
    path("", include("elections.urls")),
    path("results/", include("elections.public.urls")),
    path("results/", include("forensics.urls")),
    path("results/", include("standards.urls")),
    path("", include("observers.urls")),
    path("", include("complaints.urls")),
    path("", include("integrity.urls")),
    path("", include("transparency.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The page and its start-up script as two answers: no inline script for the CSP to refuse.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("language/<str:code>/", choose_language, name="language"),
    path("health/", health, name="health"),
    path("media/<path:path>", media, name="media"),  # MEDIA_URL
]

handler400 = "common.api_errors.bad_request"
handler404 = "common.api_errors.not_found"
