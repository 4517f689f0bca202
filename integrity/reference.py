"""Observers' copies of the protocol for the reference election, through the real services.

After the simulated night (published protocols) and load_observers (accredited organisations),
observers submit copies of the party-list contest's protocols and their organisation's data
desk transcribes them blind (integrity.services: copy_submit, then copy_transcribe by another
person), most of them the figures as published. A few are made to disagree on purpose, so that
the discrepancies show every rule a copy can raise:

- a slip at the official entry: the copy differs on one line (copy_differs, the leader
  untouched);
- a protocol rewritten after the count: votes moved to the leader (copy_differs, favours the
  leader);
- a photo of the posted protocol that differs (photo_differs);
- a party agent's copy disagreeing with an observer's (copies_disagree);
- a copy breaking the control relations the published record keeps (control_relations);
- one image submitted for two stations (image_reused);
- a copy of a station still unpublished long after the close (unpublished_after_close).

The seventh rule, changed_without_reason, is about the published record alone (a version
replaced with no reason or decision); the official workflow refuses a correction without its
reason, so the services give it nothing to find here.

One organisation draws its parallel count's sample (seeded, reproducible from the seed and the
frame's hash) and transcribes its copies of the sampled stations that are published. Every
station with copies is then checked. All or nothing; a second run adds nothing.
"""

import random
import struct
import zlib
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count
from django.utils.text import slugify
from django.utils.translation import gettext

from elections.models import Contest, ContestStation, Election, Publication
from elections.models.protocols import PROTOCOL_LINES
from elections.services.protocols import EntryData
from integrity.checking import discrepancies_refresh
from integrity.models import Discrepancy, ParallelCount, ProtocolCopy
from integrity.parallel import CountEstimate, parallel_count_draw, parallel_estimates
from integrity.services import copy_submit, copy_transcribe, organisation_of
from observers.models import Accreditation, Organisation
from stations.models import Station

CONTEST = "mazhilis-list"  # the national party-list contest of the reference election
COPIES = 200  # matching copies, beside the parallel count's
SAMPLE_SIZE = 200  # the parallel count's sample
# Of the matching copies, what they are: mostly observers' certified copies.
SOURCE_WEIGHTS = {
    ProtocolCopy.Source.CERTIFIED: 70,
    ProtocolCopy.Source.POSTED: 20,
    ProtocolCopy.Source.PARTY_AGENT: 10,
}
SLIP = 10  # voters on the list the official entry got wrong
MOVED = 30  # votes a rewritten protocol moved to the leader (at most a tenth of its own)
# The cases made to disagree, each on its own published station; image_reused takes two.
CASES = [
    "slip", "rewritten", "photo_differs", "copies_disagree", "control_relations",
    "image_reused", "image_reused",
]  # fmt: skip
Source = ProtocolCopy.Source


@dataclass
class Team:
    """Who copies for an organisation: the observer (or coordinator) who submits, and the data
    desk (a coordinator) who transcribes blind."""

    organisation: Organisation
    submitter: object
    desk: object


@dataclass
class Load:
    """What the copies are for the command's summary (the cases only on the run that adds)."""

    contest: Contest | None = None
    existed: bool = False
    notices: list[str] = field(default_factory=list)
    copies: Counter = field(default_factory=Counter)  # (source, status) → copies
    discrepancies: Counter = field(default_factory=Counter)  # rule → open discrepancies
    cases: dict[str, list[int]] = field(default_factory=dict)  # case → copy ids
    count: ParallelCount | None = None
    estimates: CountEstimate | None = None


