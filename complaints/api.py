"""/api/v1/complaints/: the public register (GET, the same rows as its page and CSV) and filing
(POST, the same form as the page: complaints/forms.py)."""

from django import forms
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from common.errors import ApplicationError
from complaints.forms import FilingForm
from complaints.notices import follow_url
from complaints.register import COLUMNS, FILTERS, public_complaints, public_row
from complaints.throttle import FilingThrottle


class _RegisterRow(serializers.Serializer):
    def to_representation(self, complaint) -> dict:
        return public_row(complaint)


# One complaint as the register shows it (complaints/register.py): nothing private. Its fields
# are declared for the schema only (every column a string or null, but ``overdue``); the row
# itself is public_row's.
RegisterRowSerializer = type(
    "RegisterRowSerializer",
    (_RegisterRow,),
    {
        name: serializers.BooleanField()
        if name == "overdue"
        else serializers.CharField(allow_null=True)
        for name in COLUMNS
    },
)


def _as_serializer_field(field: forms.Field) -> serializers.Field:
    """The schema's description of one of the filing form's fields (the form still decides)."""
    options = {"required": field.required, "help_text": str(field.help_text or field.label)}
    if isinstance(field, forms.ModelChoiceField):  # a region's code, a district's id
        return serializers.CharField(**options)
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(choices=list(field.choices), **options)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(**options)
    if isinstance(field, forms.DateField):
        return serializers.DateField(**options)
    if isinstance(field, forms.FileField):
        return serializers.ListField(child=serializers.FileField(), **options)
    return serializers.CharField(**options)


FILING_REQUEST = inline_serializer(
    "ComplaintFiling",
    {name: _as_serializer_field(field) for name, field in FilingForm().fields.items()},
)
FILED = inline_serializer(
    "ComplaintFiled",
    {
        "id": serializers.IntegerField(),
        "status": serializers.CharField(),
        "follow": serializers.URLField(allow_null=True),
    },
)


def _as_form_data(data):
    """A JSON body as the form reads a posted one: each value text (a whole number may be
    given as a number); an object, a list, a fraction or true/false is refused by name."""
    if isinstance(data, QueryDict):
        return data  # a form's fields: already text
    if not isinstance(data, dict):
        raise ApplicationError(_("the body is a JSON object of the filing form's fields"))
    wrong = [
        name
        for name, value in data.items()
        if not (value is None or isinstance(value, str) or type(value) is int)
    ]
    if wrong:
        raise ApplicationError(
            _("the complaint was not filed: %(fields)s") % {"fields": ", ".join(wrong)},
            errors={name: [_("give text or a whole number")] for name in wrong},
        )
    return {name: "" if value is None else str(value) for name, value in data.items()}


@extend_schema(parameters=[OpenApiParameter(name, str, required=False) for name in FILTERS])
class ComplaintRegisterViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Registered complaints, most recent first; filter by level, region (code), status,
    outcome. POST files one."""

    permission_classes = [AllowAny]
    serializer_class = RegisterRowSerializer
    lookup_field = "number"

    def get_queryset(self):
        return public_complaints(
            **{name: self.request.query_params.get(name, "") for name in FILTERS}
        )

    def get_throttles(self):
        extra = [FilingThrottle()] if self.action == "create" else []
        return [*super().get_throttles(), *extra]

    @extend_schema(
        request={"multipart/form-data": FILING_REQUEST, "application/json": FILING_REQUEST},
        responses={201: FILED},
        parameters=[],
    )
    def create(self, request, *args, **kwargs):
        """File a complaint. With an API token the complainant is its holder (an observer,
        a member) and ``follow`` is their page; without one the link to follow it, which
        confirms the address, goes to the e-mail address given, and ``follow`` is null."""
        files = request.FILES if hasattr(request, "FILES") else MultiValueDict()
        form = FilingForm(_as_form_data(request.data), files, user=request.user)
        complaint = form.file() if form.is_valid() else None
        if complaint is None:
            raise ApplicationError(
                _("the complaint was not filed: %(fields)s") % {"fields": ", ".join(form.errors)},
                errors={name: list(messages) for name, messages in form.errors.items()},
            )
        account = complaint.filed_by_id is not None
        return Response(
            {
                "id": complaint.pk,
                "status": complaint.status,
                "follow": follow_url(complaint) if account else None,
            },
            status=status.HTTP_201_CREATED,
        )
