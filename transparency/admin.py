"""The CEC's desk registers witnesses' keys; nothing else of the log is written here.

A witness is added once (an observer organisation and its cosignature verifier key) and never
changed or deleted: a new key is a new witness, and the old one's cosignatures stay its own.
"""

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from common.errors import ApplicationError
from elections import access
from transparency.models import Witness
from transparency.services import witness_name_checked, witness_register


class WitnessForm(forms.ModelForm):
    class Meta:
        model = Witness
        fields = ["organisation", "verifier_key"]
        help_texts = {
            "verifier_key": _(
                "The witness's cosignature/v1 verifier key, <name>+<key ID>+<key>, as "
                "`manage.py transparency_key --witness` prints it."
            )
        }

    def clean_verifier_key(self) -> str:
        text = self.cleaned_data["verifier_key"].strip()
        try:
            witness_name_checked(text)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.errors.get("verifier_key", [str(exc)])) from None
        return text


@admin.register(Witness)
class WitnessAdmin(admin.ModelAdmin):
    form = WitnessForm
    list_display = ["name", "organisation", "registered"]
    readonly_fields = ["name", "registered"]
    actions = None

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff and access.is_cec(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a key is never changed: a new key is a new witness

    def save_form(self, request: HttpRequest, form, change: bool) -> Witness:
        """Registered by the service (its rules, its event), not by the form's save."""
        return witness_register(
            organisation=form.cleaned_data["organisation"],
            verifier_key=form.cleaned_data["verifier_key"],
            user=request.user,
        )

    def save_model(self, request: HttpRequest, obj: Witness, form, change: bool) -> None:
        pass  # saved by save_form's service

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        pass  # a witness has no related rows to save

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
