"""The reference election on the reference stations: contests, parties, candidates, ballots.

First a plan is drawn in memory from the dataset and a fixed seed (so it is the same on every
run); then the database is brought to the plan, writing only what differs, through the same
services that staff use: coverage, party lists (with their quota checks) and ballot lines. A
second run finds nothing to change.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction

from common.sync import bulk_upsert
from common.translated import in_every_language, names_of
from elections.models import (
    BallotLine,
    Candidate,
    Contest,
    ContestStation,
    Election,
    Party,
    PartyListEntry,
)
from elections.services.structure import (
    QUOTA_PERCENT,
    ballot_lines_set,
    contest_cover_stations,
    party_list_set,
)
from stations import synthetic
from stations.importing import ProgressCallback
from stations.models import District, Region, Station
from stations.reference import load_dataset, upsert
from stations.zones import ASTANA

PARTY_COLOURS = ["#1f5aa6", "#2e8b57", "#d4a017", "#00a3e0", "#c8102e", "#e35205", "#4caf50"]
ELECTION_NAMES = {
    "kz2023": {
        "en": "Elections of deputies of the Mazhilis and maslikhats, 19 March 2023",
        "kk": "Мәжіліс пен мәслихаттар депутаттарының сайлауы, 2023 жылғы 19 наурыз",
        "ru": "Выборы депутатов Мажилиса и маслихатов, 19 марта 2023 года",
    },
}
# The parties' registered names in Kazakh and Russian (the dataset gives them in English).
PARTY_NAMES = {
    "AMANAT": ("AMANAT", "AMANAT"),
    "AUYL": ("«Ауыл» халықтық-демократиялық патриоттық партиясы",
             "Народно-демократическая патриотическая партия «Ауыл»"),
    "RESPUBLICA": ("Respublica", "Respublica"),
    "AQ ZHOL": ("«Ақ жол» демократиялық партиясы", "Демократическая партия «Ак жол»"),
    "QHP": ("Қазақстан Халық партиясы", "Народная партия Казахстана"),
    "JSDP": ("Жалпыұлттық социал-демократиялық партия",
             "Общенациональная социал-демократическая партия"),
    "BAYTAQ": ("«Байтақ» жасылдар партиясы", "Партия зелёных «Байтақ»"),
}  # fmt: skip
Names = dict[str, str]  # a name in each language: {"en": …, "kk": …, "ru": …}
SELF_NOMINATED_SHARE = 0.4
MIN_SMD_CANDIDATES, MAX_SMD_CANDIDATES = 2, 8


@dataclass
class PlannedCandidate:
    registration_number: str
    full_name: str
    sex: str
    date_of_birth: date
    has_disability: bool
    party: str | None  # short name, None when self-nominated
    contest: str | None  # code of the single-member contest


@dataclass
class PlannedContest:
    code: str
    body: str
    kind: str
    name: Names
    region: Region | None
    district: District | None
    number: int = 1
    seats: int = 1
    threshold_percent: int = 0
    station_ids: list[int] = field(default_factory=list)
    # Party lists: short name → registration numbers in list order.
    lists: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ElectionReport:
    contests_created: int = 0
    contests_updated: int = 0
    candidates_created: int = 0
    candidates_updated: int = 0
    coverage_added: int = 0
    lists_set: int = 0
    ballots_set: int = 0

    def __str__(self) -> str:
        return (
            f"contests {self.contests_created} created, {self.contests_updated} updated; "
            f"candidates {self.candidates_created} created, {self.candidates_updated} updated; "
            f"{self.coverage_added:,} station-contest links added; "
            f"{self.lists_set} party lists and {self.ballots_set} ballots (re)written."
        )


# docs/rules.md: observers' and journalists' applications close six days before election day, 18:00
# Astana time (13 March 2023).
ACCREDITATION_CLOSES_BEFORE = timedelta(days=6)


def reference_election_load(
    *, name: str, progress: ProgressCallback | None = None
) -> tuple[Election, ElectionReport]:
    """Build the dataset's election on the already loaded reference stations."""
    data = load_dataset(name)
    say = progress or (lambda message: None)
    with transaction.atomic():
        day = date.fromisoformat(data["election"]["date"])
        election = upsert(
            Election,
            {"code": name},
            **in_every_language("name", ELECTION_NAMES.get(name, {"en": name})),
            date=day,
            accreditation_closes=datetime.combine(
                day - ACCREDITATION_CLOSES_BEFORE, time(18), tzinfo=ASTANA
            ),
        )
        parties = _sync_parties(election, data)
        contests, candidates = _plan(data, election, random.Random(f"{name}/election"))
        report = ElectionReport()
        saved = _sync_contests(election, contests, report)
        say(f"contests in place: {len(saved):,}")
        people = _sync_candidates(election, candidates, parties, saved, report)
        say(f"candidates in place: {len(people):,}")
        _sync_coverage(election, contests, saved, report)
        say("stations covered")
        _sync_lists_and_ballots(election, contests, saved, parties, people, report)
        say("party lists and ballots in place")
    return election, report


