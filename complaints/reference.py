"""A complaints register shaped like the 2023 election's, through the real services.

docs/rules.md (the CEC's 2023 figures as the press reported them): 166 candidates' lawsuits, 55
in the Supreme Court, 104 in the specialised inter-district administrative courts and 7 in
district courts; 82 by Mazhilis and 84 by maslikhat candidates; 135 challenged district (okrug)
commissions. Of the 164 decided, 49 were granted, 84 dismissed, 15 withdrawn and 16 left
without consideration, so 2 were still before the courts. Those figures are kept exactly; who
sued, when, about what and under which case number is drawn, seeded.

Beside them, election-day complaints by observers and voters to precinct and territorial
commissions. Their 2023 figures were not published: their number and fates are illustrative.

Every complaint is entered through complaints.services, as the body's desk would enter it (the
CEC's desk records the lawsuits), so each carries its history. A second run adds nothing.
"""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from complaints.models import Complaint
from complaints.services import (
    Filing,
    complaint_confirm_contact,
    complaint_decide,
    complaint_enter_recount,
    complaint_file,
    complaint_register,
    complaint_return,
    complaint_schedule_hearing,
    complaint_suspend,
    complaint_withdraw,
)
from elections.models import (
    Assignment,
    Candidate,
    Contest,
    ContestStation,
    Election,
    Party,
    Protocol,
)  # fmt: skip
from elections.services.protocols import EntryData, protocol_decide_correction
from elections.services.staff import staff_assign
from observers.models import Accreditation, Note
from observers.reference import FAMILY, GIVEN
from stations.models import District, Station
from stations.zones import ASTANA

Level, Court, Kind, S = (
    Complaint.Level, Complaint.Court, Complaint.Complainant, Complaint.Status,
)  # fmt: skip
DESK = "sim-complaints-desk"  # the CEC's desk that records lawsuits (a login nobody signs in to)


@dataclass(frozen=True)
class Lawsuits:
    """A group of the 2023 lawsuits: the court, whom they were against, whose candidates sued."""

    court: str
    against: str  # "cec" or "territorial" (a district, okrug, commission)
    body: str  # "mazhilis" or "maslikhat"
    count: int


# 55 Supreme, 104 administrative, 7 district; 82 Mazhilis, 84 maslikhat; 135 against district
# commissions. Per rules.md the Supreme Court hears the CEC's decisions and refused or cancelled
# single-member registrations; the administrative courts the lower commissions.
LAWSUITS = [
    Lawsuits(Court.SUPREME, "cec", "mazhilis", 31),
    Lawsuits(Court.SUPREME, "territorial", "mazhilis", 24),
    Lawsuits(Court.ADMINISTRATIVE, "territorial", "mazhilis", 27),
    Lawsuits(Court.ADMINISTRATIVE, "territorial", "maslikhat", 77),
    Lawsuits(Court.DISTRICT, "territorial", "maslikhat", 7),
]
# What became of them: 49 + 84 + 16 + 15 + 2 = 166.
FATES = {"upheld": 49, "dismissed": 84, "not_considered": 16, "withdrawn": 15, "pending": 2}
PARTY_SUITS = 9  # of the suits against the CEC, those a party brought rather than a candidate
COURTS_FROM, COURTS_UNTIL = date(2023, 1, 20), date(2023, 4, 15)
BODIES = {
    "mazhilis": [Contest.Body.MAZHILIS],
    "maslikhat": [Contest.Body.REGIONAL_MASLIKHAT, Contest.Body.LOCAL_MASLIKHAT],
}
# The case number's court and instance parts, as on Kazakh court documents (7594-23-00-4/215).
CASE_NUMBER = {
    Court.SUPREME: ("6001", "6ap"),
    Court.ADMINISTRATIVE: ("75{region:02d}", "4"),
    Court.DISTRICT: ("19{region:02d}", "2"),
}

