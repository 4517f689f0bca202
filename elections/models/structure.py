"""What an election is: its contests, the stations each covers, parties, candidates, ballots."""

import math
from datetime import date, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import Timestamped
from common.translated import translated
from stations.models import District, Region, Station


def default_turnout_hours() -> list[str]:
    return ["10:00", "12:00", "14:00", "16:00", "18:00"]


def validate_turnout_hours(value) -> None:
    try:
        hours = [time.fromisoformat(hour) for hour in value]
    except (TypeError, ValueError) as exc:
        raise ValidationError(_('List the hours as "HH:MM" strings.')) from exc
    if hours != sorted(set(hours)):
        raise ValidationError(_("List each hour once, earliest first."))


class Election(Timestamped):
    class Status(models.TextChoices):
        SETUP = "setup", _("Setup")  # contests, parties and ballots are being prepared
        POLLING = "polling", _("Polling")  # election day: ballots are frozen from here on
        COUNTING = "counting", _("Counting")  # polls closed; protocols come in
        CERTIFIED = "certified", _("Certified")  # the results are final

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = translated(models.CharField(_("name"), max_length=200))
    date = models.DateField(_("election day"))
    opens_at = models.TimeField(_("polls open (local time)"), default=time(7, 0))
    closes_at = models.TimeField(_("polls close (local time)"), default=time(20, 0))
    turnout_hours = models.JSONField(
        _("turnout report hours (local)"),
        default=default_turnout_hours,
        help_text=_('The local hours at which stations report turnout, e.g. ["10:00", "12:00"].'),
        validators=[validate_turnout_hours],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SETUP, editable=False
    )
    # Tolerances of the protocol checks; docs/rules.md leaves them to each election.
    register_tolerance_percent = models.DecimalField(
        _("L1 tolerance against the register (%)"), max_digits=5, decimal_places=2, default=5
    )
    invalid_warning_percent = models.DecimalField(
        _("invalid ballots that need an explanation (%)"), max_digits=5, decimal_places=2, default=3
    )
    turnout_quarantine_percent = models.DecimalField(
        _("turnout held for review above (%)"), max_digits=5, decimal_places=2, default=95
    )
    accreditation_closes = models.DateTimeField(
        _("observer applications close"), null=True, blank=True,
        help_text=_("After this instant no application to observe is taken (13 March 2023, "
                    "18:00 Astana time, for the 2023 election)."),
    )  # fmt: skip

    class Meta:
        ordering = ["-date", "code"]
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")), name="election_opens_before_close"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ballots_frozen(self) -> bool:
        return self.status != self.Status.SETUP


# The only moves an election's status may make; services.election_change_status enforces them.
ELECTION_TRANSITIONS: dict[str, set[str]] = {
    Election.Status.SETUP: {Election.Status.POLLING},
    Election.Status.POLLING: {Election.Status.COUNTING},
    Election.Status.COUNTING: {Election.Status.CERTIFIED},
    Election.Status.CERTIFIED: set(),
}


