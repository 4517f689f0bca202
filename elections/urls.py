from django.urls import path

from elections import views

app_name = "elections"
urlpatterns = [
    path("stations/<int:pk>/", views.station_detail, name="station"),
]