def reference_copies_load(
    election: Election, *, contest_code: str = CONTEST, seed: int = 2023, copies: int = COPIES,
    sample_size: int = SAMPLE_SIZE, pvt_seed: str | None = None,
) -> Load:  # fmt: skip
    """Submit, transcribe and check the copies, all or nothing; copies already there for the
    contest are left as they are."""
    load = Load(contest=Contest.objects.filter(election=election, code=contest_code).first())
    contest = load.contest
    if contest is None:
        load.notices.append(
            gettext("no contest %(code)r in %(election)s: no copies")
            % {"code": contest_code, "election": election.code}
        )
        return load
    if ProtocolCopy.objects.filter(contest=contest).exists():
        load.existed = True
        return _count(load)
    standing = _standing_records(contest)
    if not standing:
        load.notices.append(
            gettext(
                "no published protocol of %(contest)s (run simulate_election_night first): "
                "no copies"
            )
            % {"contest": contest.code}
        )
        return load
    teams = _teams(election)
    if teams is None:
        load.notices.append(
            gettext("no accredited observers in %(election)s (run load_observers first): no copies")
            % {"election": election.code}
        )
        return load
    pvt, cases, party = teams
    rng = random.Random(f"{seed}-copies")
    with transaction.atomic():
        copier = _Copier(contest, rng)
        load.count = _parallel_count(
            copier, pvt, standing, sample_size, pvt_seed or f"{election.code}-pvt", load
        )
        sampled = set(load.count.stations.values_list("pk", flat=True)) if load.count else set()
        # The cases and the matching copies away from the sample first, so that the parallel
        # count reads its own copies only; a small election shares what it must.
        pool = _eligible(standing)
        outside, inside = [s for s in pool if s not in sampled], [s for s in pool if s in sampled]
        rng.shuffle(outside)
        rng.shuffle(inside)
        pool = outside + inside
        _cases(copier, cases, party, pool[: len(CASES)], standing, load)
        _unpublished(copier, cases, contest, standing, load)
        for station_id in pool[len(CASES) : len(CASES) + copies]:
            source = rng.choices(list(SOURCE_WEIGHTS), weights=list(SOURCE_WEIGHTS.values()))[0]
            team = party if source == Source.PARTY_AGENT else cases
            copy = copier.copy(team, station_id, source, _entry(standing[station_id]))
            load.cases.setdefault("matching", []).append(copy.pk)
        for station_id in sorted(
            set(ProtocolCopy.objects.filter(contest=contest).values_list("station_id", flat=True))
        ):
            discrepancies_refresh(copier.station(station_id), contest)
    return _count(load)


# Who copies -----------------------------------------------------------------------------------


def _teams(election: Election) -> tuple[Team, Team, Team] | None:
    """The parallel count's organisation (a domestic one, the largest), the one whose observers
    copy the rest (one with an observer's own login, else the next largest) and the parties'
    agents (a party's observers, else the latter): None without accredited observers."""
    approved = Accreditation.objects.filter(election=election, status=Accreditation.Status.APPROVED)
    bodies = list(
        Organisation.objects.filter(accreditations__in=approved)
        .annotate(people=Count("accreditations"))
        .order_by("-people", "pk")
    )
    if not bodies:
        return None
    domestic = [b for b in bodies if b.kind == Organisation.Kind.DOMESTIC]
    pvt = (domestic or bodies)[0]
    with_logins = set(
        approved.filter(user__isnull=False, role=Accreditation.Role.OBSERVER).values_list(
            "organisation_id", flat=True
        )
    )
    others = [b for b in bodies if b != pvt]
    cases = next((b for b in others if b.pk in with_logins), None) or (others or [pvt])[0]
    parties = [b for b in bodies if b.kind == Organisation.Kind.PARTY and b not in (pvt, cases)]
    party = parties[0] if parties else cases
    return _team(election, pvt), _team(election, cases), _team(election, party)


def _team(election: Election, organisation: Organisation) -> Team:
    """An accredited observer with a login submits (else a coordinator); a coordinator other
    than they transcribes; either, if missing, is a login nobody signs in with."""
    observers = [
        accreditation.user
        for accreditation in Accreditation.objects.filter(
            election=election, organisation=organisation, status=Accreditation.Status.APPROVED,
            role=Accreditation.Role.OBSERVER, user__isnull=False,
        ).select_related("user").order_by("pk")
    ]  # fmt: skip
    coordinators = list(organisation.coordinators.order_by("pk"))
    people = [u for u in observers + coordinators if organisation_of(u) == organisation]
    submitter = people[0] if people else _coordinator(organisation, "field")
    desks = [u for u in coordinators if u != submitter and organisation_of(u) == organisation]
    desk = desks[0] if desks else _coordinator(organisation, "desk")
    return Team(organisation, submitter, desk)


def _coordinator(organisation: Organisation, role: str):
    """A simulated coordinator of the organisation: nobody signs in with it (no usable
    password)."""
    username = f"sim-{role}-{slugify(organisation.name)}"[:150]
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
    organisation.coordinators.add(user)
    return user


# The copies -----------------------------------------------------------------------------------


