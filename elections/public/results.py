"""What the public sees: published results per contest and area, and each station's records.

Everything here reads the tallies (which count published versions only) and the publication
chain's own records; a protocol that is not published is never read.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Max, QuerySet

from elections.models import (
    PROTOCOL_LINES,
    Contest,
    ContestStation,
    ContestTally,
    Election,
    Publication,
)
from elections.selectors import (
    ContestResult,
    contest_result,
    frozen_ballot,
    replaced_in_the_log,
)
from stations.models import District, Region, Station

Level = ContestTally.Level


@dataclass
class LineResult:
    position: int
    name: str
    votes: int
    percent: Decimal | None  # of the valid ballots ("Against all" included)
    against_all: bool = False
    seats: int | None = None  # provisional seats of a party list, on the whole contest's figures


@dataclass
class AreaResult:
    """One contest's figures in one area (the whole contest, a region, a district, a station)."""

    level: str  # nation, region, district or station
    name: str
    key: str = ""  # region code, district id or "<region>-<number>": what the links need
    stations_expected: int = 0
    stations_published: int = 0
    turnout: Decimal | None = None
    numbers: dict[str, int] = field(default_factory=dict)
    lines: list[LineResult] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.stations_published > 0

    @property
    def protocol_lines(self) -> list[tuple[str, int | None]]:
        """Each protocol line's label and figure, in the order of the paper form."""
        return [(label, self.numbers.get(name)) for name, label in PROTOCOL_LINES.items()]


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.01"))


def _lines(contest: Contest, votes_by_position: dict[int, int], valid: int) -> list[LineResult]:
    return [
        LineResult(
            position=line.position,
            name=line.label,
            votes=votes_by_position.get(line.position, 0),
            percent=percent(votes_by_position.get(line.position, 0), valid),
            against_all=line.is_against_all,
        )
        for line in frozen_ballot(contest).lines
    ]


def from_tally(contest: Contest, tally: ContestTally, name: str = "", key: str = "") -> AreaResult:
    positions = {str(line.pk): line.position for line in frozen_ballot(contest).lines}
    votes = {positions[line]: count for line, count in tally.votes.items() if line in positions}
    numbers = tally.numbers()
    return AreaResult(
        level=tally.level,
        name=name,
        key=key,
        stations_expected=tally.stations_expected,
        stations_published=tally.stations_accepted,
        turnout=tally.turnout_percent(),
        numbers=numbers,
        lines=_lines(contest, votes, numbers["l7_valid"] or 0),
    )


def with_seats(area: AreaResult, result: ContestResult | None) -> AreaResult:
    """Put each list's provisional seats on its line (seats are listed in ballot order)."""
    if result and result.seats:
        lists = [line for line in area.lines if not line.against_all]
        for line, row in zip(lists, result.seats, strict=True):
            line.seats = row.seats
    return area


def from_record(contest: Contest, record: dict) -> AreaResult:
    """A station's published record, in the shape of an area's figures."""
    numbers = record["lines"]
    votes = {item["position"]: item["votes"] for item in record["votes"]}
    return AreaResult(
        level="station",
        name=str(record["station"]),
        key=f"{record['region']}-{record['station']}",
        stations_expected=1,
        stations_published=1,
        turnout=percent(numbers["l3_issued"], numbers["l1_voters"]),
        numbers=numbers,
        lines=_lines(contest, votes, numbers["l7_valid"]),
    )


def contest_area(contest: Contest, level: str = Level.NATION, key: str = "") -> AreaResult | None:
    """The contest's figures in one area; None if the contest does not reach it."""
    tallies = ContestTally.objects.filter(contest=contest)
    if level == Level.NATION:
        tally, name = tallies.filter(area="nation").first(), contest.name
    elif level == Level.REGION:
        region = Region.objects.filter(code=key).first()
        tally = region and tallies.filter(area=f"region:{region.pk}").first()
        name = region.name if region else ""
    else:
        district = District.objects.filter(pk=int(key)).first() if key.isdigit() else None
        tally = district and tallies.filter(area=f"district:{district.pk}").first()
        name = district.name if district else ""
    if tally is not None:
        return from_tally(contest, tally, name, key)
    if expected := _stations_reached(contest, level, key):  # nothing published there yet
        return AreaResult(level=level, name=name or contest.name, key=key,
                          stations_expected=expected)  # fmt: skip
    return None


def _stations_reached(contest: Contest, level: str, key: str) -> int:
    coverage = ContestStation.objects.filter(contest=contest)
    if level == Level.REGION:
        coverage = coverage.filter(station__region__code=key)
    elif level == Level.DISTRICT:
        coverage = coverage.filter(station__district_id=int(key) if key.isdigit() else 0)
    return coverage.count()