# (subject, facts, claim) of a lawsuit, by whom it is against (and, against the CEC, who sued).
SUITS = {
    "cec-party": [
        ("The CEC's resolution refusing to register the party's list of candidates",
         "The list was filed on time with every document the law requires.",
         "Annul the resolution and oblige the CEC to register the list."),
        ("The CEC's resolution establishing the results of the election by party lists",
         "Protocols of several stations differ from the copies given to observers.",
         "Recognise the resolution as unlawful in the part concerning the party."),
    ],
    "cec-candidate": [
        ("The CEC's resolution cancelling the registration of a candidate on the party list",
         "The cancellation rests on a declaration of income that was corrected in time.",
         "Annul the resolution and restore the registration."),
        ("The CEC's resolution establishing the results of the election by party lists",
         "Protocols of several stations differ from the copies given to observers.",
         "Recognise the resolution as unlawful in the part concerning the claimant."),
    ],
    "territorial": [
        ("The district election commission's refusal to register the candidate",
         "The commission found the signatures insufficient without checking them.",
         "Annul the refusal and oblige the commission to register the candidate."),
        ("The district election commission's cancellation of the candidate's registration",
         "The commission relied on campaign material the candidate did not publish.",
         "Annul the cancellation."),
        ("The district election commission's resolution on the results in the district",
         "Votes for the claimant at two stations were counted for another candidate.",
         "Annul the resolution and order a recount at the stations named."),
        ("The district election commission's inaction on the claimant's complaint",
         "The complaint filed with the commission was not decided within five days.",
         "Recognise the inaction as unlawful and oblige the commission to decide."),
    ],
}  # fmt: skip
COURT_DECISIONS = {
    "upheld": "The court granted the claim: the decision complained of was annulled.",
    "dismissed": "The court dismissed the claim: the decision complained of was lawful.",
    "not_considered": (
        "The court left the claim without consideration: it was filed after the time limit "
        "or without the documents the procedure requires."
    ),
}
WITHDRAWN = "The claimant withdrew the claim before the court's decision."

# Election day (19 March 2023): complaints to the commissions, illustrative.
OBSERVERS_ON_THE_DAY = 12
VOTERS_ON_THE_DAY = 18
# (hour it happened, subject, facts, claim)
OBSERVER_TOPICS = [
    (
        7,
        "The ballot box was not shown empty before it was sealed",
        "At opening the chair sealed the box before observers could see inside.",
        "Recognise the action as unlawful and record it in the minutes.",
    ),
    (
        11,
        "Ballots were issued without an identity document",
        "Between 11:00 and 11:30 four voters were given ballots on a neighbour's word.",
        "Stop issuing ballots without an identity document.",
    ),
    (
        14,
        "The observer was forbidden to photograph the voters' turnout board",
        "A member asked the observer to delete the photographs and leave the hall.",
        "Recognise the observer's right to photograph and record it in the minutes.",
    ),
    (
        20,
        "Observers were kept 10 m from the count",
        "At 20:15 the chair asked all observers to stand by the door during the count.",
        "Recognise the action as unlawful and recount the ballots in observers' view.",
    ),
    (
        21,
        "A copy of the results protocol was refused",
        "After the count the secretary said copies would be given on Monday.",
        "Give the observer a certified copy of the protocol.",
    ),
]
VOTER_TOPICS = [
    (9, "The voter was not on the voters' list at their address",
     "The voter has lived at the address for six years and voted there in 2022.",
     "Add the voter to the list and let them vote."),
    (10, "The mobile ballot box did not come",
     "The voter, bedridden, asked for a home visit by phone at 08:30; nobody came.",
     "Send the mobile ballot box before the polls close."),
    (12, "Campaign material was displayed at the station's entrance",
     "A candidate's leaflets were on a table by the door of the station.",
     "Remove the material and record the violation."),
    (16, "The voter was told someone had already signed for them",
     "The list showed a signature beside the voter's name; the voter had not been there.",
     "Give the voter a ballot and refer the signature to the police."),
    (8, "The station opened 40 minutes late",
     "At 07:00 the doors were locked; voting began at 07:40.",
     "Recognise the delay as a violation and extend voting by as long."),
]  # fmt: skip
# What the commission did, in turn: (a hearing first, then the outcome); before them, one
# complaint suspended while a court hears the same matter and one returned for defects.
DAY_SPECIAL = [(True, "suspended"), (False, "returned")]
DAY_FATES = [
    (False, "dismissed"), (True, "dismissed"), (False, "upheld"), (True, "partly_upheld"),
    (False, "dismissed"), (True, "upheld"), (True, "dismissed"),
]  # fmt: skip
DAY_DECISIONS = {
    "upheld": "The commission found the complaint founded and ordered the violation remedied.",
    "partly_upheld": "The commission found the complaint founded in part; the rest unproven.",
    "dismissed": "The commission found no violation: the members and the minutes agree.",
}
DEFECTS = [
    "the complaint does not name the decision, action or inaction complained of",
    "the complaint is not signed",
]


