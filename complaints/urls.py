from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("complaints/", views.register, name="register"),
    path("complaints/register.csv", views.register_csv, name="register-csv"),
    path("complaints/counts.json", views.counts_json, name="counts-json"),
    path("complaints/file/", views.file_complaint, name="file"),
    path("complaints/filed/<int:pk>/", views.filed, name="filed"),
    path("complaints/follow/<str:token>/", views.follow, name="follow"),
]