class ElectionStatusChange(models.Model):
    """Append-only history of an election's status: who moved it, when, from what, and why."""

    election = models.ForeignKey(
        Election,
        on_delete=models.PROTECT,
        related_name="status_changes",
        verbose_name=_("election"),
    )
    from_status = models.CharField(_("from status"), max_length=10, choices=Election.Status.choices)
    to_status = models.CharField(_("to status"), max_length=10, choices=Election.Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, verbose_name=_("user")
    )
    reason = models.TextField(_("reason"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("election status change")
        verbose_name_plural = _("election status changes")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.election.code}: {self.from_status} → {self.to_status}"


class Party(Timestamped):
    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, related_name="parties", verbose_name=_("election")
    )
    name = translated(models.CharField(_("name"), max_length=200))
    short_name = models.CharField(_("short name"), max_length=40)
    colour = models.CharField(_("colour"), max_length=7, default="#777777", help_text="#rrggbb")
    registration_order = models.PositiveSmallIntegerField(
        _("registration order"),
        help_text=_("Seat-allocation ties go to the earlier-registered party."),
    )

    class Meta:
        ordering = ["election", "registration_order"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "short_name"], name="party_short_name_unique"
            ),
            models.UniqueConstraint(
                fields=["election", "registration_order"], name="party_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.short_name


class ContestQuerySet(models.QuerySet):
    def for_station(self, station: Station) -> "ContestQuerySet":
        return self.filter(coverage__station=station)


class Contest(Timestamped):
    class Body(models.TextChoices):
        MAZHILIS = "mazhilis", _("Mazhilis")
        REGIONAL_MASLIKHAT = "regional_maslikhat", _("Regional maslikhat")
        LOCAL_MASLIKHAT = "local_maslikhat", _("District or city maslikhat")

    class Kind(models.TextChoices):
        PARTY_LIST = "party_list", _("Party list")  # seats shared between lists over the threshold
        SINGLE_MEMBER = "single_member", _("Single-member district")  # plurality, one seat

    class SeatMethod(models.TextChoices):
        HARE = "hare", _("Hare quota, largest remainders")
        DHONDT = "dhondt", _("D'Hondt")
        SAINTE_LAGUE = "sainte_lague", _("Sainte-Laguë")

    class AgainstAllRule(models.TextChoices):
        # docs/rules.md: the law does not settle what happens when "Against all" comes first.
        REPEAT_ELECTION = "repeat", _("No one is elected; a repeat election is called")
        LEADING_CANDIDATE = "leading_candidate", _("The candidate with the most votes is elected")

    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, related_name="contests", verbose_name=_("election")
    )
    code = models.SlugField(_("code"), max_length=60, help_text=_("Unique within the election."))
    body = models.CharField(_("body"), max_length=20, choices=Body.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="contests",
        help_text=_("Empty for a nationwide contest."),
        verbose_name=_("region"),
    )  # fmt: skip
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="contests",
        help_text=_("The district or city whose maslikhat this contest elects."),
        verbose_name=_("district"),
    )  # fmt: skip
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    name = translated(models.CharField(_("name"), max_length=200))
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    threshold_percent = models.DecimalField(
        _("threshold (%)"), max_digits=5, decimal_places=2, default=0,
        help_text=_("Of valid ballots including 'Against all'; party lists only."),
    )  # fmt: skip
    seat_method = models.CharField(
        _("seat method"), max_length=16, choices=SeatMethod.choices, default=SeatMethod.HARE
    )
    against_all_rule = models.CharField(
        _("when 'Against all' leads"),
        max_length=20,
        choices=AgainstAllRule.choices,
        default=AgainstAllRule.REPEAT_ELECTION,
    )
    stations = models.ManyToManyField(
        Station, through="ContestStation", related_name="contests", verbose_name=_("stations")
    )

    objects = ContestQuerySet.as_manager()

    class Meta:
        ordering = ["election", "body", "region__position", "district__name_en", "kind", "number"]
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        constraints = [
            models.UniqueConstraint(fields=["election", "code"], name="contest_code_unique"),
            models.CheckConstraint(
                condition=Q(kind="party_list") | Q(seats=1), name="contest_single_member_one_seat"
            ),
            models.CheckConstraint(
                condition=Q(threshold_percent__gte=0, threshold_percent__lte=100),
                name="contest_threshold_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def max_list_length(self) -> int:
        """docs/rules.md: a list holds at most seats × 1.3 names (90 for the Mazhilis' 69 seats)."""
        return math.ceil(self.seats * 13 / 10)


class ContestStation(models.Model):
    """A station covered by a contest: its voters get this contest's ballot.

    Election, body and kind repeat the contest's so that the database itself refuses a station
    covered twice by contests of the same body and kind in one election.
    """

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="coverage", verbose_name=_("contest")
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="coverage", verbose_name=_("station")
    )
    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="+", verbose_name=_("election")
    )
    body = models.CharField(_("body"), max_length=20, choices=Contest.Body.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Contest.Kind.choices)

    class Meta:
        verbose_name = _("covered station")
        verbose_name_plural = _("covered stations")
        constraints = [
            models.UniqueConstraint(fields=["contest", "station"], name="coverage_unique"),
            models.UniqueConstraint(
                fields=["election", "body", "kind", "station"],
                name="coverage_one_contest_per_body_and_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} in {self.contest}"


class Candidate(Timestamped):
    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, related_name="candidates", verbose_name=_("election")
    )
    registration_number = models.CharField(
        _("registration number"), max_length=20, help_text=_("As on the registration certificate.")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="candidates",
        help_text=_("Empty for a self-nominated candidate."),
        verbose_name=_("party"),
    )  # fmt: skip
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    has_disability = models.BooleanField(_("person with a disability"), default=False)
    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, null=True, blank=True, related_name="candidates",
        help_text=_("The single-member district the candidate stands in, if any."),
        verbose_name=_("contest"),
    )  # fmt: skip

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "registration_number"], name="candidate_registration_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def counts_for_quota(self, election_day: date) -> bool:
        """docs/rules.md: women, under-29s, persons with disabilities make the 30 %, each once."""
        return self.sex == self.Sex.FEMALE or self.age_on(election_day) < 29 or self.has_disability


class PartyList(Timestamped):
    """A party's ordered list of candidates in one party-list contest."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="party_lists", verbose_name=_("contest")
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="lists", verbose_name=_("party")
    )

    class Meta:
        ordering = ["contest", "party__registration_order"]
        verbose_name = _("party list")
        verbose_name_plural = _("party lists")
        constraints = [
            models.UniqueConstraint(fields=["contest", "party"], name="party_list_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.party} — {self.contest}"


class PartyListEntry(models.Model):
    party_list = models.ForeignKey(
        PartyList, on_delete=models.CASCADE, related_name="entries", verbose_name=_("party list")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    candidate = models.ForeignKey(
        Candidate,
        on_delete=models.PROTECT,
        related_name="list_entries",
        verbose_name=_("candidate"),
    )

    class Meta:
        ordering = ["party_list", "position"]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        constraints = [
            models.UniqueConstraint(fields=["party_list", "position"], name="list_position_unique"),
            models.UniqueConstraint(fields=["party_list", "candidate"], name="list_candidate_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.candidate}"


class BallotLine(models.Model):
    """One line of a contest's ballot paper: a party, a candidate, or "Against all" (last)."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="ballot_lines", verbose_name=_("contest")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("party"),
    )
    candidate = models.ForeignKey(
        Candidate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ballot_lines",
        verbose_name=_("candidate"),
    )
    is_against_all = models.BooleanField(_("against all"), default=False)

    class Meta:
        ordering = ["contest", "position"]
        verbose_name = _("ballot line")
        verbose_name_plural = _("ballot lines")
        constraints = [
            models.UniqueConstraint(fields=["contest", "position"], name="ballot_position_unique"),
            models.UniqueConstraint(
                fields=["contest"], condition=Q(is_against_all=True), name="ballot_one_against_all"
            ),
            models.CheckConstraint(
                condition=Q(party__isnull=False, candidate__isnull=True, is_against_all=False)
                | Q(party__isnull=True, candidate__isnull=False, is_against_all=False)
                | Q(party__isnull=True, candidate__isnull=True, is_against_all=True),
                name="ballot_line_is_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.label}"

    @property
    def label(self) -> str:
        if self.is_against_all:
            return str(_("Against all"))
        return str(self.party or self.candidate)
