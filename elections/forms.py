from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common.errors import ApplicationError
from common.numbers import WholeNumberField
from elections.models import PROTOCOL_LINES, BallotLine, Election, StationReport, turnout_hours
from elections.services.protocols import EntryData
from stations.models import Region, Station


class ServiceErrorsForm(forms.Form):
    def add_service_errors(self, exc: ApplicationError) -> None:
        """Show a service's refusal beside the field it names; the rest above the form."""
        for name, message in exc.on_form(self.fields):
            self.add_error(name, message)


class StationPickForm(forms.Form):
    region = forms.ModelChoiceField(Region.objects.all(), to_field_name="code", label=_("Region"))
    number = WholeNumberField(min_value=1, label=_("Station number"))

    def station(self, stations: QuerySet[Station], missing: str) -> Station | None:
        """The valid form's station among ``stations``; otherwise ``missing`` beside the number."""
        station = stations.filter(
            region=self.cleaned_data["region"], number=self.cleaned_data["number"]
        ).first()
        if station is None:
            self.add_error("number", missing)
        return station


class ProtocolNumbersForm(ServiceErrorsForm):
    """The nine lines and one field per ballot line, in ballot order, "Against all" last."""

    def __init__(self, *args: Any, lines: list[BallotLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for name, label in PROTOCOL_LINES.items():
            # ASCII digits only ("٣" and " +1" are no count); the service names the bound.
            self.fields[name] = WholeNumberField(max_value=None, label=label)
        for line in lines:
            self.fields[f"vote_{line.position}"] = WholeNumberField(
                max_value=None, label=f"{line.position}. {line.label}"
            )

    def line_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PROTOCOL_LINES]

    def vote_fields(self) -> list[forms.BoundField]:
        return [self[f"vote_{line.position}"] for line in self.lines]

    def entry_data(self, **extra: Any) -> EntryData:
        data = self.cleaned_data
        return EntryData(
            numbers={name: data[name] for name in PROTOCOL_LINES},
            votes={line.position: data[f"vote_{line.position}"] for line in self.lines},
            **extra,
        )


# A count typed from paper: the phone's digit pad, no browser suggestions, right-aligned digits.
NUMERIC = {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off", "class": "count"}


class ProtocolEntryForm(ProtocolNumbersForm):
    explanation = forms.CharField(
        label=_("Explanation of the warnings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when the checks raise a warning."),
    )
    remarks = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    scan = forms.FileField(
        label=_("Scan of the signed protocol (PDF, PNG or JPEG)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in [*self.line_fields(), *self.vote_fields()]:
            # Text, not type=number: an arrow key or a mouse wheel must never change a count.
            field.field.widget = forms.TextInput(attrs=NUMERIC)

    def autofocus(self) -> None:
        """The cursor on the first field in error, else on line 1: the clerk types at once."""
        order = [*self.line_fields(), *self.vote_fields()]
        order += [self[name] for name in ("explanation", "remarks", "scan")]
        first = next((f for f in order if f.errors), order[0])
        first.field.widget.attrs["autofocus"] = True

    def entry_data(self, **extra: Any) -> EntryData:
        data = self.cleaned_data
        return super().entry_data(
            explanation=data["explanation"], remarks=data["remarks"], scan=data["scan"], **extra
        )


class CorrectionForm(ProtocolNumbersForm):
    reason = forms.CharField(
        label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2})
    )
    legal_basis = forms.CharField(
        label=_("Legal decision ordering it"),
        required=False,
        max_length=200,
        help_text=_("Required once the results are certified: the court or commission, the "
                    "decision's number and date."),
    )  # fmt: skip


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment or reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StationReportForm(ServiceErrorsForm):
    """One report of the day, typed on the station's own clock (the page says which zone)."""

    kind = forms.ChoiceField(choices=StationReport.Kind.choices, label=_("Report"))
    at = forms.DateTimeField(
        label=_("When (station time)"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    hour = forms.TypedChoiceField(
        required=False, empty_value=None, coerce=time.fromisoformat, label=_("Turnout hour")
    )
    voters = WholeNumberField(
        required=False,
        label=_("Voters who received ballots so far"),
        widget=forms.TextInput(attrs=NUMERIC),
    )
    decision = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Commission's decision (opening or closing early)"),
    )
    late_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Why it is reported late (only if it is)"),
    )

    def __init__(self, *args: Any, election: Election, zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        hours = [f"{hour:%H:%M}" for hour in turnout_hours(election)]
        self.fields["hour"].choices = [("", "—"), *[(hour, hour) for hour in hours]]

    def clean_at(self) -> datetime:
        # The clerk types the station's wall clock; store the instant it names.
        return self.cleaned_data["at"].replace(tzinfo=None).replace(tzinfo=self.zone)