def contest_children(contest: Contest, area: AreaResult) -> list[AreaResult]:
    """The areas one level down: regions (or districts, for a one-region contest), then
    districts, then stations, each with its figures so far."""
    tallies = ContestTally.objects.filter(contest=contest)
    if area.level == Level.NATION:
        regions = tallies.filter(level=Level.REGION).select_related("region")
        if regions.count() > 1:
            return [
                from_tally(contest, t, t.region.name, t.region.code)
                for t in regions.order_by("region__position")
            ]
        districts = tallies.filter(level=Level.DISTRICT)
    elif area.level == Level.REGION:
        districts = tallies.filter(level=Level.DISTRICT, district__region__code=area.key)
    else:
        return district_stations(contest, int(area.key))
    return [
        from_tally(contest, t, t.district.name, str(t.district_id))
        for t in districts.select_related("district").order_by("district__name_en")
    ]


def district_stations(contest: Contest, district_id: int) -> list[AreaResult]:
    """Every station of the contest in the district: its published record, or an empty row."""
    stations = Station.objects.filter(
        district_id=district_id, coverage__contest=contest
    ).select_related("region")
    records = {
        (record["region"], record["station"]): record
        for record in current_records(contest=contest)
        .filter(protocol__station__district_id=district_id)
        .values_list("record", flat=True)
    }
    rows = []
    for station in stations.order_by("number"):
        record = records.get((station.region.code, station.number))
        rows.append(
            from_record(contest, record)
            if record
            else AreaResult(
                level="station",
                name=str(station.number),
                key=f"{station.region.code}-{station.number}",
                stations_expected=1,
            )
        )
    return rows


def current_records(**filters) -> QuerySet[Publication]:
    """The records that stand in the log: a correction's record replaces the one before it
    from the moment it is published. The same versions as the totals count."""
    lookups = {f"protocol__{name}": value for name, value in filters.items()}
    return Publication.objects.filter(**lookups).exclude(replaced_in_the_log("protocol"))


@dataclass
class Headline:
    """A contest as the election's home page shows it."""

    contest: Contest
    area: AreaResult
    result: ContestResult | None
    updated: datetime | None


def headlines(election: Election) -> list[Headline]:
    """The contests that span the whole country (the Mazhilis party list), with their seats."""
    national = election.contests.filter(region__isnull=True, district__isnull=True)
    items = []
    for contest in national.order_by("body", "kind", "number"):
        area = contest_area(contest) or AreaResult(level=Level.NATION, name=contest.name)
        updated = contest.tallies.aggregate(last=Max("computed"))["last"]
        result = contest_result(contest)
        items.append(Headline(contest, with_seats(area, result), result, updated))
    return items


@dataclass
class ContestSummary:
    """A contest in a list: its leader so far and how many stations are published."""

    contest: Contest
    stations_expected: int
    stations_published: int
    leader: LineResult | None


def region_contests(election: Election, region: Region) -> list[ContestSummary]:
    """Every contest of the region's own (maslikhats, Mazhilis districts), leader first."""
    contests = list(
        election.contests.filter(region=region)
        .select_related("district", "election")
        .annotate(covered=Count("coverage"))
        .order_by("body", "kind", "district__name_en", "number")
    )
    tallies = {
        t.contest_id: t for t in ContestTally.objects.filter(contest__in=contests, area="nation")
    }
    summaries = []
    for contest in contests:
        tally = tallies.get(contest.pk)
        if tally is None:  # nothing published yet
            summaries.append(ContestSummary(contest, contest.covered, 0, None))
            continue
        area = from_tally(contest, tally, contest.name, "")
        ranked = sorted(
            (line for line in area.lines if not line.against_all), key=lambda line: -line.votes
        )
        leader = ranked[0] if ranked and ranked[0].votes else None
        summaries.append(
            ContestSummary(contest, area.stations_expected, area.stations_published, leader)
        )
    return summaries


@dataclass
class StationRecord:
    """One contest's published result at a station, with the versions before it."""

    contest: Contest
    current: AreaResult
    record: dict
    sha256: str
    scan_url: str | None
    versions: list[dict]  # every published version, oldest first: version, reason, hashes, time


def station_records(election: Election, station: Station) -> list[StationRecord]:
    publications = (
        Publication.objects.filter(protocol__station=station, protocol__contest__election=election)
        .select_related("protocol__contest__election")
        .order_by("protocol__contest__body", "protocol__contest__kind", "sequence")
    )
    by_contest: dict[int, list[Publication]] = {}
    for publication in publications:
        by_contest.setdefault(publication.protocol.contest_id, []).append(publication)
    items = []
    for chain in by_contest.values():
        standing = next((p for p in reversed(chain) if p.protocol.is_active), chain[-1])
        contest = standing.protocol.contest
        items.append(
            StationRecord(
                contest=contest,
                current=from_record(contest, standing.record),
                record=standing.record,
                sha256=standing.sha256,
                scan_url=standing.protocol.scan.url if standing.protocol.scan else None,
                versions=[
                    {
                        "version": p.record["version"],
                        "reason": p.record["reason"],
                        "sha256": p.sha256,
                        "replaces_sha256": p.record["replaces_sha256"],
                        "published_at": p.published,
                    }
                    for p in chain
                ],
            )
        )
    return items
