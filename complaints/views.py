"""The public register's page and its CSV download; the filing form and the complainant's page."""

import io

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from common.numbers import parse_whole
from common.spreadsheets import csv_writer
from complaints.charts import counts_display
from complaints.forms import FilingForm
from complaints.models import OPEN, Complaint
from complaints.notices import complaint_from_token, follow_token
from complaints.register import COLUMNS, FILTERS, public_complaints, public_row, register_counts
from complaints.services import body_zone, complaint_confirm_contact, complaint_withdraw
from complaints.throttle import filing_throttle
from observers.models import Note
from observers.selectors import accreditation_of
from stations.models import Region

REGISTER_PAGE = 500  # rows on the page; the CSV and the API have them all


def register(request: HttpRequest) -> HttpResponse:
    chosen = {name: request.GET.get(name, "") for name in FILTERS}
    now = timezone.now()
    # Each complaint with its register row (what the row withholds, the page does not show) and
    # the deciding body's zone, in which its times are shown.
    complaints = [
        (c, public_row(c, now), body_zone(c)) for c in public_complaints(**chosen)[:REGISTER_PAGE]
    ]
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
            "counts": counts_display(register_counts(**chosen)),
            "filtered": any(chosen.values()),
        },
    )


def counts_json(request: HttpRequest) -> JsonResponse:
    """The register's counts by body addressed, status and outcome, with the page's filters."""
    chosen = {name: request.GET.get(name, "") for name in FILTERS}
    filters = {name: value for name, value in chosen.items() if value}
    return JsonResponse({"filters": filters, **register_counts(**chosen)})


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


# --- filing and following ---------------------------------------------------------------------


def file_complaint(request: HttpRequest) -> HttpResponse:
    """The filing form: anyone may file; an observer may start from one of their notes."""
    user = request.user
    if request.method == "POST":
        form = FilingForm(request.POST, request.FILES, user=user)
        if form.is_valid():  # a mistake mended does not count as another filing
            if not filing_throttle(request):
                form.add_error(None, _("Too many filings from your address: try again later."))
            elif (complaint := form.file()) is not None:
                return redirect("complaints:filed", complaint.pk if complaint.filed_by_id else 0)
    else:
        note = _own_note(request)
        form = FilingForm.from_note(note, user=user) if note else FilingForm(user=user)
    return render(request, "complaints/file.html", {"form": form})


def filed(request: HttpRequest, pk: int) -> HttpResponse:
    """Filed: an account holder follows it at once; anyone else by the link mailed to them (the
    page names no complaint, so that a stranger learns nothing from its address)."""
    complaint = None
    if pk and request.user.is_authenticated:
        complaint = Complaint.objects.filter(pk=pk, filed_by=request.user).first()
    follow = reverse("complaints:follow", args=[follow_token(complaint)]) if complaint else None
    return render(request, "complaints/filed.html", {"follow": follow})


def follow(request: HttpRequest, token: str) -> HttpResponse:
    """The complainant's page, reached by the link mailed to them: opening it confirms a
    voter's address; it shows the complaint's history, and its complainant may withdraw it."""
    complaint = complaint_from_token(token)
    if complaint is None:
        raise Http404(_("No such complaint."))
    complaint_confirm_contact(complaint)
    error = None
    if request.method == "POST" and "withdraw" in request.POST:
        try:
            complaint_withdraw(
                complaint, user=request.user if complaint.filed_by_id else None,
                reason=request.POST.get("reason", ""),
            )  # fmt: skip
            return redirect("complaints:follow", token)
        except ApplicationError as exc:
            error = exc.message
    return render(
        request, "complaints/follow.html",
        {"complaint": complaint, "events": complaint.events.all(), "error": error,
         "open": complaint.status in OPEN},
    )  # fmt: skip


def _own_note(request: HttpRequest):
    """The note named by ``?note=``, if it is the signed-in observer's own."""
    accreditation = accreditation_of(request.user) if request.user.is_authenticated else None
    pk = parse_whole(request.GET.get("note", ""))
    if accreditation is None or pk is None:
        return None
    return (
        Note.objects.select_related("station__region", "accreditation")
        .filter(pk=pk, accreditation=accreditation)
        .first()
    )
