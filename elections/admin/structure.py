from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from translated_fields.admin import TranslatedFieldAdmin

from common.errors import ApplicationError, report_to_admin
from elections.models import (
    ELECTION_TRANSITIONS,
    BallotLine,
    Candidate,
    Contest,
    ContestStation,
    Election,
    ElectionStatusChange,
    Party,
    PartyList,
    PartyListEntry,
)
from elections.services.structure import (
    ballot_lines_set,
    election_change_status,
    list_quota,
    party_list_problems,
    party_list_set,
)

# Contests larger than this list their stations as a count, not row by row.
STATIONS_INLINE_LIMIT = 500


class FrozenWithTheBallots(admin.ModelAdmin):
    """Structure that results are counted against: read-only once the election leaves setup."""

    def election_of(self, obj):
        return obj.election

    def _frozen(self, obj) -> bool:
        return obj is not None and self.election_of(obj).ballots_frozen

    # View-only once frozen: Django then shows the page read-only and refuses any POST to it.
    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not self._frozen(obj)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class StatusChangeInline(ReadOnlyInline):
    model = ElectionStatusChange
    fields = ["created", "from_status", "to_status", "user", "reason"]
    readonly_fields = fields
    verbose_name_plural = _("status history")


@admin.register(Election)
class ElectionAdmin(TranslatedFieldAdmin, FrozenWithTheBallots):  # "Name [kk]" …
    list_display = ["name", "date", "status", "contest_count"]
    readonly_fields = ["status"]
    inlines = [StatusChangeInline]
    actions = ["advance_status"]

    def election_of(self, election: Election) -> Election:
        return election

    def get_queryset(self, request: HttpRequest) -> QuerySet[Election]:
        return super().get_queryset(request).annotate(contest_count=Count("contests"))

    @admin.display(description=_("contests"), ordering="contest_count")
    def contest_count(self, election: Election) -> int:
        return election.contest_count

    @admin.action(
        description=_("Move the selected elections to their next status"), permissions=["change"]
    )
    def advance_status(self, request: HttpRequest, queryset: QuerySet[Election]) -> None:
        for election in queryset:
            following = sorted(ELECTION_TRANSITIONS[election.status])
            try:
                election_change_status(
                    election=election,
                    to_status=following[0] if following else election.status,
                    user=request.user,
                    reason="admin action",
                )
            except ApplicationError as exc:
                report_to_admin(request, exc)
            else:
                self.message_user(
                    request,
                    _("%(election)s: now %(status)s")
                    % {"election": election, "status": Election.Status(following[0]).label.lower()},
                    messages.SUCCESS,
                )


@admin.register(Party)
class PartyAdmin(TranslatedFieldAdmin, FrozenWithTheBallots):
    list_display = ["registration_order", "short_name", "name", "colour", "election"]
    list_display_links = ["short_name"]
    list_filter = ["election"]
    search_fields = ["name_en", "name_kk", "name_ru", "short_name"]


class BallotLineInline(ReadOnlyInline):
    model = BallotLine
    fields = ["position", "party", "candidate", "is_against_all"]
    readonly_fields = fields


class CoveredStationInline(ReadOnlyInline):
    model = ContestStation
    fields = ["station", "station_district", "station_voters"]
    readonly_fields = fields
    verbose_name_plural = _("stations on this contest's ballot")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContestStation]:
        return (
            super()
            .get_queryset(request)
            .select_related("station__district")
            .order_by("station__number")
        )

    @admin.display(description=_("district"))
    def station_district(self, row: ContestStation) -> str:
        return row.station.district.name

    @admin.display(description=_("registered voters"))
    def station_voters(self, row: ContestStation) -> int:
        return row.station.registered_voters


