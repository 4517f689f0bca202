from django.urls import path

from stations import views

app_name = "stations"
urlpatterns = [
    path("", views.region_list, name="region-list"),
]