# --- the plan --------------------------------------------------------------------------------


def _plan(
    data: dict[str, Any], election: Election, rng: random.Random
) -> tuple[list[PlannedContest], list[PlannedCandidate]]:
    stations = list(
        Station.objects.active()
        .order_by("region__position", "number")
        .values_list("pk", "region_id", "district_id", "registered_voters")
    )
    by_region, by_district = defaultdict(list), defaultdict(list)
    for station in stations:
        by_region[station[1]].append(station)
        by_district[station[2]].append(station)
    regions = {r.code: r for r in Region.objects.all()}
    party_names = [p["short"] for p in data["parties"]]
    people = CandidateDrawer(rng, election.date, party_names)

    mazhilis = PlannedContest(
        code="mazhilis-list",
        body=Contest.Body.MAZHILIS,
        kind=Contest.Kind.PARTY_LIST,
        name={
            "en": "Mazhilis — party lists",
            "kk": "Мәжіліс — партиялық тізімдер",
            "ru": "Мажилис — партийные списки",
        },  # fmt: skip
        region=None,
        district=None,
        seats=data["contests"]["mazhilis_party_list"]["seats"],
        threshold_percent=data["contests"]["mazhilis_party_list"]["threshold_percent"],
        station_ids=[s[0] for s in stations],
    )
    mazhilis.lists = {
        short: people.party_list(f"ml/{short}", short, size)
        for short, size in zip(party_names, _mazhilis_list_sizes(mazhilis.seats, rng), strict=True)
    }
    contests = [mazhilis]
    contests += _mazhilis_districts(data, regions, by_district, people)
    for item in data["regions"]:
        region = regions[item["code"]]
        contests += _regional_maslikhat(
            item, region, by_region[region.pk], people, party_names, rng
        )
        if region.kind == Region.Kind.OBLAST:
            contests += _local_maslikhats(item, region, by_district, people)
    return contests, people.drawn


