"""What the public station page shows of complaints: each registered complaint about the
station, its fate, and for a recount ordered the protocol version it named and the correction
it caused, so that the decision stands beside the new version.

Registered as a section of the page (elections.public.panels) by ``ComplaintsConfig.ready``,
which also connects ``complaint_saved``: the page is served from the public cache until the
results change (common.public_cache), so a registered complaint's every change counts as one.
Everything about the complainant comes from the register's row (complaints.register), which
names only a candidate, a party or an organisation and never anyone's contact.
"""

from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from complaints.register import public_complaints, public_row
from elections.models import Election
from stations.models import Station


def station_complaints(station: Station, election: Election) -> list[dict]:
    """The station's registered complaints in this election, most recent first, each with its
    register row, a link to it in the register, and the recount it ordered (if any)."""
    complaints = (
        public_complaints()
        .filter(station=station, election=election)
        .select_related("protocol__contest", "correction")
    )
    now, register = timezone.now(), reverse("complaints:register")
    items = []
    for complaint in complaints:
        query = urlencode({"region": station.region.code, "level": complaint.level})
        recount = None
        if complaint.decided_at and complaint.remedy == complaint.Remedy.RECOUNT:
            recount = {"protocol": complaint.protocol, "correction": complaint.correction}
        items.append({
            "complaint": complaint,
            "row": public_row(complaint, now),
            "url": f"{register}?{query}#{complaint.number}",
            "recount": recount,
        })  # fmt: skip
    return items


def station_panel(station: Station, election: Election) -> SafeString:
    items = station_complaints(station, election)
    if not items:
        return mark_safe("")
    return render_to_string("complaints/_station_panel.html", {"station": station, "items": items})
