"""Sections that apps standing on elections add to the public station page.

Elections never imports them: an app registers a panel in its ``AppConfig.ready`` (observers
adds its counts of visits and notes), and the station page's view asks every registered panel
for its HTML, computed there, so the page's template runs no other app's queries.
"""

from collections.abc import Callable

from django.utils.safestring import SafeString

from elections.models import Election
from stations.models import Station

StationPanel = Callable[[Station, Election], SafeString]

_station_panels: list[StationPanel] = []


def register_station_panel(panel: StationPanel) -> None:
    """Add a section to every public station page (once, however often ``ready`` runs)."""
    if panel not in _station_panels:
        _station_panels.append(panel)


def station_panels(station: Station, election: Election) -> list[SafeString]:
    """Each registered section of this station's page, rendered, in the order registered."""
    return [panel(station, election) for panel in _station_panels]
