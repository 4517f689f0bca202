"""What the public station page shows of observers' copies of the protocol: for each contest, how
many independent copies there are (by source) and whether each transcribed copy matches the
standing published record line by line, or which lines differ (the copy's value beside the
published one). Never a name: not the submitter's, not any observer's. A copy's images are
linked only once its organisation has published it, and only then is the organisation named.

Registered as a section of the page (elections.public.panels) by ``IntegrityConfig.ready``; the
page's view calls it, its template runs no integrity query.
"""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from elections.models import PROTOCOL_LINES, Election, Publication
from integrity import rules
from integrity.models import ProtocolCopy
from integrity.open_data import field_label
from stations.models import Station


def standing_records(station: Station, election: Election) -> dict[int, dict]:
    """The published record that stands for each contest at the station (as the station page
    shows it: the latest version still current, or the latest), by contest id."""
    chains: dict[int, list[Publication]] = {}
    for publication in (
        Publication.objects.filter(protocol__station=station, protocol__contest__election=election)
        .select_related("protocol")
        .order_by("sequence")
    ):
        chains.setdefault(publication.protocol.contest_id, []).append(publication)
    return {
        contest: next((p for p in reversed(chain) if p.protocol.is_active), chain[-1]).record
        for contest, chain in chains.items()
    }


def _figures_of_copy(copy: ProtocolCopy) -> rules.Figures:
    return rules.Figures(copy.numbers(), {int(p): v for p, v in (copy.votes or {}).items()})


def station_copies(station: Station, election: Election) -> list[dict]:
    """Each contest with copies at the station: the copies by source, and for each copy whether
    it matches the standing record (``differences``: label, copy value, published value)."""
    copies = list(
        ProtocolCopy.objects.filter(station=station, election=election)
        .select_related("contest", "organisation")
        .prefetch_related("images")
        .order_by("contest__body", "contest__kind", "contest__code", "pk")
    )
    if not copies:
        return []
    records = standing_records(station, election)
    by_contest: dict[int, dict] = {}
    for copy in copies:
        contest = copy.contest
        item = by_contest.get(contest.pk)
        if item is None:
            record = records.get(contest.pk)
            item = by_contest[contest.pk] = {
                "contest": contest,
                "published": rules.RecordFacts.of(record).figures if record else None,
                "version": record.get("version") if record else None,
                "labels": {
                    line.position: line.label
                    for line in contest.ballot_lines.select_related("party", "candidate")
                },
                "copies": [],
                "sources": dict.fromkeys(ProtocolCopy.Source.values, 0),
            }
        item["sources"][copy.source] += 1
        item["copies"].append(_copy_item(copy, item))
    items = list(by_contest.values())
    for item in items:
        item["by_source"] = [
            (label, item["sources"][value])
            for value, label in ProtocolCopy.Source.choices
            if item["sources"][value]
        ]
    return items


def _copy_item(copy: ProtocolCopy, contest_item: dict) -> dict:
    transcribed = copy.status == ProtocolCopy.Status.TRANSCRIBED
    published = contest_item["published"]
    differences = None
    if transcribed and published is not None:
        found = _figures_of_copy(copy).differences(published)
        differences = [
            (field_label(name, contest_item["labels"]), values["copy"], values["published"])
            for name, values in found.items()
        ]
    return {
        "source": copy.get_source_display(),
        "transcribed": transcribed,
        "status": copy.get_status_display(),
        "differences": differences,  # None: nothing to compare yet
        "signed_by_chair": copy.signed_by_chair,
        "signed_by_secretary": copy.signed_by_secretary,
        "sealed": copy.sealed,
        # Only what its organisation published: the images, and then its name.
        "organisation": copy.organisation.name if copy.published else None,
        "images": [image.image.url for image in copy.images.all()] if copy.published else [],
    }


def station_panel(station: Station, election: Election) -> SafeString:
    items = station_copies(station, election)
    if not items:
        return mark_safe("")
    return render_to_string(
        "integrity/_station_panel.html",
        {"station": station, "items": items, "lines": PROTOCOL_LINES},
    )
