from django.urls import path, re_path

import common.converters  # noqa: F401 - registers <id:…>
from elections.public import views

app_name = "results"
urlpatterns = [
    path("", views.current, name="current"),
    path("chain.jsonl", views.chain_download, name="chain"),
    path("<slug:election>/", views.election_home, name="election"),
    path("<slug:election>/open-data/", views.open_data, name="open-data"),
    path("<slug:election>/stations.csv", views.election_download, name="election-csv"),
    path("<slug:election>/regions/<slug:region>/", views.region_home, name="region"),
    path("<slug:election>/stations/<str:station>/", views.station_results, name="station"),
    path("<slug:election>/contests/<slug:contest>/", views.contest_area, name="contest"),
    re_path(
        r"^(?P<election>[-\w]+)/contests/(?P<contest>[-\w]+)\.(?P<fmt>csv|json)$",
        views.contest_download,
        name="contest-download",
    ),
    path(
        "<slug:election>/contests/<slug:contest>/regions/<slug:key>/",
        views.contest_area,
        {"level": "region"},
        name="contest-region",
    ),
    path(
        "<slug:election>/contests/<slug:contest>/districts/<id:key>/",
        views.contest_area,
        {"level": "district"},
        name="contest-district",
    ),
]
