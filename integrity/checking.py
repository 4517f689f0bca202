"""The rules (integrity/rules.py), run on the database: the facts of one station and contest
read, every finding kept as a Discrepancy while it holds and resolved when it no longer does."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from elections.models import Contest, Election, Publication
from integrity import rules
from integrity.models import CopyImage, Discrepancy, ProtocolCopy
from stations.models import Station

Status = ProtocolCopy.Status


def facts_of(station: Station, contest: Contest, now: datetime | None = None) -> rules.Facts:
    """What the rules read about one station and contest, from the database."""
    now = now or timezone.now()
    copies = list(
        ProtocolCopy.objects.filter(station=station, contest=contest)
        .prefetch_related("images")
        .order_by("pk")
    )
    hashes = {image.sha256 for copy in copies for image in copy.images.all()}
    elsewhere: dict[str, list[str]] = {}
    for sha, region, number in (
        CopyImage.objects.filter(sha256__in=hashes)
        .exclude(copy__station=station)
        .values_list("sha256", "copy__station__region__code", "copy__station__number")
        .distinct()
    ):
        elsewhere.setdefault(sha, []).append(f"{region}-{number}")
    records = [
        rules.RecordFacts.of(record)
        for record in Publication.objects.filter(
            protocol__station=station, protocol__contest=contest
        )
        .order_by("sequence")
        .values_list("record", flat=True)
    ]
    election = contest.election
    _opens, closes = station.polling_hours(
        election.date, opens=election.opens_at, closes=election.closes_at
    )
    return rules.Facts(
        copies=[_copy_facts(copy) for copy in copies], records=records, closed_at=closes, now=now,
        unpublished_hours=settings.INTEGRITY_UNPUBLISHED_HOURS, images_elsewhere=elsewhere,
    )  # fmt: skip


def _copy_facts(copy: ProtocolCopy) -> rules.CopyFacts:
    figures = None
    if copy.status == Status.TRANSCRIBED:
        figures = rules.Figures(copy.numbers(), {int(p): v for p, v in copy.votes.items()})
    return rules.CopyFacts(
        copy.pk, copy.source, figures, tuple(i.sha256 for i in copy.images.all())
    )


@transaction.atomic
def discrepancies_refresh(station: Station, contest: Contest, now: datetime | None = None) -> int:
    """Run every rule on the station and contest: what is found is kept (reopened if it had been
    resolved), what no longer holds is resolved. Returns the open discrepancies."""
    found = rules.findings(facts_of(station, contest, now))
    kept = set()
    for finding in found:
        rule = rules.BY_ID[finding.rule]
        row, created = Discrepancy.objects.get_or_create(
            station=station, contest=contest, rule=finding.rule, copy_id=finding.copy,
            defaults={"election": contest.election, "severity": rule.severity,
                      "detail": finding.detail},
        )  # fmt: skip
        if not created:
            row.detail = finding.detail
            if row.status == Discrepancy.Status.RESOLVED:
                row.status = Discrepancy.Status.OPEN
            row.save()
        kept.add(row.pk)
    Discrepancy.objects.filter(station=station, contest=contest).exclude(pk__in=kept).exclude(
        status=Discrepancy.Status.RESOLVED
    ).update(status=Discrepancy.Status.RESOLVED, checked=timezone.now())
    return len(kept)


def stations_to_check(after_sequence: int) -> set[tuple[int, int]]:
    """(station, contest) pairs with copies whose record was published after ``after_sequence``,
    or which have no record yet (the unpublished rule runs on the clock)."""
    with_copies = set(ProtocolCopy.objects.values_list("station_id", "contest_id").distinct())
    published = Publication.objects.filter(
        protocol__station__in=ProtocolCopy.objects.values("station")
    ).values_list("protocol__station_id", "protocol__contest_id", "sequence")
    newly, ever = set(), set()
    for station, contest, sequence in published:
        ever.add((station, contest))
        if sequence > after_sequence:
            newly.add((station, contest))
    return (newly & with_copies) | (with_copies - ever)


def election_of(contest_id: int) -> Election:
    return Contest.objects.select_related("election").get(pk=contest_id).election
