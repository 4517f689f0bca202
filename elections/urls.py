from django.urls import path

from elections import views

app_name = "elections"
urlpatterns = [
    path("stations/<int:pk>/", views.station_detail, name="station"),
    path("turnout/", views.turnout, name="turnout"),
    path("turnout/<slug:code>/", views.turnout, name="turnout-region"),
]
