"""The observer's copy form (a phone's screen: the station, then its contest, then the paper's
figures and a photo) and the data desk's blind transcription form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from elections.forms import ProtocolNumbersForm
from integrity.models import ProtocolCopy
from observers.forms import MultipleFileField


class CopyForm(ProtocolNumbersForm):
    source = forms.ChoiceField(choices=ProtocolCopy.Source.choices, label=_("What it is"))
    signed_by_chair = forms.BooleanField(required=False, label=_("Signed by the chair"))
    signed_by_secretary = forms.BooleanField(required=False, label=_("Signed by the secretary"))
    sealed = forms.BooleanField(required=False, label=_("Bears the seal"))
    images = MultipleFileField(label=_("Photo(s) of the copy"))

    def copy_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("source", "signed_by_chair", "signed_by_secretary",
                                        "sealed", "images")]  # fmt: skip
