from rest_framework import serializers, viewsets

from stations.models import Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name_kk", "name_ru", "name_en", "kind", "time_zone"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """The regions of the registry, in display order; abroad is a region of its own."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    lookup_field = "code"
    filterset_fields = ["kind"]