@dataclass
class Register:
    """What the register holds for an election, for the command's summary."""

    complaints: int = 0
    by_body: Counter = field(default_factory=Counter)  # (level, court) → count
    by_status: Counter = field(default_factory=Counter)  # (status, outcome) → count
    existed: bool = False
    notices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    """One complaint to enter: when it is registered (complaints are numbered in that order)
    and the moves that enter it."""

    at: datetime
    enter: Callable[[], Complaint]


def reference_complaints_load(election: Election, *, seed: int = 2023) -> Register:
    """Enter the register, all or nothing; a register already there is left as it is."""
    if Complaint.objects.filter(election=election).exists():
        return _count(election, Register(existed=True))
    register = Register()
    rng = random.Random(f"{seed}-complaints")
    with transaction.atomic():
        plans = _lawsuit_plans(election, _cec_desk(), rng)
        plans += _election_day_plans(election, rng, register.notices)
        plans += _recount_plans(election, register.notices)
        for plan in sorted(plans, key=lambda plan: plan.at):
            plan.enter()
    return _count(election, register)


# A recount ordered -------------------------------------------------------------------------

RECOUNT_SHIFT = 5  # votes the recount moves from the first ballot line to the second


def _recount_plans(election: Election, notices: list[str]) -> list[Plan]:
    """One complaint the territorial commission upholds by ordering a recount of a published
    protocol: the recount is entered as a correction citing the decision, and a second member
    approves it, so the station's page shows the decision beside the corrected version."""
    protocol = (
        Protocol.objects.filter(
            contest__election=election,
            is_active=True,
            status=Protocol.Status.ACCEPTED,
            publication__isnull=False,
            votes__votes__gte=RECOUNT_SHIFT,
            votes__ballot_line__position=1,
        )  # fmt: skip
        .select_related("station__region", "station__district", "contest")
        .order_by("pk")
        .first()
    )
    if protocol is None:
        notices.append(gettext("No published protocol yet: no recount is ordered."))
        return []
    station = protocol.station
    zone = ZoneInfo(station.region.time_zone)
    at = datetime.combine(election.date + timedelta(days=1), time(10, 0), tzinfo=zone)
    member = _territorial_member(station)
    second = _user(f"sim-tec2-{station.region.code}-{station.district.code}".lower()[:150])
    if not second.assignments.exists():
        staff_assign(user=second, role=Assignment.Role.TERRITORIAL, district=station.district)
    filing = Filing(
        complainant_kind=Kind.PARTY, complainant_name="Auyl People's Democratic Patriotic Party",
        complainant_contact="+7 717 255 0190",
        respondent=f"Precinct election commission No. {station.number}",
        subject="The count at the station: bundles of ballots were counted once, not twice",
        subject_on=election.date,
        facts="The party's agent saw two bundles counted without being unfolded.",
        claim="Order a recount of the ballots for the contest complained of.",
    )  # fmt: skip

    def enter() -> Complaint:
        complaint = complaint_file(
            election=election, level=Level.TERRITORIAL, filing=filing, station=station,
            contest=protocol.contest, protocol=protocol, at=at - timedelta(hours=1),
        )  # fmt: skip
        complaint = complaint_confirm_contact(complaint)
        complaint_register(complaint, user=member, at=at, standing_confirmed=True)
        complaint_decide(
            complaint, user=member, outcome="upheld", remedy=Complaint.Remedy.RECOUNT,
            decision="Two bundles were not counted as the law requires: the ballots are recounted.",
            at=at + timedelta(hours=6),
        )  # fmt: skip
        votes = {vote.ballot_line.position: vote.votes for vote in protocol.votes.all()}
        votes[1], votes[2] = votes[1] - RECOUNT_SHIFT, votes[2] + RECOUNT_SHIFT
        correction = complaint_enter_recount(
            complaint, user=member, data=EntryData(numbers=protocol.numbers(), votes=votes)
        )
        protocol_decide_correction(correction=correction, user=second, approve=True)
        complaint.refresh_from_db()
        return complaint

    return [Plan(at, enter)]


