"""GET /api/v1/complaints/: the public register, the same rows as its page and CSV."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from complaints.register import COLUMNS, FILTERS, public_complaints, public_row


class RegisterRowSerializer(serializers.Serializer):
    """One complaint as the register shows it (complaints/register.py): nothing private."""

    def to_representation(self, complaint) -> dict:
        return public_row(complaint)

    class Meta:
        fields = COLUMNS


@extend_schema(parameters=[OpenApiParameter(name, str, required=False) for name in FILTERS])
class ComplaintRegisterViewSet(viewsets.ReadOnlyModelViewSet):
    """Registered complaints, most recent first; filter by level, region (code), status,
    outcome."""

    permission_classes = [AllowAny]
    serializer_class = RegisterRowSerializer
    lookup_field = "number"

    def get_queryset(self):
        return public_complaints(
            **{name: self.request.query_params.get(name, "") for name in FILTERS}
        )
