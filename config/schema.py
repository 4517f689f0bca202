"""Names of the choice sets in the OpenAPI schema, where several models call a field "kind"."""

from elections.models import Contest
from stations.models import Region, Station

REGION_KIND = Region.Kind.choices
STATION_KIND = Station.Kind.choices
CONTEST_KIND = Contest.Kind.choices