def _count(election: Election, register: Register) -> Register:
    complaints = Complaint.objects.filter(election=election)
    register.complaints = complaints.count()
    register.by_body = Counter(complaints.values_list("level", "court"))
    register.by_status = Counter(complaints.values_list("status", "outcome"))
    return register


def _user(username: str):
    """A simulated member's login: nobody signs in with it (no usable password)."""
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
    return user


def _cec_desk():
    """The CEC's desk, which records lawsuits (complaints.access: the CEC handles level court)."""
    desk = _user(DESK)
    if not desk.assignments.exists():
        staff_assign(user=desk, role=Assignment.Role.CEC)
    return desk


# The lawsuits ------------------------------------------------------------------------------


def _lawsuit_plans(election: Election, desk, rng: random.Random) -> list[Plan]:
    """The 166 lawsuits in order of registration, each given a fate from the 2023 split: the
    split is shuffled (seeded) across courts, so every court has some of each."""
    suits = [suit for suit in LAWSUITS for _ in range(suit.count)]
    fates = [fate for fate, count in FATES.items() for _ in range(count)]
    rng.shuffle(suits)
    rng.shuffle(fates)
    days = (COURTS_UNTIL - COURTS_FROM).days - 5  # the last decisions fall inside the range
    moments = sorted(
        datetime.combine(
            COURTS_FROM + timedelta(days=round(rng.triangular(0, days, days * 0.7))),
            time(9, rng.randrange(0, 60, 5)),
            tzinfo=ASTANA,
        ) + timedelta(hours=rng.randrange(0, 8))
        for _ in suits
    )  # fmt: skip
    people = _Claimants(election, rng)
    case_numbers: Counter = Counter()
    parties_left = PARTY_SUITS
    plans = []
    for at, suit, fate in zip(moments, suits, fates, strict=True):
        by_party = suit.against == "cec" and parties_left > 0 and people.parties
        parties_left -= bool(by_party)
        kind, name, contest = (
            people.party() if by_party else people.candidate(suit.body, suit.against)
        )
        district = _seat(contest, election) if suit.against == "territorial" else None
        filing = _lawsuit_filing(suit, kind, name, contest, district, at, rng)
        case = _case_number(suit.court, district or contest, case_numbers, rng)
        plans.append(Plan(at, _lawsuit_entry(election, desk, suit, filing, contest, district,
                                             case, at, fate, rng)))  # fmt: skip
    return plans