class _Copier:
    """Submits a copy through the services and has the desk transcribe it the same."""

    def __init__(self, contest: Contest, rng: random.Random):
        self.contest, self.rng = contest, rng
        self.stations: dict[int, Station] = {}
        self.images = 0
        self.last_image = b""  # the bytes of the image submitted last

    def station(self, station_id: int) -> Station:
        if station_id not in self.stations:
            self.stations[station_id] = Station.objects.select_related("region").get(pk=station_id)
        return self.stations[station_id]

    def copy(
        self, team: Team, station_id: int, source: str, data: EntryData,
        image: bytes | None = None,
    ) -> ProtocolCopy:  # fmt: skip
        station = self.station(station_id)
        certified = source != Source.POSTED
        self.last_image = image or self.image(station, source)
        copy = copy_submit(
            station=station, contest=self.contest, user=team.submitter, source=source,
            data=_fresh(data), images=[self.upload(self.last_image)],
            signed_by_chair=certified, signed_by_secretary=certified, sealed=certified,
        )  # fmt: skip
        return copy_transcribe(copy=copy, user=team.desk, data=_fresh(data))

    def image(self, station: Station, source: str) -> bytes:
        self.images += 1
        label = f"{source} {station.region.code}-{station.number} #{self.images}"
        return png(label, self.rng.getrandbits(24))

    def upload(self, content: bytes) -> SimpleUploadedFile:
        return SimpleUploadedFile("copy.png", content, "image/png")


def png(text: str, colour: int) -> bytes:
    """A valid 4 × 4 PNG of one colour, ``text`` in a tEXt chunk: every image its own hash."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rgb = colour.to_bytes(3, "big")
    rows = b"".join(b"\x00" + rgb * 4 for _ in range(4))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
        + chunk(b"tEXt", b"Comment\x00" + text.encode())
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _standing_records(contest: Contest) -> dict[int, dict]:
    """Each published station's standing record (its last in the chain)."""
    records: dict[int, dict] = {}
    for station_id, record in (
        Publication.objects.filter(protocol__contest=contest)
        .order_by("sequence")
        .values_list("protocol__station_id", "record")
    ):
        records[station_id] = record
    return records


def _eligible(standing: dict[int, dict]) -> list[int]:
    """Published stations whose records can be copied and bent: a leader with votes to move."""
    return sorted(
        station_id
        for station_id, record in standing.items()
        if all(isinstance(record["lines"].get(name), int) for name in PROTOCOL_LINES)
        and len(record["votes"]) >= 2
        and max(vote["votes"] for vote in record["votes"]) >= 10
    )


def _entry(record: dict) -> EntryData:
    """The figures of a published record, as an entry."""
    return EntryData(
        numbers={name: record["lines"][name] for name in PROTOCOL_LINES},
        votes={vote["position"]: vote["votes"] for vote in record["votes"]},
    )


def _fresh(data: EntryData) -> EntryData:
    return EntryData(numbers=dict(data.numbers), votes=dict(data.votes))


def _ranked(data: EntryData) -> list[int]:
    """Ballot positions, most votes first."""
    return sorted(data.votes, key=lambda position: (-data.votes[position], position))


def _moved(data: EntryData, source: int, to: int, votes: int) -> EntryData:
    changed = _fresh(data)
    changed.votes[source] -= votes
    changed.votes[to] += votes
    return changed


def _parallel_count(
    copier: _Copier, team: Team, standing: dict[int, dict], size: int, seed: str, load: Load
) -> ParallelCount | None:
    """The organisation's sample (drawn once), and its copies of the sampled stations that are
    published: their figures as published."""
    contest = copier.contest
    count = ParallelCount.objects.filter(organisation=team.organisation, contest=contest).first()
    if count is None:
        frame = ContestStation.objects.filter(contest=contest).count()
        count = parallel_count_draw(
            organisation=team.organisation, contest=contest, size=min(size, frame), seed=seed
        )
    for station_id in sorted(count.stations.values_list("pk", flat=True)):
        if station_id in standing:
            copy = copier.copy(team, station_id, Source.CERTIFIED, _entry(standing[station_id]))
            load.cases.setdefault("parallel_count", []).append(copy.pk)
    return count


