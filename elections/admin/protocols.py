"""Protocol entry and review in the admin: every page asks elections.access for its scope."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from common.admin import WorkflowAdmin
from common.errors import ApplicationError
from elections import access, checks
from elections.forms import CorrectionForm, DecisionForm, ProtocolEntryForm, StationPickForm
from elections.live_checks import entry_checks
from elections.models import PROTOCOL_LINES, Contest, Protocol, ProtocolEntry
from elections.selectors import contests_for_entry, election_under_way, protocol_progress
from elections.services import protocols as services
from stations.models import Station


class NeedsSupervisorFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("supervisor", _("Needs a supervisor")),
            ("quarantined", _("Quarantined")),
            ("second", _("Awaiting second entry")),
        ]

    def queryset(self, request, queryset):
        statuses = {
            "supervisor": [
                Protocol.Status.MISMATCH,
                Protocol.Status.REVIEW,
                Protocol.Status.CORRECTION,
            ],
            "quarantined": [Protocol.Status.REVIEW],
            "second": [Protocol.Status.AWAITING_SECOND],
        }
        if self.value() not in statuses:
            return queryset
        queryset = queryset.filter(status__in=statuses[self.value()])
        return queryset.exclude(flags=[]) if self.value() == "quarantined" else queryset


@admin.register(Protocol)
class ProtocolAdmin(WorkflowAdmin):
    list_display = ["station_label", "contest", "version", "status", "updated"]
    list_filter = [NeedsSupervisorFilter, "status", "contest__body", "station__region"]
    list_select_related = ["station__region", "contest"]
    search_fields = [
        "=station__number", "contest__name_en", "contest__name_kk", "contest__name_ru",
        "contest__code",
    ]  # fmt: skip
    show_full_result_count = False
    change_list_template = "admin/elections/protocol/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Protocol]:
        return access.rows_in_scope(request.user, super().get_queryset(request))

    @admin.display(description=_("station"), ordering="station__number")
    def station_label(self, protocol: Protocol) -> str:
        return f"{protocol.station.region.code} {protocol.station.number}"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("enter/", view(self.choose_view), name="elections_protocol_choose"),
            path(
                "enter/<int:station_id>/<int:contest_id>/",
                view(self.enter_view),
                name="elections_protocol_enter",
            ),
            path("progress/", view(self.progress_view), name="elections_protocol_progress"),
            # In place of the generic change form: decisions go through the services.
            path("<path:object_id>/change/", view(self.detail_view),
                 name="elections_protocol_change"),
            *[p for p in super().get_urls() if p.name != "elections_protocol_change"],
        ]  # fmt: skip

    def _context(self, request: HttpRequest, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def _station(self, request: HttpRequest, station_id: int) -> Station:
        """The station, if the user's commission reaches it; otherwise it does not exist."""
        stations = access.stations_in_scope(request.user, access.ENTER)
        return get_object_or_404(stations.select_related("region", "district"), pk=station_id)

    # --- entering ------------------------------------------------------------------------------

    def choose_view(self, request: HttpRequest) -> HttpResponse:
        """Pick the station (region and number, as on the paper), then one of its contests."""
        form = StationPickForm(request.GET or None)
        station, contests, typed, following = None, [], set(), None
        if form.is_valid():
            stations = access.stations_in_scope(request.user, access.ENTER)
            station = form.station(stations, _("No such station in your commission's area."))
            if station is not None:
                contests = contests_for_entry(station)
                typed = _typed_by(request.user, contests)
                following = _next_to_enter(contests, typed, request.GET.get("saved"))
        mine = access.own_stations(request.user)
        context = self._context(
            request, _("Enter a protocol"), form=form, station=station, contests=contests,
            mine=mine, typed=typed, following=following, saved="saved" in request.GET,
        )  # fmt: skip
        return TemplateResponse(request, "admin/elections/protocol/choose.html", context)

    def enter_view(self, request: HttpRequest, station_id: int, contest_id: int) -> HttpResponse:
        """Type one protocol. The form never shows what anyone else typed: entry is blind."""
        station = self._station(request, station_id)
        contest = get_object_or_404(
            Contest.objects.select_related("election"), pk=contest_id, coverage__station=station
        )
        lines = list(contest.ballot_lines.select_related("party", "candidate"))
        protocol = Protocol.objects.filter(station=station, contest=contest, is_active=True).first()
        form = ProtocolEntryForm(request.POST or None, request.FILES or None, lines=lines)
        if request.method == "POST" and form.is_valid():
            try:
                protocol = services.protocol_submit_entry(
                    station=station, contest=contest, user=request.user, data=form.entry_data()
                )
            except services.ProtocolInvalid as exc:
                form.add_service_errors(exc)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request,
                    _("Station %(station)s, %(contest)s: saved — %(status)s.")
                    % {
                        "station": station.number,
                        "contest": contest,
                        "status": protocol.get_status_display(),
                    },
                    messages.SUCCESS,
                )
                choose = reverse("admin:elections_protocol_choose")
                return redirect(
                    f"{choose}?region={station.region.code}&number={station.number}"
                    f"&saved={contest.pk}"
                )
        form.autofocus()
        context = self._context(
            request,
            _("Protocol entry"),
            form=form,
            station=station,
            contest=contest,
            protocol=protocol,
            second=protocol is not None and protocol.status == Protocol.Status.AWAITING_SECOND,
            checks=entry_checks(station=station, election=contest.election, lines=lines),
        )
        return TemplateResponse(request, "admin/elections/protocol/enter.html", context)

    # --- reviewing -----------------------------------------------------------------------------

    def detail_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """A protocol's numbers, entries side by side, checks, history and the decisions open."""
        protocol = self.get_object(request, object_id)
        if protocol is None:
            raise Http404(_("no such protocol in your commission's area"))
        lines = list(protocol.contest.ballot_lines.all())
        may_review = request.user.has_perm("elections.review_protocol", protocol.station)
        decision = DecisionForm(request.POST or None)
        agreed_votes = {f"vote_{v.ballot_line.position}": v.votes for v in protocol.votes.all()}
        correction = CorrectionForm(
            request.POST if request.POST.get("action") == "correct" else None,
            lines=lines,
            initial={**protocol.numbers(), **agreed_votes},
        )
        if request.method == "POST":
            if not may_review:
                raise PermissionDenied  # sees the protocol, but may not decide on it
            try:
                result = self._decide(request, protocol, decision, correction)
            except services.ProtocolInvalid as exc:
                target = correction if request.POST.get("action") == "correct" else decision
                target.add_error(None, exc.message)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                if result is not None:
                    self.message_user(
                        request, f"{result}: {result.get_status_display()}.", messages.SUCCESS
                    )
                    return redirect("admin:elections_protocol_change", result.pk)
        this_round = protocol.entries.filter(cycle=protocol.cycle).select_related("user")
        entries = access.entries_visible_to(request.user, protocol, this_round)
        differences = (
            services.entry_differences(*entries)
            if protocol.status == Protocol.Status.MISMATCH and len(entries) == 2
            else []
        )
        # Stored in the language of whoever agreed the protocol; shown in the reader's.
        for name in ("warnings", "flags"):
            found = getattr(protocol, name)
            setattr(protocol, name, [{**f, "message": checks.localized(f)} for f in found])
        context = self._context(
            request,
            str(protocol),
            protocol=protocol,
            rows=_rows(protocol, lines, entries, differences),
            entries=entries,
            differences=differences,
            may_review=may_review,
            decision=decision,
            correction=correction,
            events=_events(protocol),
            versions=Protocol.objects.filter(
                station=protocol.station, contest=protocol.contest
            ).order_by("version"),
        )  # fmt: skip
        return TemplateResponse(request, "admin/elections/protocol/detail.html", context)

    def _decide(
        self, request, protocol: Protocol, decision: DecisionForm, correction: CorrectionForm
    ):
        action = request.POST.get("action")
        user = request.user
        if action == "correct":
            if not correction.is_valid():
                return None
            return services.protocol_propose_correction(
                protocol=protocol,
                user=user,
                data=correction.entry_data(),
                reason=correction.cleaned_data["reason"],
                legal_basis=correction.cleaned_data["legal_basis"],
            )
        if not decision.is_valid():
            return None
        comment = decision.cleaned_data["comment"]
        if action == "resolve":
            choices = {
                name[len("choose_") :]: int(value)
                for name, value in request.POST.items()
                if name.startswith("choose_") and value in ("1", "2")
            }
            return services.protocol_resolve(protocol=protocol, user=user, choices=choices)
        if action == "accept":
            return services.protocol_accept(protocol=protocol, user=user, comment=comment)
        if action == "return":
            return services.protocol_return(protocol=protocol, user=user, reason=comment)
        if action in ("approve", "reject"):
            return services.protocol_decide_correction(
                correction=protocol, user=user, approve=action == "approve", comment=comment
            )
        raise services.ProtocolInvalid(
            "action: " + _("unknown action %(action)s") % {"action": repr(action)}
        )

    # --- overview ------------------------------------------------------------------------------

    def progress_view(self, request: HttpRequest) -> HttpResponse:
        """Protocols expected, received, accepted and held, per region and contest kind."""
        election = election_under_way(request.GET.get("election"))
        stations = access.stations_in_scope(request.user)
        rows = protocol_progress(election, stations) if election else []
        context = self._context(request, _("Protocols outstanding"), election=election, rows=rows)
        return TemplateResponse(request, "admin/elections/protocol/progress.html", context)


