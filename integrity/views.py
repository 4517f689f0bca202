"""Observers' copies in the field: submitting one from a phone (the station, its contest, then the
paper's figures and a photo), the organisation's list, and the data desk's blind transcription."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from common.numbers import parse_whole
from elections.forms import ProtocolNumbersForm, StationPickForm
from elections.models import Contest
from integrity import services
from integrity.forms import CopyForm
from integrity.models import ProtocolCopy
from stations.models import Station

LOGIN = "observers:login"


def _organisation(request: HttpRequest):
    organisation = services.organisation_of(request.user)
    if organisation is None:
        raise Http404(_("Your account observes for no organisation."))
    return organisation


@login_required(login_url=LOGIN)
def copies(request: HttpRequest) -> HttpResponse:
    """The organisation's copies: those waiting for someone's second transcription first."""
    organisation = _organisation(request)
    rows = ProtocolCopy.objects.filter(organisation=organisation).select_related(
        "station__region", "contest"
    ).order_by("-created")  # fmt: skip
    coordinator = organisation.coordinators.filter(pk=request.user.pk).exists()
    if request.method == "POST" and coordinator:
        copy = get_object_or_404(rows, pk=parse_whole(request.POST.get("publish"), minimum=1))
        services.copy_publish(copy=copy, user=request.user)
        messages.success(request, _("The copy's images are public now."))
        return redirect("integrity:copies")
    typed_by_me = set(rows.filter(transcriptions__user=request.user).values_list("pk", flat=True))
    return render(request, "integrity/copies.html", {
        "organisation": organisation, "rows": rows[:200], "mine": typed_by_me,
        "coordinator": coordinator,
    })  # fmt: skip


@login_required(login_url=LOGIN)
def copy_new(request: HttpRequest) -> HttpResponse:
    """Submit a copy: the station as on its door, then one of its contests, then the figures as
    the paper says them (the control relations are not enforced: the copy is evidence)."""
    _organisation(request)
    pick = StationPickForm(request.GET or None)
    station = contest = None
    if pick.is_valid():
        station = pick.station(
            Station.objects.all(), _("No station with this number in the region.")
        )
    if station is not None:
        contests = Contest.objects.for_station(station).select_related("election")
        contest = contests.filter(pk=parse_whole(request.GET.get("contest"), minimum=1)).first()
    if contest is None:
        choices = Contest.objects.for_station(station) if station is not None else []
        return render(request, "integrity/copy_pick.html", {
            "pick": pick, "station": station, "contests": choices,
        })  # fmt: skip
    lines = list(contest.ballot_lines.order_by("position"))
    form = CopyForm(request.POST or None, request.FILES or None, lines=lines)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.copy_submit(
                station=station, contest=contest, user=request.user, source=data["source"],
                data=form.entry_data(), images=data["images"],
                signed_by_chair=data["signed_by_chair"],
                signed_by_secretary=data["signed_by_secretary"], sealed=data["sealed"],
            )  # fmt: skip
        except ApplicationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Copy of station %(n)s submitted: a second person of your organisation "
                  "transcribes it now.") % {"n": station.number},
            )  # fmt: skip
            return redirect("integrity:copies")
    return render(request, "integrity/copy_new.html", {
        "form": form, "station": station, "contest": contest,
    })  # fmt: skip


@login_required(login_url=LOGIN)
def copy_transcribe_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Transcribe a copy from its images, blind: nobody's earlier typing is shown."""
    organisation = _organisation(request)
    copy = get_object_or_404(
        ProtocolCopy.objects.select_related("station__region", "contest"),
        pk=pk, organisation=organisation,
    )  # fmt: skip
    lines = list(copy.contest.ballot_lines.order_by("position"))
    form = ProtocolNumbersForm(request.POST or None, lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.copy_transcribe(copy=copy, user=request.user, data=form.entry_data())
        except ApplicationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"{copy}: {copy.get_status_display()}.")
            return redirect("integrity:copies")
    return render(request, "integrity/transcribe.html", {
        "form": form, "copy": copy, "images": copy.images.all(),
    })  # fmt: skip
