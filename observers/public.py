"""What the public sees of observers at a station: counts, never names, and published notes.

Registered as a section of the public station page (elections.public.panels) by
``ObserversConfig.ready``; the page's view calls it, its template runs no observers' query.
"""

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from elections.models import Election
from observers.models import Note, Visit
from stations.models import Station


def station_observers(station: Station, election: Election) -> dict:
    """The counts and published notes the station page shows, computed once."""
    visits = Visit.objects.filter(station=station, accreditation__election=election)
    notes = Note.objects.filter(station=station, accreditation__election=election)
    by_phase = {
        (row["phase"], row["severity"]): row["n"]
        for row in notes.values("phase", "severity").annotate(n=Count("pk"))
    }
    return {
        "observers": visits.values("accreditation").distinct().count(),
        "visits": visits.count(),
        "rows": [
            (label, [by_phase.get((phase, severity), 0) for severity in Note.Severity.values])
            for phase, label in Note.Phase.choices
        ],
        "severities": Note.Severity.labels,
        "published": list(
            notes.filter(published=True).select_related("accreditation__organisation")
        ),
    }


def station_panel(station: Station, election: Election) -> SafeString:
    return render_to_string("observers/_station_counts.html", station_observers(station, election))
