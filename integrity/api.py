"""/api/v1/discrepancies/ and /api/v1/parallel-counts/: read-only and public, the same rows as the
integrity page and its files (integrity/open_data.py)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny

from integrity import rules
from integrity.models import Discrepancy
from integrity.open_data import (
    FILTERS,
    discrepancy_row,
    parallel_row,
    public_discrepancies,
    public_parallel_counts,
)
from integrity.pvt import RECEIVED, VALID


# The fields are declared for the schema only: each row is discrepancy_row's (parallel_row's).
class DiscrepancySerializer(serializers.Serializer):
    """A discrepancy between an observer's copy and the published record: a question for the
    commission, not a verdict."""

    election = serializers.CharField(help_text=_("The election's code."))
    station = serializers.CharField(help_text=_("The station, as REGION-NUMBER."))
    contest = serializers.CharField(help_text=_("The contest's code."))
    rule = serializers.ChoiceField(choices=[rule.id for rule in rules.RULES])
    severity = serializers.ChoiceField(choices=[rules.HIGH, rules.MEDIUM])
    status = serializers.ChoiceField(choices=Discrepancy.Status.values)
    detail = serializers.DictField(help_text=_("What the rule found, as it found it."))
    complaint = serializers.CharField(
        allow_null=True, help_text=_("The registered complaint's number, if one was filed.")
    )
    found = serializers.DateTimeField()
    checked = serializers.DateTimeField()

    def to_representation(self, discrepancy) -> dict:
        return discrepancy_row(discrepancy)


SHARE = _("A share of the denominator's ballots, from 0 to 1; null until two stations report.")


class LineEstimateSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    label = serializers.CharField()
    share = serializers.FloatField(allow_null=True, help_text=SHARE)
    margin = serializers.FloatField(
        allow_null=True, help_text=_("The margin of error at 95 percent confidence.")
    )
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    official = serializers.FloatField(
        allow_null=True, help_text=_("The share in the published national totals.")
    )
    outside = serializers.BooleanField(
        help_text=_("The official share lies outside the interval: a flag, not a verdict.")
    )


class ParallelCountSerializer(serializers.Serializer):
    """An organisation's parallel count: its sample, how much of it reported, and each ballot
    line's estimate beside the official share."""

    organisation = serializers.CharField()
    election = serializers.CharField()
    contest = serializers.CharField()
    seed = serializers.CharField()
    frame_sha256 = serializers.CharField()
    frame_size = serializers.IntegerField(help_text=_("Stations in the frame drawn from."))
    sample_size = serializers.IntegerField()
    reported = serializers.IntegerField(help_text=_("Sampled stations with a transcribed copy."))
    denominator = serializers.ChoiceField(
        choices=[VALID, RECEIVED],
        help_text=_('"valid": the valid ballots, "Against all" included, as the CEC counts.'),
    )
    lines = LineEstimateSerializer(many=True)

    def to_representation(self, count) -> dict:
        return parallel_row(count)


FILTER_PARAMETERS = [
    OpenApiParameter("region", str, required=False, description=_("The region's code.")),
    OpenApiParameter("rule", str, required=False, enum=[rule.id for rule in rules.RULES]),
    OpenApiParameter("status", str, required=False, enum=Discrepancy.Status.values),
]


@extend_schema(parameters=FILTER_PARAMETERS)
class DiscrepancyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Discrepancies between observers' copies and the published record, by station and
    contest; filter by region (code), rule, status. Each is a question, not a verdict."""

    permission_classes = [AllowAny]
    serializer_class = DiscrepancySerializer
    filter_backends = []

    def get_queryset(self):
        return public_discrepancies(
            **{name: self.request.query_params.get(name, "") for name in FILTERS}
        )


class ParallelCountViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Each organisation's parallel count, with every ballot line's estimate beside the
    official share."""

    permission_classes = [AllowAny]
    serializer_class = ParallelCountSerializer
    filter_backends = []

    def get_queryset(self):
        return public_parallel_counts()
