"""What the public sees of observers at a station: counts, never names, and published notes."""

from django import template
from django.db.models import Count

from observers.models import Note, Visit

register = template.Library()


@register.inclusion_tag("observers/_station_counts.html")
def observer_counts(station, election) -> dict:
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
        "published": notes.filter(published=True).select_related("accreditation__organisation"),
    }
