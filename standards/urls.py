from django.urls import path

from standards import views

app_name = "standards"
urlpatterns = [
    path("<slug:election>/datapackage.json", views.datapackage, name="datapackage"),
    path("<slug:election>/data/<slug:name>.csv", views.resource, name="resource"),
    path("<slug:election>/nist-1500-100.json", views.nist_report, name="nist"),
]