@admin.register(Contest)
class ContestAdmin(TranslatedFieldAdmin, FrozenWithTheBallots):
    list_display = ["name", "body", "kind", "region", "seats", "threshold_percent", "station_count"]
    list_filter = ["election", "body", "kind", "region"]
    list_select_related = ["region"]
    search_fields = ["name_en", "name_kk", "name_ru", "code"]
    readonly_fields = ["station_count"]
    actions = ["rebuild_ballot"]
    fieldsets = [
        (None, {"fields": ["election", "code", "name_en", "name_kk", "name_ru", "body", "kind",
                           "region", "district", "number"]}),
        (_("Seats"), {"fields": ["seats", "threshold_percent", "seat_method", "against_all_rule"]}),
        (_("Coverage"), {"fields": ["station_count"]}),
    ]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[Contest]:
        return super().get_queryset(request).annotate(station_total=Count("coverage"))

    def get_inlines(self, request: HttpRequest, obj: Contest | None):
        if obj is None:
            return []
        if obj.coverage.count() > STATIONS_INLINE_LIMIT:
            return [BallotLineInline]
        return [BallotLineInline, CoveredStationInline]

    @admin.display(description=_("stations"), ordering="station_total")
    def station_count(self, contest: Contest) -> int:
        return getattr(contest, "station_total", 0)  # absent on the add form

    @admin.action(
        description=_("Rebuild the ballot from the registered lists or candidates"),
        permissions=["change"],
    )
    def rebuild_ballot(self, request: HttpRequest, queryset: QuerySet[Contest]) -> None:
        for contest in queryset.select_related("election"):
            if contest.kind == Contest.Kind.PARTY_LIST:
                choices = [pl.party for pl in contest.party_lists.select_related("party")]
            else:
                choices = list(contest.candidates.order_by("full_name", "pk"))
            try:
                ballot_lines_set(contest=contest, choices=choices)
            except ApplicationError as exc:
                report_to_admin(request, exc)
            else:
                self.message_user(
                    request,
                    _("%(contest)s: %(count)s ballot lines")
                    % {"contest": contest, "count": len(choices) + 1},
                )


@admin.register(Candidate)
class CandidateAdmin(FrozenWithTheBallots):
    list_display = ["full_name", "registration_number", "party", "contest", "sex", "has_disability"]
    list_filter = ["election", "sex", "has_disability", "party", "contest__body"]
    list_select_related = ["party", "contest"]
    search_fields = ["full_name", "registration_number"]
    autocomplete_fields = ["contest"]
    show_full_result_count = False


class PartyListEntryFormSet(forms.BaseInlineFormSet):
    """Checks the whole list against docs/rules.md before anything is saved."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        rows = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        rows.sort(key=lambda row: row["position"])
        party_list = self.instance
        contest = party_list.contest
        problems = party_list_problems(
            seats=contest.seats,
            max_length=contest.max_list_length,
            election_day=contest.election.date,
            party=party_list.party,
            candidates=[row["candidate"] for row in rows],
        )
        if problems:
            raise forms.ValidationError(problems)
        self.ordered_candidates = [row["candidate"] for row in rows]


class PartyListEntryInline(admin.TabularInline):
    model = PartyListEntry
    formset = PartyListEntryFormSet
    fields = ["position", "candidate"]
    autocomplete_fields = ["candidate"]
    extra = 1


@admin.register(PartyList)
class PartyListAdmin(FrozenWithTheBallots):
    list_display = ["party", "contest", "entry_count", "quota"]
    list_filter = ["contest__election", "party", "contest__body"]
    list_select_related = ["party", "contest__election"]
    readonly_fields = ["quota"]
    inlines = [PartyListEntryInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PartyList]:
        return super().get_queryset(request).annotate(entry_total=Count("entries"))

    def election_of(self, party_list: PartyList) -> Election:
        return party_list.contest.election

    @admin.display(description=_("names"), ordering="entry_total")
    def entry_count(self, party_list: PartyList) -> int:
        return party_list.entry_total

    @admin.display(description=_("30 % quota"))
    def quota(self, party_list: PartyList) -> str:
        if party_list.pk is None:
            return "–"
        entries = party_list.entries.select_related("candidate")
        quota = list_quota((e.candidate for e in entries), party_list.contest.election.date)
        return f"{quota.sentence}; at most {party_list.contest.max_list_length} names"

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        """Write the entries through the service, which checks the list once more atomically."""
        try:
            party_list_set(
                contest=form.instance.contest,
                party=form.instance.party,
                candidates=formset.ordered_candidates,
            )
        except ApplicationError as exc:
            report_to_admin(request, exc)
        # The admin's change message reads these; the service replaced the entries wholesale.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
