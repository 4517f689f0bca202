from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("complaints/", views.register, name="register"),
    path("complaints/register.csv", views.register_csv, name="register-csv"),
]
