"""The CEC's desk registers witnesses' keys; nothing else of the log is written here.

A witness is added once (an observer organisation and its cosignature verifier key) and never
changed or deleted: a new key is a new witness, and the old one's cosignatures stay its own.
"""

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from saylau_verify.note import NoteError

from elections import access
from transparency import keys
from transparency.models import Checkpoint, Witness


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
            name = keys.witness_name(text)
        except NoteError as exc:
            raise forms.ValidationError(str(exc)) from None
        log_names = set(Checkpoint.objects.values_list("key_name", flat=True).distinct())
        published = keys.published_key()
        if published:
            log_names.add(published.split("+", 1)[0])
        if name in log_names:
            raise forms.ValidationError(
                _("%(name)s is the name of the log's own key: a witness needs a name of its own.")
                % {"name": name}
            )
        if Witness.objects.filter(name=name).exists():
            raise forms.ValidationError(
                _("A witness named %(name)s is registered already: a new key needs a new name.")
                % {"name": name}
            )
        self.instance.name = name
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

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
