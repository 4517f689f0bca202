from django.contrib.auth.views import LoginView
from django.urls import path

from observers import views

app_name = "observers"
urlpatterns = [
    path("verify/<str:code>/", views.verify, name="verify"),
    path(
        "observe/login/",
        LoginView.as_view(template_name="observers/login.html", next_page="observers:observe"),
        name="login",
    ),
    path("observe/", views.observe, name="observe"),
    path("observe/note/", views.note, name="note"),
    path("observe/organisation/", views.organisation_notes, name="organisation-notes"),
]
