"""/api/v1/protocols/: staff submit entries and follow their protocols, by token or session."""

import django_filters
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.errors import ApplicationError, OutOfScope
from common.filters import WholeNumberFilter
from common.numbers import INTEGER_MAX, WholeNumberSerializerField, parse_whole
from common.text import FREE_TEXT_LIMIT
from elections import access, checks
from elections.models import PROTOCOL_LINES, Contest, Protocol
from elections.services.protocols import EntryData, protocol_submit_entry
from stations.models import Station

BATCH_LIMIT = 200


def count_field() -> WholeNumberSerializerField:
    """A protocol line or a vote count: digits 0-9; how large one may be is the service's rule
    (it names the line and the bound)."""
    return WholeNumberSerializerField(min_value=0, max_value=None)


# The nine lines, as PROTOCOL_LINES names them: the protocol's lines are written down once.
NumbersSerializer = type(
    "NumbersSerializer",
    (serializers.Serializer,),
    {name: count_field() for name in PROTOCOL_LINES},
)


class EntrySerializer(serializers.Serializer):
    """One clerk's entry: the nine lines and the votes by ballot position ("Against all" last)."""

    # Ids within an integer column: 2**64 was a 500 once it reached the query.
    station = WholeNumberSerializerField(min_value=1, max_value=INTEGER_MAX, help_text="Station id")
    contest = WholeNumberSerializerField(min_value=1, max_value=INTEGER_MAX, help_text="Contest id")
    numbers = NumbersSerializer()
    votes = serializers.DictField(
        child=count_field(),
        help_text='Votes by ballot position, e.g. {"1": 400, "2": 150, "3": 40}',
    )
    explanation = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=FREE_TEXT_LIMIT
    )
    remarks = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=FREE_TEXT_LIMIT
    )

    def validate_votes(self, votes: dict) -> dict[int, int]:
        positions = {position: parse_whole(position, minimum=1) for position in votes}
        if None in positions.values():
            raise serializers.ValidationError(_('positions are whole numbers, e.g. "1"'))
        if len(set(positions.values())) < len(positions):  # "1" and "01" name one line
            raise serializers.ValidationError(_("each ballot position may be given once"))
        return {positions[position]: count for position, count in votes.items()}


class BatchSerializer(serializers.Serializer):
    entries = serializers.ListField(
        child=serializers.DictField(), min_length=1, max_length=BATCH_LIMIT, help_text="Entries"
    )


class BatchResultSerializer(serializers.Serializer):
    results = serializers.ListField(
        child=serializers.DictField(),
        help_text='Per entry, in order: {"index", "status" (201, 400, 403, 404 or 409), and '
        '"protocol", or "detail" and "errors"}',
    )


class FindingsField(serializers.ListField):
    """A protocol's stored warnings or flags, each message in the reader's language."""

    child = serializers.DictField()

    def to_representation(self, data):
        return [{**found, "message": checks.localized(found)} for found in data]


class ProtocolSerializer(serializers.Serializer):
    """Declared field by field: a ModelSerializer would introspect the model on every call."""

    id = serializers.IntegerField()
    station = serializers.IntegerField(source="station_id")
    contest = serializers.IntegerField(source="contest_id")
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Protocol.Status.choices)
    is_active = serializers.BooleanField()
    numbers = serializers.SerializerMethodField()
    votes = serializers.SerializerMethodField()
    warnings = FindingsField()
    flags = FindingsField()
    explanation = serializers.CharField()
    updated = serializers.DateTimeField()

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


class ProtocolFilter(django_filters.FilterSet):
    contest = WholeNumberFilter(field_name="contest_id")
    station = WholeNumberFilter(field_name="station_id")

    class Meta:
        model = Protocol
        fields = ["status", "contest", "station", "is_active"]


class ProtocolViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Protocols in your commission's area. POST submits an entry: the first or the blind second.

    Errors: 400 with the fields and rules broken, 403 when your role may not do it (e.g. the
    same clerk entering twice), 404 outside your area, 409 when the protocol takes no entry now.
    """

    serializer_class = ProtocolSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = ProtocolFilter

    def get_queryset(self):
        protocols = Protocol.objects.select_related("station", "contest").prefetch_related(
            "votes__ballot_line"
        )
        return access.rows_in_scope(self.request.user, protocols)

    @extend_schema(request=EntrySerializer, responses={201: ProtocolSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        entry = EntrySerializer(data=request.data)
        entry.is_valid(raise_exception=True)
        stations = self._stations(request, [entry.validated_data])
        protocol = self._submit(request, entry.validated_data, stations, {})
        return Response(ProtocolSerializer(protocol).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BatchSerializer, responses={200: BatchResultSerializer})
    @action(detail=False, methods=["post"])
    def batch(self, request: Request) -> Response:
        """Submit up to 200 entries at once, e.g. a tablet syncing after the count.

        Each entry stands alone, exactly as if POSTed by itself: it is saved or refused on its
        own, and its result carries the status code a single POST would have answered.
        """
        batch = BatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        # Each entry read first: only a valid one's station is looked up.
        entries = [EntrySerializer(data=item) for item in batch.validated_data["entries"]]
        stations = self._stations(
            request, [entry.validated_data for entry in entries if entry.is_valid()]
        )
        contests: dict[int, Contest] = {}
        results = []
        # One transaction for the batch, one savepoint per entry: an entry stands or falls
        # alone, and the batch pays for one commit. The answer is sent only after the commit.
        with transaction.atomic():
            for index, entry in enumerate(entries):
                if not entry.is_valid():
                    results.append({"index": index, "status": 400, "errors": entry.errors})
                    continue
                try:
                    protocol = self._submit(request, entry.validated_data, stations, contests)
                except ApplicationError as exc:
                    # The HTTP status last: a refusal's own fields (a protocol's "status":
                    # "accepted") must not read as the entry's result.
                    results.append({"index": index, **exc.answer(), "status": exc.http_status})
                else:
                    results.append(
                        {
                            "index": index,
                            "status": 201,
                            "protocol": ProtocolSerializer(protocol).data,
                        }
                    )
        return Response({"results": results})

    def _stations(self, request: Request, entries: list[dict]) -> dict[int, Station]:
        """The stations the valid entries name, read in one query within the user's scope."""
        wanted = {entry["station"] for entry in entries}
        stations = access.stations_in_scope(request.user).filter(pk__in=wanted).order_by()
        return {s.pk: s for s in stations}  # unordered: the ordering would join the regions

    def _submit(
        self,
        request: Request,
        data: dict,
        stations: dict[int, Station],
        contests: dict[int, Contest],
    ) -> Protocol:
        """One entry; ``stations`` are those read by ``_stations``, within the user's scope."""
        station = stations.get(data["station"])
        if station is None:
            raise OutOfScope(
                "station: "
                + _("no station %(station)s in your commission's area")
                % {"station": data["station"]}
            )
        if data["contest"] not in contests:
            contest = Contest.objects.select_related("election").filter(pk=data["contest"]).first()
            if contest is None:
                raise OutOfScope(
                    "contest: " + _("no contest %(contest)s") % {"contest": data["contest"]}
                )
            contests[data["contest"]] = contest
        return protocol_submit_entry(
            station=station,
            contest=contests[data["contest"]],
            user=request.user,
            data=EntryData(
                numbers={name: data["numbers"][name] for name in PROTOCOL_LINES},
                votes=data["votes"],
                explanation=data["explanation"],
                remarks=data["remarks"],
            ),
        )
