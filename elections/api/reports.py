"""/api/v1/reports/: precinct staff report the day (opened, turnout, closed, counting)."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from common.filters import WholeNumberFilter
from common.numbers import INTEGER_MAX, WholeNumberSerializerField
from elections import access
from elections.models import Election, StationReport
from elections.services.day import station_report_submit


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    election = serializers.SlugRelatedField(slug_field="code", queryset=Election.objects.all())
    station = WholeNumberSerializerField(
        min_value=1, max_value=INTEGER_MAX, source="station_id", help_text="Station id"
    )
    kind = serializers.ChoiceField(choices=StationReport.Kind.choices)
    at = serializers.DateTimeField(help_text="When it happened, with its UTC offset")
    hour = serializers.TimeField(
        required=False, allow_null=True, help_text='Turnout reports: the fixed hour, "12:00"'
    )
    voters = WholeNumberSerializerField(
        required=False, allow_null=True, min_value=0, help_text="Voters who received ballots"
    )
    decision = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Needed to open or close early"
    )
    late_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed when `at` is more than REPORT_LATE_MINUTES before the server receives it",
    )
    created = serializers.DateTimeField(
        read_only=True, help_text="When the server received it (the dashboard replays by this)"
    )


class ReportFilter(django_filters.FilterSet):
    station = WholeNumberFilter(field_name="station_id")

    class Meta:
        model = StationReport
        fields = ["election__code", "station", "kind"]


class ReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Station reports in your commission's area. POST adds one; the day only moves forward.

    Errors: 400 naming the field and the rule (turnout falling, closing before opening, above
    the register, …), 403 when your role does not report, 404 outside your area, 409 when the
    election is not in a state that takes the report.
    """

    serializer_class = ReportSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = ReportFilter

    def get_queryset(self):
        reports = StationReport.objects.select_related("election").order_by("at", "pk")
        return access.rows_in_scope(self.request.user, reports)

    @extend_schema(request=ReportSerializer, responses={201: ReportSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        incoming = ReportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        station = get_object_or_404(
            access.stations_in_scope(request.user), pk=data.pop("station_id")
        )
        report = station_report_submit(station=station, user=request.user, **data)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)
