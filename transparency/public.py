"""What the public site shows of the log: each station's leaves on its page, and /log/."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from elections.models import Election, Publication
from stations.models import Station
from transparency.models import Checkpoint


def station_leaves(station: Station, election: Election | None = None):
    """The station's published records (every version) in log order, as leaves."""
    rows = Publication.objects.filter(protocol__station=station)
    if election is not None:
        rows = rows.filter(protocol__contest__election=election)
    return rows.order_by("sequence").values(
        "sequence", "sha256", "protocol__contest__code", "protocol__version"
    )


def station_panel(station: Station, election: Election) -> SafeString:
    """The station page's section: each record's leaf index, and its inclusion proof in the
    latest checkpoint that holds it."""
    leaves = list(station_leaves(station, election))
    if not leaves:
        return mark_safe("")
    latest = Checkpoint.objects.order_by("-size").values_list("size", flat=True).first() or 0
    items = []
    for row in leaves:
        index = row["sequence"] - 1
        proof = reverse("log:inclusion", args=[index, latest]) if index < latest else None
        items.append(
            {
                "index": index,
                "contest": row["protocol__contest__code"],
                "version": row["protocol__version"],
                "sha256": row["sha256"],
                "proof": proof,
            }
        )
    code = f"{station.region.code}-{station.number}"
    return render_to_string(
        "transparency/_station_panel.html",
        {"items": items, "size": latest, "code": code},
    )