class _Claimants:
    """Who sued: the reference election's candidates of the body named (a smaller election's
    any candidate, or a drawn name), and its parties for suits against the CEC."""

    def __init__(self, election: Election, rng: random.Random):
        self.election, self.rng = election, rng
        self.parties = list(Party.objects.filter(election=election).order_by("registration_order"))
        self.list_contest = (
            Contest.objects.filter(election=election, kind=Contest.Kind.PARTY_LIST)
            .filter(body=Contest.Body.MAZHILIS)
            .first()
        )
        self.pools: dict[str, list[Candidate]] = {}

    def candidate(self, body: str, against: str) -> tuple[str, str, Contest | None]:
        """A candidate of the body: one on a party list when suing the CEC (which registers
        the lists), one standing in a district when suing its commission."""
        key = f"{body}-{against}"
        if key not in self.pools:
            candidates = Candidate.objects.filter(election=self.election).select_related(
                "contest__district", "contest__region"
            )
            if against == "cec":
                pool = candidates.filter(contest__isnull=True, party__isnull=False)
            else:
                pool = candidates.filter(contest__body__in=BODIES[body])
            self.pools[key] = list(pool.order_by("pk")) or list(candidates.order_by("pk"))
        if not self.pools[key]:
            return Kind.CANDIDATE, f"Candidate No. {self.rng.randint(1, 999)}", None
        person = self.rng.choice(self.pools[key])
        return Kind.CANDIDATE, person.full_name, person.contest or self.list_contest

    def party(self) -> tuple[str, str, Contest | None]:
        party = self.rng.choice(self.parties)
        return Kind.PARTY, party.name_en, self.list_contest


def _seat(contest: Contest | None, election: Election) -> District | None:
    """Where a contest's district (okrug) commission sits: the contest's own district, or that
    of the first station it covers (a Mazhilis or regional seat spans several)."""
    if contest is not None and contest.district_id:
        return contest.district
    coverage = ContestStation.objects.filter(election=election).order_by("station_id")
    if contest is not None:
        coverage = coverage.filter(contest=contest)
    first = coverage.select_related("station__district__region").first()
    return first.station.district if first else District.objects.order_by("pk").first()


def _lawsuit_filing(
    suit: Lawsuits, kind: str, name: str, contest: Contest | None, district: District | None,
    at: datetime, rng: random.Random,
) -> Filing:  # fmt: skip
    about = f"cec-{kind}" if suit.against == "cec" else suit.against
    subject, facts, claim = rng.choice(SUITS[about])
    if suit.against == "cec":
        respondent = "Central Election Commission of the Republic of Kazakhstan"
    else:
        where = contest.name_en if contest is not None else district.name_en
        respondent = f"District election commission, {where}"
    return Filing(
        complainant_kind=kind, complainant_name=name, complainant_contact=_phone(rng),
        respondent=respondent, subject=subject,
        subject_on=(at - timedelta(days=rng.randint(2, 9))).date(), facts=facts, claim=claim,
    )  # fmt: skip


def _phone(rng: random.Random) -> str:
    """A contact that is a phone number: the services mail notices only to e-mail addresses,
    so loading the register mails nobody, whatever the site's mail backend."""
    return f"+7 70{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def _case_number(court: str, where, numbers: Counter, rng: random.Random) -> str:
    """A court's case number: court, year, instance and the court's running number (which
    grows in order of registration, as the cases are numbered in it)."""
    region = getattr(where, "region", None)
    court_code, instance = CASE_NUMBER[court]
    court_code = court_code.format(region=region.position if region else 0)
    numbers[court_code] = numbers[court_code] or rng.randint(40, 300)
    numbers[court_code] += rng.randint(1, 9)
    return f"{court_code}-23-00-{instance}/{numbers[court_code]}"


