from django.urls import path

from observers import views

app_name = "observers"
urlpatterns = [
    path("verify/<str:code>/", views.verify, name="verify"),
]
