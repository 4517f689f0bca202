"""The public register's page and its CSV download."""

import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from common.spreadsheets import csv_writer
from complaints.models import Complaint
from complaints.register import COLUMNS, FILTERS, public_complaints, public_row
from stations.models import Region

REGISTER_PAGE = 500  # rows on the page; the CSV and the API have them all


def register(request: HttpRequest) -> HttpResponse:
    chosen = {name: request.GET.get(name, "") for name in FILTERS}
    now = timezone.now()
    # Each complaint with its register row: what the row withholds, the page does not show.
    complaints = [(c, public_row(c, now)) for c in public_complaints(**chosen)[:REGISTER_PAGE]]
    return render(
        request,
        "complaints/register.html",
        {
            "complaints": complaints,
            "chosen": chosen,
            "levels": Complaint.Level.choices,
            "statuses": Complaint.Status.choices,
            "outcomes": Complaint.Outcome.choices,
            "regions": Region.objects.all(),
        },
    )


def register_csv(request: HttpRequest) -> HttpResponse:
    chosen = {name: request.GET.get(name, "") for name in FILTERS}
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(COLUMNS)
    now = timezone.now()
    for complaint in public_complaints(**chosen):
        row = public_row(complaint, now)
        writer.writerow([row[name] for name in COLUMNS])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="complaints.csv"'
    return response
