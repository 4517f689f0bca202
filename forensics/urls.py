from django.urls import path

import common.converters  # noqa: F401 - registers <id:…>
from forensics import views
from forensics.analysis import DISTRICT, REGION

app_name = "forensics"
urlpatterns = [
    path("<slug:election>/contests/<slug:contest>/integrity/", views.area, name="contest"),
    path(
        "<slug:election>/contests/<slug:contest>/regions/<slug:key>/integrity/",
        views.area,
        {"level": REGION},
        name="region",
    ),
    path(
        "<slug:election>/contests/<slug:contest>/districts/<id:key>/integrity/",
        views.area,
        {"level": DISTRICT},
        name="district",
    ),
    path("<slug:election>/contests/<slug:contest>/integrity.csv", views.stations_csv, name="csv"),
    path("<slug:election>/contests/<slug:contest>/integrity.json", views.figures_json, name="json"),
]