def _cases(
    copier: _Copier, team: Team, party: Team, stations: list[int], standing: dict[int, dict],
    load: Load,
) -> None:  # fmt: skip
    """The copies made to disagree, each case on its own station."""
    reused = None  # the image of the first station of image_reused, submitted for the second
    for case, station_id in zip(CASES, stations, strict=False):
        published = _entry(standing[station_id])
        leader, second, *rest = _ranked(published)
        made: list[ProtocolCopy] = []
        if case == "slip":  # the official entry typed the list 10 short: one line differs
            true = _fresh(published)
            true.numbers["l1_voters"] += SLIP
            made.append(copier.copy(team, station_id, Source.CERTIFIED, true))
        elif case == "rewritten":  # the count gave the leader fewer than the record does
            moved = min(MOVED, published.votes[leader] // 10) or 1
            true = _moved(published, leader, second, moved)
            made.append(copier.copy(team, station_id, Source.CERTIFIED, true))
        elif case == "photo_differs":  # the posted protocol: votes between two others
            to = rest[0] if rest else leader
            posted = _moved(published, second, to, min(5, published.votes[second]) or 0)
            if posted.votes == published.votes:
                posted.numbers["l1_voters"] += SLIP
            made.append(copier.copy(team, station_id, Source.POSTED, posted))
        elif case == "copies_disagree":  # the observer's matches, the party agent's does not
            made.append(copier.copy(team, station_id, Source.CERTIFIED, published))
            claimed = _moved(published, leader, second, min(5, published.votes[leader]))
            made.append(copier.copy(party, station_id, Source.PARTY_AGENT, claimed))
        elif case == "control_relations":  # a vote line the valid ballots do not add up to
            broken = _fresh(published)
            broken.votes[second] += SLIP
            made.append(copier.copy(team, station_id, Source.CERTIFIED, broken))
        elif case == "image_reused":  # the figures as published, the photo another station's
            made.append(copier.copy(team, station_id, Source.CERTIFIED, published, reused))
            reused = copier.last_image
        load.cases.setdefault(case, []).extend(copy.pk for copy in made)
    if len(stations) < len(CASES):
        missing = sorted(set(CASES[len(stations) :]))
        load.notices.append(
            gettext("too few published stations for the cases %(cases)s: skipped")
            % {"cases": ", ".join(missing)}
        )


def _unpublished(
    copier: _Copier, team: Team, contest: Contest, standing: dict[int, dict], load: Load
) -> None:
    """An observer's copy of a station whose protocol is still not published."""
    station_id = (
        ContestStation.objects.filter(contest=contest)
        .exclude(station_id__in=list(standing))
        .order_by("station_id")
        .values_list("station_id", flat=True)
        .first()
    )
    if station_id is None:
        load.notices.append(
            gettext("every station of %(contest)s is published: no copy of an unpublished one")
            % {"contest": contest.code}
        )
        return
    station = copier.station(station_id)
    lines = list(contest.ballot_lines.order_by("position").values_list("position", flat=True))
    voters = station.registered_voters or 1000
    issued = voters * 55 // 100
    invalid = issued // 50
    valid = issued - invalid
    weights = [copier.rng.randint(1, 10) for _ in lines]
    votes = {p: valid * w // sum(weights) for p, w in zip(lines, weights, strict=True)}
    votes[lines[0]] += valid - sum(votes.values())
    data = EntryData(
        numbers={
            "l1_voters": voters, "l2_received": voters, "l3_issued": issued,
            "l3a_mobile": issued // 30, "l3b_absentee": issued // 100,
            "l4_cancelled": voters - issued, "l5_found": issued, "l6_invalid": invalid,
            "l7_valid": valid,
        },
        votes=votes,
    )  # fmt: skip
    copy = copier.copy(team, station_id, Source.CERTIFIED, data)
    load.cases["unpublished"] = [copy.pk]


def _count(load: Load) -> Load:
    contest = load.contest
    copies = ProtocolCopy.objects.filter(contest=contest)
    load.copies = Counter(copies.values_list("source", "status"))
    load.discrepancies = Counter(
        Discrepancy.objects.filter(contest=contest, status=Discrepancy.Status.OPEN).values_list(
            "rule", flat=True
        )
    )
    load.count = (
        ParallelCount.objects.filter(contest=contest).select_related("organisation").first()
    )
    if load.count is not None:
        load.estimates = parallel_estimates(load.count)
    return load
