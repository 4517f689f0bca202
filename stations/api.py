import django_filters
from rest_framework import serializers, viewsets

from common.filters import WholeNumberFilter
from stations.models import Region, Station
from stations.selectors import station_search


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


class StationSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    district = serializers.StringRelatedField(source="district.name")
    url = serializers.HyperlinkedIdentityField(view_name="station-detail")

    class Meta:
        model = Station
        fields = [
            "id",
            "url",
            "region",
            "district",
            "number",
            "name",
            "address",
            "kind",
            "country",
            "time_zone",
            "latitude",
            "longitude",
            "registered_voters",
            "step_free_access",
            "aids_visually_impaired",
            "aids_hearing_impaired",
        ]


class StationFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code", help_text="Region code, e.g. AKT")
    district = WholeNumberFilter(field_name="district_id")
    number = WholeNumberFilter()
    q = django_filters.CharFilter(
        method="filter_words", help_text="Words that must all be in the name or address"
    )

    class Meta:
        model = Station
        fields = ["region", "district", "number", "kind", "country"]

    def filter_words(self, queryset, name, value):
        return queryset & station_search(words=value)


class StationViewSet(viewsets.ReadOnlyModelViewSet):
    """Active polling stations; the detail adds the ballots each election hands out there."""

    queryset = Station.objects.active().select_related("region", "district")
    serializer_class = StationSerializer
    filterset_class = StationFilter