def _lawsuit_entry(
    election: Election, desk, suit: Lawsuits, filing: Filing, contest, district, case: str,
    at: datetime, fate: str, rng: random.Random,
) -> Callable[[], Complaint]:  # fmt: skip
    """The desk records the lawsuit (filed with its account, so it also records a withdrawal)
    and the court's decision, some days after registration and within the range."""
    decided_at = min(
        at + timedelta(days=rng.randint(2, 12), hours=rng.randint(0, 6)),
        datetime.combine(COURTS_UNTIL, time(17), tzinfo=ASTANA),
    )

    def enter() -> Complaint:
        complaint = complaint_file(
            election=election, level=Level.COURT, filing=filing, user=desk, district=district,
            contest=contest, court=suit.court, court_case=case,
        )  # fmt: skip
        complaint_register(complaint, user=desk, at=at, standing_confirmed=True)
        if fate == "withdrawn":
            complaint_withdraw(complaint, user=desk, reason=WITHDRAWN)
        elif fate != "pending":
            complaint_decide(
                complaint, user=desk, outcome=fate, decision=COURT_DECISIONS[fate], at=decided_at
            )
        return complaint

    return enter


# Election day ------------------------------------------------------------------------------


def _election_day_plans(election: Election, rng: random.Random, notices: list[str]) -> list[Plan]:
    """Observers' and voters' complaints on voting day, to the station's commission or (every
    third) the district's; observers' only where observers were accredited."""
    stations = list(
        Station.objects.filter(
            pk__in=ContestStation.objects.filter(election=election).values("station_id")
        )
        .select_related("region", "district__region")
        .order_by("pk")
    )
    if not stations:
        notices.append(gettext("no stations in this election: no election-day complaints"))
        return []
    sources = _observer_sources(election, stations, rng)
    if not sources:
        notices.append(
            gettext(
                "no accredited observers in this election (run load_observers first): "
                "only voters' complaints on election day"
            )
        )
    sources += [_voter(stations, rng) for _ in range(VOTERS_ON_THE_DAY)]
    rng.shuffle(sources)
    plans = []
    for index, (kind, name, user, note, station, topic) in enumerate(sources):
        level = Level.TERRITORIAL if index % 3 == 2 else Level.PRECINCT
        fate = DAY_SPECIAL[index] if index < len(DAY_SPECIAL) else DAY_FATES[index % len(DAY_FATES)]
        plans.append(_day_plan(election, level, kind, name, user, note, station, topic, fate, rng))
    return plans


def _observer_sources(election: Election, stations: list[Station], rng: random.Random) -> list:
    """Accredited observers who complain: those whose notes raised a concern or a violation
    (the complaint cites the note and its station), else any approved observer at a station in
    their regions."""
    in_election = {station.pk: station for station in stations}
    notes = list(
        Note.objects.filter(
            accreditation__election=election, severity__in=["concern", "violation"],
            station_id__in=in_election,
        ).select_related("accreditation").order_by("pk")
    )  # fmt: skip
    if notes:
        chosen = rng.sample(notes, k=min(OBSERVERS_ON_THE_DAY, len(notes)))
        return [
            _observer(note.accreditation, in_election[note.station_id], note, rng)
            for note in chosen
        ]
    observers = list(
        Accreditation.objects.filter(
            election=election, status=Accreditation.Status.APPROVED,
            role=Accreditation.Role.OBSERVER,
        ).prefetch_related("regions").order_by("pk")
    )  # fmt: skip
    chosen = rng.sample(observers, k=min(OBSERVERS_ON_THE_DAY, len(observers)))
    sources = []
    for accreditation in chosen:
        regions = {region.pk for region in accreditation.regions.all()}
        pool = [s for s in stations if s.region_id in regions] if regions else stations
        sources.append(_observer(accreditation, rng.choice(pool or stations), None, rng))
    return sources


def _observer(accreditation: Accreditation, station: Station, note: Note | None, rng) -> tuple:
    """An observer files with their login if they have one, otherwise without an account."""
    return (
        Kind.OBSERVER, accreditation.full_name, accreditation.user, note, station,
        rng.choice(OBSERVER_TOPICS),
    )  # fmt: skip


