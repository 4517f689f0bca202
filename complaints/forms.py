"""Filing a complaint: one form for the web page and the API, so both ask for the same contents
and refuse the same things, field by field.

Who files decides the complainant's standing: an accredited observer files as an observer (a
coordinator may file for the organisation), a commission member as a member; without an account,
a candidate, a party's authorised person or a voter files with an e-mail address, which they
confirm by opening the link mailed to it. The station is named as on paper, by region and number;
a note the observer filed, and the protocol version (by number) the complaint is about, may be
named too.
"""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import ApplicationError
from common.numbers import WholeNumberField
from common.text import FREE_TEXT_LIMIT
from complaints.models import Complaint
from complaints.register import withholding as public_withholding
from complaints.services import PUBLICLY_NAMED, Filing, complaint_file
from elections.forms import ServiceErrorsForm
from elections.models import Assignment, Contest, Election, Protocol
from elections.selectors import election_under_way
from observers.forms import MultipleFileField
from observers.models import Accreditation, Note
from observers.selectors import accreditation_of
from stations.models import District, Region, Station

Kind, Level = Complaint.Complainant, Complaint.Level
WITHOUT_ACCOUNT = [Kind.VOTER, Kind.CANDIDATE, Kind.PARTY]
# Where a refusal by complaints.services goes on the form: the field the filer typed it in.
SERVICE_FIELDS = {"station": "station_number", "protocol": "protocol_version"}
FILED_TO = [Level.PRECINCT, Level.TERRITORIAL, Level.CEC]  # courts are recorded by the CEC


