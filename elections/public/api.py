"""/api/v1/results/, /api/v1/station-results/, /api/v1/chain/: published results, read-only.

Anonymous and throttled; answers carry an ETag and Last-Modified (common.public_cache), so a
poller that sends If-None-Match gets a 304 until the next publication.
"""

import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import pagination, serializers, viewsets
from rest_framework.permissions import AllowAny

from common.filters import WholeNumberFilter
from elections.models import ContestTally, Publication
from elections.public import results


class LineSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    name = serializers.CharField()
    votes = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class NumbersField(serializers.DictField):
    child = serializers.IntegerField(allow_null=True)


class AreaResultSerializer(serializers.Serializer):
    """One contest in one area: the sums of the published station records there."""

    election = serializers.CharField(source="contest.election.code")
    contest = serializers.CharField(source="contest.code")
    level = serializers.ChoiceField(choices=ContestTally.Level.choices)
    area = serializers.CharField(help_text='"nation", "region:<id>" or "district:<id>"')
    area_name = serializers.SerializerMethodField()
    region = serializers.CharField(source="region.code", default=None)
    district = serializers.IntegerField(source="district_id", allow_null=True)
    stations_expected = serializers.IntegerField()
    stations_published = serializers.IntegerField(source="stations_accepted")
    turnout_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    lines = NumbersField(source="numbers", help_text="The protocol lines L1–L7, summed")
    votes = serializers.SerializerMethodField()
    computed = serializers.DateTimeField()

    def get_area_name(self, tally: ContestTally) -> str:
        if tally.district_id:
            return tally.district.name
        return tally.region.name if tally.region_id else tally.contest.name

    @extend_schema_field(LineSerializer(many=True))
    def get_votes(self, tally: ContestTally) -> list[dict]:
        area = results.from_tally(tally.contest, tally)
        return LineSerializer(area.lines, many=True).data


class AreaResultFilter(django_filters.FilterSet):
    election = django_filters.CharFilter(field_name="contest__election__code")
    contest = django_filters.CharFilter(field_name="contest__code")
    region = django_filters.CharFilter(field_name="region__code")
    in_region = django_filters.CharFilter(
        field_name="district__region__code", label="Districts of this region (code)"
    )

    class Meta:
        model = ContestTally
        fields = ["election", "contest", "level", "region", "in_region", "district"]


class PublicReadOnly:
    """Open to anyone, throttled for anonymous clients (as every view is, by default)."""

    permission_classes = [AllowAny]


class AreaResultViewSet(PublicReadOnly, viewsets.ReadOnlyModelViewSet):
    """Each contest's results per area (whole contest, region, district), published data only."""

    serializer_class = AreaResultSerializer
    filterset_class = AreaResultFilter
    queryset = ContestTally.objects.select_related(
        "contest__election", "region", "district"
    ).order_by("contest__code", "level", "area")


class StationResultSerializer(serializers.Serializer):
    """A station's published record as it stands in the chain, with its hash."""

    sequence = serializers.IntegerField()
    record = serializers.JSONField()
    sha256 = serializers.CharField()
    published = serializers.DateTimeField()


class StationResultFilter(django_filters.FilterSet):
    election = django_filters.CharFilter(field_name="protocol__contest__election__code")
    contest = django_filters.CharFilter(field_name="protocol__contest__code")
    region = django_filters.CharFilter(field_name="protocol__station__region__code")
    station = WholeNumberFilter(field_name="protocol__station__number")

    class Meta:
        model = Publication
        fields = ["election", "contest", "region", "station"]


class StationResultViewSet(PublicReadOnly, viewsets.ReadOnlyModelViewSet):
    """The standing published record of each station and contest (corrections replace them)."""

    serializer_class = StationResultSerializer
    filterset_class = StationResultFilter
    queryset = results.current_records().order_by("sequence")


class ChainPagination(pagination.PageNumberPagination):
    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = 5000


class ChainFilter(django_filters.FilterSet):
    after = WholeNumberFilter(
        field_name="sequence", lookup_expr="gt", label="Records after this sequence number"
    )

    class Meta:
        model = Publication
        fields = ["after"]


class ChainViewSet(PublicReadOnly, viewsets.ReadOnlyModelViewSet):
    """Every published record in sequence, corrections included: the chain to verify."""

    serializer_class = StationResultSerializer
    filterset_class = ChainFilter
    pagination_class = ChainPagination
    queryset = Publication.objects.order_by("sequence")
    lookup_field = "sequence"
