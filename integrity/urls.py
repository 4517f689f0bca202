from django.urls import path

from integrity import pages, views

app_name = "integrity"
urlpatterns = [
    # Observers and their organisation's data desk (integrity/views.py).
    path("observe/copies/", views.copies, name="copies"),
    path("observe/copies/new/", views.copy_new, name="copy-new"),
    path("observe/copies/<int:pk>/transcribe/", views.copy_transcribe_page, name="transcribe"),
    # The public: discrepancies and parallel counts, and their open data (integrity/pages.py).
    path("integrity/", pages.integrity, name="page"),
    path("integrity/discrepancies.csv", pages.discrepancies_csv, name="discrepancies-csv"),
    path("integrity/discrepancies.json", pages.discrepancies_json, name="discrepancies-json"),
    path("integrity/parallel-counts.json", pages.parallel_counts_json, name="parallel-counts"),
]
