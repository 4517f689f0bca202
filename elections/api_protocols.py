"""/api/v1/protocols/: staff submit entries and follow their protocols, by token or session."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from elections import access
from elections.models import PROTOCOL_LINES, Contest, Protocol
from elections.services.protocols import EntryData, OutOfScope, protocol_submit_entry


class NumbersSerializer(serializers.Serializer):
    l1_voters = serializers.IntegerField(min_value=0)
    l2_received = serializers.IntegerField(min_value=0)
    l3_issued = serializers.IntegerField(min_value=0)
    l3a_mobile = serializers.IntegerField(min_value=0)
    l3b_absentee = serializers.IntegerField(min_value=0)
    l4_cancelled = serializers.IntegerField(min_value=0)
    l5_found = serializers.IntegerField(min_value=0)
    l6_invalid = serializers.IntegerField(min_value=0)
    l7_valid = serializers.IntegerField(min_value=0)


class EntrySerializer(serializers.Serializer):
    """One clerk's entry: the nine lines and the votes by ballot position ("Against all" last)."""

    station = serializers.IntegerField(help_text="Station id")
    contest = serializers.IntegerField(help_text="Contest id")
    numbers = NumbersSerializer()
    votes = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        help_text='Votes by ballot position, e.g. {"1": 400, "2": 150, "3": 40}',
    )
    explanation = serializers.CharField(required=False, allow_blank=True, default="")
    remarks = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_votes(self, votes: dict) -> dict[int, int]:
        try:
            return {int(position): count for position, count in votes.items()}
        except ValueError as exc:
            raise serializers.ValidationError('positions are whole numbers, e.g. "1"') from exc


class ProtocolSerializer(serializers.ModelSerializer):
    station = serializers.PrimaryKeyRelatedField(read_only=True)
    contest = serializers.PrimaryKeyRelatedField(read_only=True)
    numbers = serializers.SerializerMethodField()
    votes = serializers.SerializerMethodField()

    class Meta:
        model = Protocol
        fields = [
            "id", "station", "contest", "version", "status", "is_active", "numbers", "votes",
            "warnings", "flags", "explanation", "updated",
        ]  # fmt: skip

    @extend_schema_field(NumbersSerializer(allow_null=True))
    def get_numbers(self, protocol: Protocol) -> dict | None:
        """The agreed lines; null until two entries agree (entries themselves are never shown)."""
        numbers = protocol.numbers()
        return None if numbers["l1_voters"] is None else numbers

    def get_votes(self, protocol: Protocol) -> dict[str, int]:
        if protocol.l1_voters is None:
            return {}  # nothing agreed yet, so nothing to read
        if "votes" in getattr(protocol, "_prefetched_objects_cache", {}):  # a list page
            return {str(v.ballot_line.position): v.votes for v in protocol.votes.all()}
        return {
            str(position): votes
            for position, votes in protocol.votes.values_list("ballot_line__position", "votes")
        }


class ProtocolViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Protocols in your commission's area. POST submits an entry: the first or the blind second.

    Errors: 400 with the fields and rules broken, 403 when your role may not do it (e.g. the
    same clerk entering twice), 404 outside your area, 409 when the protocol takes no entry now.
    """

    serializer_class = ProtocolSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status", "contest", "station", "is_active"]

    def get_queryset(self):
        protocols = Protocol.objects.select_related("station", "contest").prefetch_related(
            "votes__ballot_line"
        )
        return access.protocols_in_scope(self.request.user, protocols)

    @extend_schema(request=EntrySerializer, responses={201: ProtocolSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        entry = EntrySerializer(data=request.data)
        entry.is_valid(raise_exception=True)
        data = entry.validated_data
        stations = access.stations_in_scope(request.user)
        station = stations.filter(pk=data["station"]).first()
        if station is None:
            raise OutOfScope(f"station: no station {data['station']} in your commission's area")
        contest = get_object_or_404(Contest.objects.select_related("election"), pk=data["contest"])
        protocol = protocol_submit_entry(
            station=station,
            contest=contest,
            user=request.user,
            data=EntryData(
                numbers={name: data["numbers"][name] for name in PROTOCOL_LINES},
                votes=data["votes"],
                explanation=data["explanation"],
                remarks=data["remarks"],
            ),
        )
        return Response(ProtocolSerializer(protocol).data, status=status.HTTP_201_CREATED)
