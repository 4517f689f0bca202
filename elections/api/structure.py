import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from common.filters import WholeNumberFilter
from elections.models import BallotLine, Contest
from elections.selectors import station_ballots
from stations.api import StationSerializer, StationViewSet


class BallotLineSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    party = serializers.SlugRelatedField(slug_field="short_name", read_only=True, allow_null=True)

    class Meta:
        model = BallotLine
        fields = ["position", "kind", "name", "party"]

    def get_kind(self, line: BallotLine) -> str:
        if line.is_against_all:
            return "against_all"
        return "party" if line.party_id else "candidate"

    def get_name(self, line: BallotLine) -> str:
        if line.is_against_all:
            return "Against all"
        return line.party.name if line.party_id else line.candidate.full_name

    def to_representation(self, line: BallotLine) -> dict:
        data = super().to_representation(line)
        if line.candidate_id:  # a candidate's line names the party that nominated them, if any
            data["party"] = line.candidate.party.short_name if line.candidate.party_id else None
        return data


class ContestSerializer(serializers.ModelSerializer):
    name = serializers.CharField(
        read_only=True,
        help_text="In the reader's language (Accept-Language), English where it has none; "
        "name_en, name_kk and name_ru give each.",
    )
    election = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    district = serializers.CharField(
        source="district.name", default=None, allow_null=True, read_only=True
    )
    ballot = BallotLineSerializer(source="ballot_lines", many=True, read_only=True)

    class Meta:
        model = Contest
        fields = [
            "id",
            "election",
            "code",
            "name",
            "name_en",
            "name_kk",
            "name_ru",
            "body",
            "kind",
            "region",
            "district",
            "number",
            "seats",
            "threshold_percent",
            "seat_method",
            "against_all_rule",
            "ballot",
        ]


class ContestFilter(django_filters.FilterSet):
    election = django_filters.CharFilter(field_name="election__code")
    region = django_filters.CharFilter(field_name="region__code")
    station = WholeNumberFilter(field_name="coverage__station_id")

    class Meta:
        model = Contest
        fields = ["election", "body", "kind", "region", "station"]


class ContestViewSet(viewsets.ReadOnlyModelViewSet):
    """Contests with their ballot in order, "Against all" last."""

    queryset = Contest.objects.select_related("election", "region", "district").prefetch_related(
        "ballot_lines__party", "ballot_lines__candidate__party"
    )
    serializer_class = ContestSerializer
    filterset_class = ContestFilter


class LocalDateTimeField(serializers.DateTimeField):
    """An instant in the zone it was made in (a station's own), not the server's."""

    def to_representation(self, value) -> str:
        return value.isoformat()


class StationElectionSerializer(serializers.Serializer):
    election = serializers.CharField(source="election.code")
    opens = LocalDateTimeField()
    closes = LocalDateTimeField()
    contests = ContestSerializer(many=True)


class StationDetailSerializer(StationSerializer):
    elections = serializers.SerializerMethodField()

    class Meta(StationSerializer.Meta):
        fields = [*StationSerializer.Meta.fields, "chair_name", "secretary_name", "elections"]

    @extend_schema_field(StationElectionSerializer(many=True))
    def get_elections(self, station) -> list[dict]:
        items = station_ballots(station)
        return StationElectionSerializer(items, many=True, context=self.context).data


class StationWithBallotsViewSet(StationViewSet):
    __doc__ = StationViewSet.__doc__

    def get_serializer_class(self):
        return StationDetailSerializer if self.action == "retrieve" else StationSerializer
