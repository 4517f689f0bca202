"""/api/v1/observers/…: accredited observers check in and out and file notes, by token.

The same services as the phone page, so the same rules and the same errors: 400 naming the
field and the rule, 403 when the accreditation is not approved (or has ended), 404 for a station
outside its scope or the election, 409 when checked in elsewhere.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.errors import NotAllowed, OutOfScope
from common.numbers import WholeNumberSerializerField
from common.text import FREE_TEXT_LIMIT
from observers import services
from observers.models import Accreditation, Note, Visit
from observers.selectors import accreditation_of, notes_visible_to
from stations.models import Station


class StationRefField(serializers.Serializer):
    region = serializers.CharField(help_text="Region code, e.g. AKM")
    number = WholeNumberSerializerField(min_value=1, help_text="Station number")


def _station(data: dict) -> Station:
    station = Station.objects.filter(region__code=data["region"], number=data["number"]).first()
    if station is None:
        raise OutOfScope(
            "station: "
            + _("no station %(station)s in region %(region)s")
            % {"station": data["number"], "region": data["region"]}
        )
    return station


def _my_accreditation(request: Request) -> Accreditation:
    accreditation = accreditation_of(request.user)
    if accreditation is None:
        raise NotAllowed("user: " + _("your account has no accreditation"))
    return accreditation


class AccreditationSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")
    election = serializers.CharField(source="election.code")
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Accreditation
        fields = ["code", "full_name", "role", "organisation", "election", "regions", "status"]


class VisitSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="station.region.code")
    station = serializers.IntegerField(source="station.number")

    class Meta:
        model = Visit
        fields = ["id", "region", "station", "arrived", "left"]


class NoteSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="station.region.code")
    station = serializers.IntegerField(source="station.number")
    observer = serializers.CharField(source="accreditation.full_name", read_only=True)

    class Meta:
        model = Note
        fields = ["id", "region", "station", "observer", "phase", "category", "severity", "text",
                  "checklist", "published", "created"]  # fmt: skip
        read_only_fields = ["published", "created"]


class NoteInSerializer(StationRefField):
    phase = serializers.CharField()
    category = serializers.CharField()
    severity = serializers.CharField()
    text = serializers.CharField(allow_blank=True, max_length=FREE_TEXT_LIMIT)
    checklist = serializers.DictField(child=serializers.BooleanField(), required=False)


class VisitViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    """Your visits. POST checks in at a station; POST check-out/ ends the open visit."""

    serializer_class = VisitSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Visit]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Visit.objects.none()
        return Visit.objects.filter(accreditation__user=self.request.user).select_related(
            "station__region"
        )

    @extend_schema(request=StationRefField, responses={201: VisitSerializer})
    def create(self, request: Request) -> Response:
        incoming = StationRefField(data=request.data)
        incoming.is_valid(raise_exception=True)
        visit = services.visit_check_in(
            accreditation=_my_accreditation(request), station=_station(incoming.validated_data)
        )
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: VisitSerializer})
    @action(detail=False, methods=["post"], url_path="check-out")
    def check_out(self, request: Request) -> Response:
        visit = services.visit_check_out(accreditation=_my_accreditation(request))
        return Response(VisitSerializer(visit).data)


class AccreditationViewSet(viewsets.GenericViewSet):
    """Your accreditation: what your badge says."""

    serializer_class = AccreditationSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Accreditation.objects.none()  # for the schema: list() answers one's own

    @extend_schema(responses={200: AccreditationSerializer})
    def list(self, request: Request, *args, **kwargs) -> Response:  # args: me.json's format
        return Response(AccreditationSerializer(_my_accreditation(request)).data)


class NoteViewSet(viewsets.GenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Notes: your own; a coordinator's organisation's; every note for the CEC."""

    serializer_class = NoteSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["phase", "category", "severity"]

    def get_queryset(self) -> QuerySet[Note]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Note.objects.none()
        user = self.request.user
        return notes_visible_to(user).select_related("station__region", "accreditation")

    @extend_schema(request=NoteInSerializer, responses={201: NoteSerializer})
    def create(self, request: Request) -> Response:
        incoming = NoteInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        station = _station(data)
        note = services.note_file(
            accreditation=_my_accreditation(request), station=station, phase=data["phase"],
            category=data["category"], severity=data["severity"], text=data["text"],
            checklist=data.get("checklist"),
        )  # fmt: skip
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)
