from django import forms
from django.utils.translation import gettext_lazy as _

from common.text import FREE_TEXT_LIMIT
from elections.forms import ServiceErrorsForm, StationPickForm
from observers.models import CHECKLIST, Note

YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class StationForm(ServiceErrorsForm, StationPickForm):
    """A station by its region and number, as printed on its door."""


class NoteForm(StationForm):
    phase = forms.ChoiceField(choices=Note.Phase.choices, label=_("Phase"))
    category = forms.ChoiceField(choices=Note.Category.choices, label=_("What about"))
    severity = forms.ChoiceField(choices=Note.Severity.choices, label=_("How serious"))
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("What happened"),
        max_length=FREE_TEXT_LIMIT,
    )
    photos = MultipleFileField(required=False, label=_("Photos (JPEG or PNG)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key, question in CHECKLIST.items():
            self.fields[f"check_{key}"] = forms.ChoiceField(
                choices=YES_NO, required=False, label=question
            )

    def checklist_fields(self) -> list[forms.BoundField]:
        return [self[f"check_{key}"] for key in CHECKLIST]

    def checklist(self) -> dict[str, bool]:
        """The questions answered, yes or no; unanswered ones are left out."""
        answers = {key: self.cleaned_data.get(f"check_{key}") for key in CHECKLIST}
        return {key: answer == "yes" for key, answer in answers.items() if answer}
