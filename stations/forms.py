from django import forms
from django.utils.translation import gettext_lazy as _

from common.numbers import WholeNumberField
from stations.models import District, Region


class StationFinderForm(forms.Form):
    region = forms.ModelChoiceField(
        Region.objects.all(), to_field_name="code", required=False, label=_("Region")
    )
    district = forms.ModelChoiceField(
        District.objects.select_related("region"), required=False, label=_("District")
    )
    number = WholeNumberField(min_value=1, required=False, label=_("Station number"))
    q = forms.CharField(max_length=100, required=False, label=_("Address or name"))

    def clean(self) -> dict:
        data = super().clean()
        district, region = data.get("district"), data.get("region")
        if district and region and district.region_id != region.pk:
            self.add_error("district", _("This district is not in the chosen region."))
        return data

    def has_criteria(self) -> bool:
        return self.is_valid() and any(
            self.cleaned_data.get(name) not in (None, "") for name in self.fields
        )