def _voter(stations: list[Station], rng: random.Random) -> tuple:
    """A voter, without an account, at a station drawn from the election's."""
    name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
    return Kind.VOTER, name, None, None, rng.choice(stations), rng.choice(VOTER_TOPICS)


def _day_plan(
    election: Election, level: str, kind: str, name: str, user, note, station: Station,
    topic: tuple, fate: tuple[bool, str], rng: random.Random,
) -> Plan:  # fmt: skip
    """Registered within the hour after it happened, in the station's zone, and decided within
    24 hours of registration: the law's *immediately* on voting day."""
    hour, subject, facts, claim = topic
    zone = ZoneInfo(station.region.time_zone)
    at = datetime.combine(election.date, time(hour, rng.randrange(0, 60, 5)), tzinfo=zone)
    at += timedelta(minutes=rng.randint(20, 60))
    respondent = f"Precinct election commission No. {station.number}"
    filing = Filing(
        complainant_kind=kind, complainant_name=name, complainant_contact=_phone(rng),
        respondent=respondent if level == Level.PRECINCT else f"{respondent}, its chair",
        subject=subject, subject_on=election.date, facts=facts, claim=claim,
    )  # fmt: skip
    member = _precinct_member(station) if level == Level.PRECINCT else _territorial_member(station)

    def enter() -> Complaint:
        complaint = complaint_file(
            election=election, level=level, filing=filing, user=user, station=station, note=note,
            at=at - timedelta(minutes=15),
        )  # fmt: skip
        complaint = complaint_confirm_contact(complaint)  # a voter opened the link mailed
        heard, what = fate
        if what == "returned":
            return complaint_return(
                complaint, user=member, defects=DEFECTS, resubmit_by=at + timedelta(hours=12)
            )
        # The member's summary for the register: the topics name nobody.
        complaint_register(complaint, user=member, at=at, public_subject=subject,
                           public_claim=claim)  # fmt: skip
        if heard:
            complaint_schedule_hearing(
                complaint, user=member, at=at + timedelta(hours=rng.randint(1, 3)),
                place=_hearing_place(level, station),
            )  # fmt: skip
        if what == "suspended":
            case = _case_number(Court.ADMINISTRATIVE, station, Counter(), rng)
            return complaint_suspend(
                complaint, user=member, court_case=case, at=at + timedelta(hours=4)
            )
        decided = at + timedelta(hours=rng.randint(4, 8) if heard else rng.randint(1, 3))
        return complaint_decide(
            complaint, user=member, outcome=what, decision=DAY_DECISIONS[what], at=decided
        )

    return Plan(at, enter)


def _hearing_place(level: str, station: Station) -> str:
    if level == Level.PRECINCT:
        return f"Precinct election commission No. {station.number}, {station.address}"
    district = station.district
    return district.commission_name or f"Territorial election commission, {district.name_en}"


def _precinct_member(station: Station):
    """A member of the station's commission: one assigned already, or a simulated one."""
    assignment = (
        Assignment.objects.filter(role=Assignment.Role.PRECINCT, station=station)
        .order_by("pk")
        .first()
    )
    if assignment:
        return assignment.user
    member = _user(f"sim-pec-{station.region.code}-{station.number}".lower())
    staff_assign(user=member, role=Assignment.Role.PRECINCT, station=station)
    return member


def _territorial_member(station: Station):
    """A member of the territorial commission for the station's district (or its region)."""
    district = station.district
    assignment = (
        Assignment.objects.filter(role=Assignment.Role.TERRITORIAL)
        .filter(Q(district=district) | Q(region=district.region, district__isnull=True))
        .order_by("pk")
        .first()
    )
    if assignment:
        return assignment.user
    member = _user(f"sim-tec-{district.region.code}-{district.code}".lower()[:150])
    staff_assign(user=member, role=Assignment.Role.TERRITORIAL, district=district)
    return member