class FilingForm(ServiceErrorsForm):
    level = forms.ChoiceField(
        label=_("Addressed to"), choices=[(v, Level(v).label) for v in FILED_TO]
    )
    region = forms.ModelChoiceField(
        Region.objects.all(), to_field_name="code", required=False, label=_("Region")
    )
    station_number = WholeNumberField(required=False, min_value=1, label=_("Station number"))
    district = forms.ModelChoiceField(
        District.objects.select_related("region"), required=False, label=_("District"),
        help_text=_("For a territorial commission, unless a station is named."),
    )  # fmt: skip
    contest = forms.CharField(required=False, max_length=40, label=_("Contest (its code)"))
    protocol_version = WholeNumberField(
        required=False, min_value=1, label=_("Protocol version complained of")
    )
    note = forms.IntegerField(required=False, widget=forms.HiddenInput)
    complainant_kind = forms.ChoiceField(label=_("You file as"))
    complainant_name = forms.CharField(max_length=200, label=_("Your name"))
    complainant_contact = forms.EmailField(
        max_length=200, label=_("Your e-mail address"),
        help_text=_("We send the link to follow the complaint here; it is never published."),
    )  # fmt: skip
    respondent = forms.CharField(
        max_length=300, label=_("Complained of"),
        help_text=_("The commission, member or official whose decision, action or inaction it is."),
    )  # fmt: skip
    subject = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_("Decision, action or inaction"),
        max_length=FREE_TEXT_LIMIT,
    )  # fmt: skip
    subject_on = forms.DateField(
        label=_("When it happened"), widget=forms.DateInput(attrs={"type": "date"})
    )
    facts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), label=_("Facts and evidence"),
        max_length=FREE_TEXT_LIMIT,
    )  # fmt: skip
    claim = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_("What you ask the commission to decide"),
        max_length=FREE_TEXT_LIMIT,
    )  # fmt: skip
    attachments = MultipleFileField(required=False, label=_("Documents (PDF, PNG or JPEG)"))

    def __init__(self, *args, user=None, election: Election | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self._election = election
        self.accreditation: Accreditation | None = (
            accreditation_of(user) if user is not None and user.is_authenticated else None
        )
        self.fields["complainant_kind"].choices = [(k, Kind(k).label) for k in self.standings()]

    @property
    def election(self) -> Election | None:
        """The election filed about: the one given, else the one under way (read when first
        needed, so that the API's schema can build the form without a database)."""
        if self._election is None:
            self._election = election_under_way()
        return self._election

    def standings(self) -> list[str]:
        """The standing the filer may claim: their account says it, or they say it."""
        user = self.user
        if user is None or not user.is_authenticated:
            return WITHOUT_ACCOUNT
        if self.accreditation is not None:
            return [Kind.OBSERVER, Kind.ORGANISATION]
        if Assignment.objects.filter(user=user).exists():
            return [Kind.MEMBER]
        return WITHOUT_ACCOUNT

    def clean_subject_on(self):
        """A day of this election's campaign (from a year before the vote) up to today."""
        day = self.cleaned_data["subject_on"]
        election = self.election
        if election is not None and not (
            election.date - timedelta(days=365) <= day <= timezone.localdate() + timedelta(days=1)
        ):
            raise ValidationError(
                _("Give the day it happened: in the campaign, not later than today.")
            )
        return day

    def clean(self) -> dict:
        data = super().clean()
        if self.election is None:
            raise ValidationError(_("No election is under way."))
        data["station"] = self._station(data)
        data["contest_object"] = self._contest(data)
        data["protocol"] = self._protocol(data)
        data["note_object"] = self._note(data)
        return data

    def _station(self, data) -> Station | None:
        number, region = data.get("station_number"), data.get("region")
        if number is None:
            return None
        if region is None:
            self.add_error("region", _("Name the station's region."))
            return None
        station = Station.objects.filter(region=region, number=number).first()
        if station is None:
            self.add_error("station_number", _("No station with this number in the region."))
        return station

    def _contest(self, data) -> Contest | None:
        code = (data.get("contest") or "").strip()
        if not code:
            return None
        contest = self.election.contests.filter(code=code).first()
        if contest is None:
            self.add_error("contest", _("No contest with this code in the election."))
        return contest

    def _protocol(self, data) -> Protocol | None:
        version = data.get("protocol_version")
        if version is None:
            return None
        station, contest = data.get("station"), data.get("contest_object")
        if station is None or contest is None:
            self.add_error("protocol_version", _("Name the station and the contest too."))
            return None
        protocol = Protocol.objects.filter(
            station=station, contest=contest, version=version
        ).first()
        if protocol is None:
            self.add_error("protocol_version", _("The station has no such protocol version."))
        return protocol

    def _note(self, data) -> Note | None:
        """A note the complaint rests on: only one of the filer's own."""
        pk = data.get("note")
        if pk is None:
            return None
        note = Note.objects.filter(pk=pk, accreditation=self.accreditation).first()
        if self.accreditation is None or note is None:
            self.add_error(None, _("The note named is not one of yours."))
        return note

    def file(self) -> Complaint | None:
        """File the valid form's complaint; a refusal goes beside its field, and nothing is
        saved."""
        data = self.cleaned_data
        user = self.user if self.user is not None and self.user.is_authenticated else None
        filing = Filing(**{name: data[name] for name in Filing.__dataclass_fields__})
        try:
            return complaint_file(
                election=self.election, level=data["level"], filing=filing, user=user,
                station=data["station"], district=data.get("district"),
                contest=data["contest_object"], protocol=data["protocol"],
                note=data["note_object"], attachments=data.get("attachments") or [],
            )  # fmt: skip
        except ApplicationError as exc:
            for name, messages in exc.errors.items():  # the service's names, the form's fields
                for message in messages:
                    self.add_error(SERVICE_FIELDS.get(name, name if name in self.fields else None),
                                   message)  # fmt: skip
            return None

    @classmethod
    def from_note(cls, note: Note, **kwargs) -> "FilingForm":
        """The form for a complaint resting on an observer's note: its station, day and text."""
        initial = {
            "note": note.pk, "level": Level.PRECINCT, "region": note.station.region.code,
            "station_number": note.station.number, "subject_on": note.created.date(),
            "facts": note.text, "complainant_kind": Kind.OBSERVER,
            "complainant_name": note.accreditation.full_name,
        }  # fmt: skip
        return cls(initial=initial, **kwargs)


# --- the commission's moves (the admin's complaint page) ---------------------------------------

LOCAL = {"type": "datetime-local"}
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class RegisterForm(ServiceErrorsForm):
    respondent_user = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Member complained of"),
        help_text=_("If the complaint is against a member of this commission: they take no "
                    "part in it from now on."),
    )  # fmt: skip
    public_subject = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=FREE_TEXT_LIMIT,
        label=_("Subject, as the register shows it"),
        help_text=_("In your words, without the complainant's name, address or contact: the "
                    "public register shows this, not what they wrote."),
    )  # fmt: skip
    public_claim = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=FREE_TEXT_LIMIT,
        label=_("Claim, as the register shows it"),
    )  # fmt: skip
    standing_confirmed = forms.BooleanField(
        required=False, label=_("Standing checked"),
        help_text=_("The filer is the candidate, or the party's or organisation's authorised "
                    "person (documents seen): only then is their name published."),
    )  # fmt: skip

    def __init__(self, *args, complaint: Complaint, members, **kwargs):
        named = complaint.complainant_kind in PUBLICLY_NAMED
        withhold = public_withholding(complaint)
        initial = {
            "public_subject": withhold(complaint.subject), "public_claim": withhold(complaint.claim)
        }  # fmt: skip
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["respondent_user"].queryset = members
        if complaint.respondent_user_id:  # named by the filing: it stays
            del self.fields["respondent_user"]
        if named:  # the register shows a named complainant's own words
            del self.fields["public_subject"], self.fields["public_claim"]
        else:
            del self.fields["standing_confirmed"]


class ReturnForm(ServiceErrorsForm):
    defects = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label=_("What is missing (one per line)")
    )
    resubmit_by = forms.DateTimeField(
        label=_("Resubmit by (the body's time)"), input_formats=LOCAL_FORMATS,
        widget=forms.DateTimeInput(attrs=LOCAL),
    )  # fmt: skip

    def defect_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["defects"].splitlines() if line.strip()]


class HearingForm(ServiceErrorsForm):
    hearing_at = forms.DateTimeField(
        label=_("Hearing (the body's time)"), input_formats=LOCAL_FORMATS,
        widget=forms.DateTimeInput(attrs=LOCAL),
    )  # fmt: skip
    hearing_place = forms.CharField(max_length=300, label=_("Place"))
    hearing_link = forms.CharField(max_length=200, required=False, label=_("Online link"))


class SuspendForm(ServiceErrorsForm):
    court_case = forms.CharField(max_length=64, label=_("Court case number"))


class DecideForm(ServiceErrorsForm):
    outcome = forms.ChoiceField(choices=Complaint.Outcome.choices, label=_("Outcome"))
    decision = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), label=_("Reasoned decision")
    )
    remedy = forms.ChoiceField(
        choices=[("", _("None")), *Complaint.Remedy.choices], required=False,
        label=_("Remedy that changes a result"),
        help_text=_("A recount names the protocol version the complaint is about."),
    )  # fmt: skip
