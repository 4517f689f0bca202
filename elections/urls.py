from django.urls import path

import common.converters  # noqa: F401 - registers <id:…>
from elections import views

app_name = "elections"
urlpatterns = [
    path("stations/<id:pk>/", views.station_detail, name="station"),
    path("turnout/", views.turnout, name="turnout"),
    path("turnout/<slug:code>/", views.turnout, name="turnout-region"),
]