def _mazhilis_list_sizes(seats: int, rng: random.Random) -> list[int]:
    longest = -(-seats * 13 // 10)
    return [longest] + [rng.randint(seats // 3, longest) for _ in range(6)]


def _mazhilis_districts(
    data: dict[str, Any],
    regions: dict[str, Region],
    by_district: dict[int, list[tuple]],
    people: "CandidateDrawer",
) -> list[PlannedContest]:
    """29 districts, numbered as in 2023: the three cities first (1–2, 3–5, 6–7), then oblasts."""
    items = sorted(data["regions"], key=lambda item: item["kind"] != "city")
    contests, number = [], 0
    for item in items:
        region = regions[item["code"]]
        districts = list(region.districts.order_by("code"))
        weights = [sum(s[3] for s in by_district[d.pk]) for d in districts]
        for group in synthetic.contiguous_groups(
            districts, weights, item["mazhilis_single_member_districts"]
        ):
            number += 1
            code = f"mazhilis-smd-{number:02d}"
            contests.append(
                PlannedContest(
                    code=code,
                    body=Contest.Body.MAZHILIS,
                    kind=Contest.Kind.SINGLE_MEMBER,
                    name={
                        "en": f"Mazhilis single-member district No. {number} ({region.name_en})",
                        "kk": f"Мәжілістің № {number} бір мандатты округі ({region.name_kk})",
                        "ru": f"Одномандатный округ № {number} по выборам в Мажилис "
                        f"({region.name_ru})",
                    },
                    region=region,
                    district=None,
                    number=number,
                    station_ids=[s[0] for d in group for s in by_district[d.pk]],
                )
            )
            people.single_member(code)
    return contests


def _regional_maslikhat(
    item: dict[str, Any],
    region: Region,
    stations: list[tuple],
    people: "CandidateDrawer",
    party_names: list[str],
    rng: random.Random,
) -> list[PlannedContest]:
    seats = item["regional_maslikhat_seats"]
    prefix = region.code.lower()
    # AMANAT runs everywhere; each other party in a region with probability 3/4.
    running = [party_names[0]] + [p for p in party_names[1:] if rng.random() < 0.75]
    longest = -(-seats["party_list"] * 13 // 10)
    party_list = PlannedContest(
        code=f"{prefix}-list",
        body=Contest.Body.REGIONAL_MASLIKHAT,
        kind=Contest.Kind.PARTY_LIST,
        name={
            "en": f"{region.name_en} maslikhat — party lists",
            "kk": f"{region.name_kk} мәслихаты — партиялық тізімдер",
            "ru": f"Маслихат: {region.name_ru} — партийные списки",
        },  # fmt: skip
        region=region,
        district=None,
        seats=seats["party_list"],
        threshold_percent=5,
        station_ids=[s[0] for s in stations],
    )
    party_list.lists = {
        short: people.party_list(
            f"{prefix}/{short}", short, rng.randint(max(3, seats["party_list"] // 2), longest)
        )
        for short in running
    }
    return [party_list] + _single_member_districts(
        stations, seats["single_member"], people,
        body=Contest.Body.REGIONAL_MASLIKHAT, code=prefix, name=_maslikhat(names_of(region)),
        region=region, district=None,
    )  # fmt: skip


def _single_member_districts(
    stations: list[tuple], count: int, people: "CandidateDrawer", *, body: str, code: str,
    name: Names, region: Region, district: District | None,
) -> list[PlannedContest]:  # fmt: skip
    """Cut a body's stations, in order, into ``count`` districts of about equal register."""
    contests = []
    groups = synthetic.contiguous_groups(stations, [s[3] for s in stations], count)
    for number, group in enumerate(groups, start=1):
        contests.append(
            PlannedContest(
                code=f"{code}-smd-{number:02d}",
                body=body,
                kind=Contest.Kind.SINGLE_MEMBER,
                name={
                    "en": f"{name['en']} district No. {number}",
                    "kk": f"{name['kk']}, № {number} округ",
                    "ru": f"{name['ru']}, округ № {number}",
                },  # fmt: skip
                region=region,
                district=district,
                number=number,
                station_ids=[s[0] for s in group],
            )
        )
        people.single_member(contests[-1].code)
    return contests


def _local_maslikhats(
    item: dict[str, Any],
    region: Region,
    by_district: dict[int, list[tuple]],
    people: "CandidateDrawer",
) -> list[PlannedContest]:
    districts = list(region.districts.order_by("code"))
    seats = synthetic.split_total(
        item["local_maslikhat_single_member_seats_estimate"],
        [len(by_district[d.pk]) for d in districts],
    )
    contests = []
    for district, count in zip(districts, seats, strict=True):
        contests += _single_member_districts(
            by_district[district.pk], count, people,
            body=Contest.Body.LOCAL_MASLIKHAT, code=district.code,
            name=_maslikhat(names_of(district)), region=region, district=district,
        )  # fmt: skip
    return contests


def _maslikhat(of: Names) -> Names:
    """The name of a region's or district's maslikhat, in every language."""
    return {
        "en": f"{of['en']} maslikhat",
        "kk": f"{of['kk']} мәслихаты",
        "ru": f"Маслихат: {of['ru']}",
    }


class CandidateDrawer:
    """Draws synthetic candidates; party lists always meet the 30 % quota."""

    def __init__(self, rng: random.Random, election_day: date, parties: list[str]) -> None:
        self.rng = rng
        self.election_day = election_day
        self.parties = parties
        self.drawn: list[PlannedCandidate] = []

    def _person(self, number: str, party: str | None, contest: str | None) -> PlannedCandidate:
        rng = self.rng
        female = rng.random() < 0.3
        born = self.election_day - timedelta(days=rng.randint(25 * 365, 68 * 365))
        candidate = PlannedCandidate(
            registration_number=number,
            full_name=synthetic.person_name(rng, female=female),
            sex=Candidate.Sex.FEMALE if female else Candidate.Sex.MALE,
            date_of_birth=born,
            has_disability=rng.random() < 0.02,
            party=party,
            contest=contest,
        )
        self.drawn.append(candidate)
        return candidate

    def party_list(self, prefix: str, party: str, size: int) -> list[str]:
        people = [self._person(f"{prefix}/{n}", party, None) for n in range(1, size + 1)]
        needed = -(-size * QUOTA_PERCENT // 100)
        counted = [p for p in people if self._counts(p)]
        # A party that would fall short adds women to its list, as parties do before filing.
        for person in [p for p in people if not self._counts(p)][: max(0, needed - len(counted))]:
            person.sex = Candidate.Sex.FEMALE
            person.full_name = synthetic.person_name(self.rng, female=True)
        return [p.registration_number for p in people]

    def single_member(self, contest: str) -> None:
        for n in range(1, self.rng.randint(MIN_SMD_CANDIDATES, MAX_SMD_CANDIDATES) + 1):
            self_nominated = self.rng.random() < SELF_NOMINATED_SHARE
            party = None if self_nominated else self.rng.choice(self.parties[:1] * 3 + self.parties)
            self._person(f"{contest}/{n}", party, contest)

    def _counts(self, person: PlannedCandidate) -> bool:
        as_candidate = Candidate(
            sex=person.sex, date_of_birth=person.date_of_birth, has_disability=person.has_disability
        )
        return as_candidate.counts_for_quota(self.election_day)


# --- bringing the database to the plan -------------------------------------------------------


def _party_names(item: dict[str, Any]) -> Names:
    kk, ru = PARTY_NAMES.get(item["short"], ("", ""))
    return {"en": item["name"], "kk": kk, "ru": ru}


def _sync_parties(election: Election, data: dict[str, Any]) -> dict[str, Party]:
    return {
        item["short"]: upsert(
            Party,
            {"election": election, "short_name": item["short"]},
            **in_every_language("name", _party_names(item)),
            colour=PARTY_COLOURS[order % len(PARTY_COLOURS)],
            registration_order=order + 1,
        )
        for order, item in enumerate(data["parties"])
    }


def _sync_contests(
    election: Election, plan: list[PlannedContest], report: ElectionReport
) -> dict[str, Contest]:
    wanted = {
        item.code: {
            "body": item.body,
            "kind": item.kind,
            **in_every_language("name", item.name),
            "region_id": item.region.pk if item.region else None,
            "district_id": item.district.pk if item.district else None,
            "number": item.number,
            "seats": item.seats,
            "threshold_percent": item.threshold_percent,
        }
        for item in plan
    }
    contests, counts = bulk_upsert(
        Contest,
        existing={c.code: c for c in election.contests.all()},
        wanted=wanted,
        new=lambda code, values: Contest(election=election, code=code, **values),
    )
    report.contests_created, report.contests_updated = counts.created, counts.updated
    return contests


def _sync_candidates(
    election: Election,
    plan: list[PlannedCandidate],
    parties: dict[str, Party],
    contests: dict[str, Contest],
    report: ElectionReport,
) -> dict[str, Candidate]:
    wanted = {
        item.registration_number: {
            "full_name": item.full_name,
            "sex": item.sex,
            "date_of_birth": item.date_of_birth,
            "has_disability": item.has_disability,
            "party_id": parties[item.party].pk if item.party else None,
            "contest_id": contests[item.contest].pk if item.contest else None,
        }
        for item in plan
    }
    candidates, counts = bulk_upsert(
        Candidate,
        existing={c.registration_number: c for c in election.candidates.all()},
        wanted=wanted,
        new=lambda number, values: Candidate(
            election=election, registration_number=number, **values
        ),
        batch_size=2000,
    )
    report.candidates_created, report.candidates_updated = counts.created, counts.updated
    return candidates


def _sync_coverage(
    election: Election,
    plan: list[PlannedContest],
    contests: dict[str, Contest],
    report: ElectionReport,
) -> None:
    covered = defaultdict(set)
    for contest_id, station_id in ContestStation.objects.filter(election=election).values_list(
        "contest_id", "station_id"
    ):
        covered[contest_id].add(station_id)
    planned = {contests[item.code].pk: set(item.station_ids) for item in plan}
    # Stations that moved between contests leave their old contest first.
    stale = [(cid, sid) for cid, ids in covered.items() for sid in ids - planned.get(cid, set())]
    for contest_id, station_id in stale:
        ContestStation.objects.filter(contest_id=contest_id, station_id=station_id).delete()
    for item in plan:
        contest = contests[item.code]
        missing = set(item.station_ids) - covered[contest.pk]
        if missing:
            stations = [Station(pk=pk) for pk in sorted(missing)]
            report.coverage_added += contest_cover_stations(contest=contest, stations=stations)


def _sync_lists_and_ballots(
    election: Election,
    plan: list[PlannedContest],
    contests: dict[str, Contest],
    parties: dict[str, Party],
    people: dict[str, Candidate],
    report: ElectionReport,
) -> None:
    lists = defaultdict(list)
    for contest_id, party_id, number in (
        PartyListEntry.objects.filter(party_list__contest__election=election)
        .order_by("position")
        .values_list(
            "party_list__contest_id", "party_list__party_id", "candidate__registration_number"
        )
    ):
        lists[(contest_id, party_id)].append(number)
    ballots = defaultdict(list)
    for line in BallotLine.objects.filter(contest__election=election).order_by("position"):
        ballots[line.contest_id].append(
            "against" if line.is_against_all else (line.party_id, line.candidate_id)
        )
    candidates_of = defaultdict(list)
    for candidate in people.values():
        if candidate.contest_id:
            candidates_of[candidate.contest_id].append(candidate)
    for item in plan:
        contest = contests[item.code]
        contest.election = election  # spare a query per contest in the services' checks
        for short, numbers in item.lists.items():
            if lists[(contest.pk, parties[short].pk)] != numbers:
                party_list_set(
                    contest=contest,
                    party=parties[short],
                    candidates=[people[n] for n in numbers],
                )
                report.lists_set += 1
        if item.kind == Contest.Kind.PARTY_LIST:
            choices = sorted((parties[s] for s in item.lists), key=lambda p: p.registration_order)
            wanted = [(p.pk, None) for p in choices] + ["against"]
        else:
            choices = sorted(candidates_of[contest.pk], key=lambda c: (c.full_name, c.pk))
            wanted = [(None, c.pk) for c in choices] + ["against"]
        if ballots[contest.pk] != wanted:
            ballot_lines_set(contest=contest, choices=choices)
            report.ballots_set += 1