# The services' event actions (a stable key, kept in English in the history and the logs), as
# the reader's language says them.
ACTIONS = {
    "first entry": _("first entry"),
    "second entry": _("second entry"),
    "mismatch resolved": _("mismatch resolved"),
    "accepted on review": _("accepted on review"),
    "returned for re-entry": _("returned for re-entry"),
    "correction proposed": _("correction proposed"),
    "correction rejected": _("correction rejected"),
    "superseded by a correction": _("superseded by a correction"),
    "correction approved": _("correction approved"),
}


def _events(protocol: Protocol) -> list:
    """The protocol's history, its actions and statuses in the reader's language."""
    statuses = dict(Protocol.Status.choices)
    events = list(protocol.events.select_related("user"))
    for event in events:
        event.action_label = ACTIONS.get(event.action, event.action)
        event.from_label = statuses.get(event.from_status, event.from_status)
        event.to_label = statuses.get(event.to_status, event.to_status)
    return events


def _rows(protocol: Protocol, lines, entries, differences) -> list[dict]:
    """One row per protocol line and ballot line: the agreed value and each entry's typing."""
    votes = {v.ballot_line_id: v.votes for v in protocol.votes.all()}
    rows = [
        {
            "name": name,
            "label": label,
            "value": getattr(protocol, name),
            "typed": [getattr(entry, name) for entry in entries],
            "differs": name in differences,
        }
        for name, label in PROTOCOL_LINES.items()
    ]
    for line in lines:
        key = f"vote:{line.position}"
        rows.append(
            {
                "name": key,
                "label": f"{line.position}. {line.label}",
                "value": votes.get(line.pk),
                "typed": [entry.votes.get(str(line.position)) for entry in entries],
                "differs": key in differences,
            }
        )
    return rows


def _typed_by(user, choices: list) -> set[int]:
    """The protocols among ``choices`` whose current round the user has typed already."""
    return set(
        ProtocolEntry.objects.filter(
            protocol__in=[c.protocol for c in choices if c.protocol],
            user=user,
            cycle=F("protocol__cycle"),
        ).values_list("protocol_id", flat=True)
    )


def _next_to_enter(choices: list, typed: set[int], saved: str | None):
    """The station's next contest the user may type after the one just saved, in ballot order
    (a second entry only where someone else typed the first)."""
    open_ = [
        c for c in choices
        if c.protocol is None
        or c.protocol.status == Protocol.Status.RETURNED
        or (c.protocol.status == Protocol.Status.AWAITING_SECOND
            and c.protocol.pk not in typed)
    ]  # fmt: skip
    after = [i for i, c in enumerate(choices) if str(c.contest.pk) == saved]
    later = [c for c in open_ if after and choices.index(c) > after[0]]
    return (later or open_ or [None])[0]
