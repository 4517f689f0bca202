"""The observers' pages: the public badge check, and observers' and coordinators' own pages."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import ApplicationError
from common.numbers import parse_whole
from common.spreadsheets import csv_writer
from observers import services
from observers.forms import NoteForm, StationForm
from observers.models import CHECKLIST, Accreditation, Note, Organisation
from observers.selectors import accreditation_of
from stations.models import Station


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """What a precinct chair needs to admit someone: never their document or contacts."""
    accreditation = get_object_or_404(
        Accreditation.objects.select_related("organisation", "election").prefetch_related(
            "regions"
        ),
        code=code.upper(),
    )
    return render(request, "observers/verify.html", {"accreditation": accreditation})


def badge_qr(request: HttpRequest, accreditation: Accreditation) -> str:
    """The badge's QR code, as inline SVG, pointing at its public verification page."""
    url = request.build_absolute_uri(reverse("observers:verify", args=[accreditation.code]))
    return segno.make(url, error="m").svg_inline(scale=4)


# --- observers in the field --------------------------------------------------------------------


NO_STATION = gettext_lazy("No station with this number in the region.")


def _my_accreditation(request: HttpRequest) -> Accreditation:
    accreditation = accreditation_of(request.user)
    if accreditation is None:
        raise Http404(_("Your account has no accreditation."))
    return accreditation


@login_required(login_url="observers:login")
def observe(request: HttpRequest) -> HttpResponse:
    """The observer's phone page: check in at a station, check out, and their notes."""
    accreditation = _my_accreditation(request)
    form = StationForm(request.POST if "check_in" in request.POST else None)
    if request.method == "POST":
        try:
            if "check_out" in request.POST:
                visit = services.visit_check_out(accreditation=accreditation)
                messages.success(
                    request, _("Checked out of station %(n)s.") % {"n": visit.station.number}
                )
                return redirect("observers:observe")
            if form.is_valid() and (station := form.station(Station.objects.all(), NO_STATION)):
                services.visit_check_in(accreditation=accreditation, station=station)
                messages.success(request, _("Checked in at station %(n)s.") % {"n": station.number})
                return redirect("observers:observe")
        except ApplicationError as exc:
            form.add_service_errors(exc)
    context = {
        "accreditation": accreditation,
        "form": form,
        "visit": accreditation.visits.filter(left__isnull=True).select_related("station").first(),
        "notes": accreditation.notes.select_related("station")[:20],
    }
    return render(request, "observers/observe.html", context)


@login_required(login_url="observers:login")
def note(request: HttpRequest) -> HttpResponse:
    """File a note; the station defaults to the one the observer is checked in at."""
    accreditation = _my_accreditation(request)
    visit = accreditation.visits.filter(left__isnull=True).select_related("station__region").first()
    initial = {"region": visit.station.region.code, "number": visit.station.number} if visit else {}
    form = NoteForm(request.POST or None, request.FILES or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and (station := form.station(Station.objects.all(), NO_STATION))
    ):
        data = form.cleaned_data
        try:
            services.note_file(
                accreditation=accreditation, station=station, phase=data["phase"],
                category=data["category"], severity=data["severity"], text=data["text"],
                checklist=form.checklist(), photos=data["photos"],
            )  # fmt: skip
        except ApplicationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Note filed for station %(n)s.") % {"n": station.number})
            return redirect("observers:observe")
    return render(request, "observers/note.html", {"accreditation": accreditation, "form": form})


@login_required(login_url="observers:login")
def organisation_notes(request: HttpRequest) -> HttpResponse:
    """A coordinator's view of their organisation's notes; ``?format=csv`` downloads them."""
    organisation = Organisation.objects.filter(coordinators=request.user).order_by("pk").first()
    if organisation is None:
        raise Http404(_("You coordinate no organisation."))
    notes = (
        Note.objects.filter(accreditation__organisation=organisation)
        .select_related("accreditation", "station__region")
        .order_by("-created")
    )
    if request.method == "POST":
        # The note's id as the one parser reads it: '²' or 'x' would fail the lookup (a 500).
        note = get_object_or_404(notes, pk=parse_whole(request.POST.get("publish"), minimum=1))
        services.note_publish(note=note, user=request.user)
        messages.success(request, _("The note is public now."))
        return redirect("observers:organisation-notes")
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="notes.csv"'
        writer = csv_writer(response)
        writer.writerow(["filed", "observer", "region", "station", "phase", "category",
                         "severity", "text", *CHECKLIST])  # fmt: skip
        for item in notes:
            writer.writerow(
                [item.created.isoformat(), item.accreditation.full_name,
                 item.station.region.code, item.station.number, item.phase, item.category,
                 item.severity, item.text, *[item.checklist.get(key, "") for key in CHECKLIST]]
            )  # fmt: skip
        return response
    return render(
        request, "observers/organisation_notes.html", {"organisation": organisation, "notes": notes}
    )
