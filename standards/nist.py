"""The election in NIST SP 1500-100 v2, the Election Results Common Data Format (its JSON form).

What goes where (the schema is `standards/schemas/NIST_V2_election_results_reporting.json`):
- ``GpUnit``: a ReportingUnit for the country, each region, each district and each station,
  the tree in ``ComposingGpUnitIds`` (country → regions → districts → stations). NIST's unit
  types are American (state, county, precinct): a station is a ``precinct`` (an electoral
  precinct, uchastok); a region and a district are ``other`` with ``OtherType`` naming them, as
  NIST prescribes for a type its list lacks. A contest not voted on the whole country (a
  single-member district, a maslikhat) has its own unit too, ``IsDistricted``, composed of its
  stations: its ``ElectionDistrictId``.
- A party list is a ``PartyContest`` (the voter chooses a party, NIST's "contest that involves
  choosing a party") with a ``PartySelection`` per list; NIST gives a PartyContest no
  ``NumberElected``, so each list's provisional seats are a ``VoteCounts`` of ``Type`` ``seats``
  at the contest's unit. A single-member district is a ``CandidateContest`` with
  ``NumberElected`` 1 and ``VotesAllowed`` 1 and a ``CandidateSelection`` per candidate.
- "Against all" is a selection of its own in every contest: a ``CandidateSelection`` of a
  Candidate whose ``BallotName`` is "Against all" (no person, no party), so that a tool
  listing selections by name shows it as the ballot does.
- ``VoteCounts`` of ``Type`` ``total`` on each selection: one per station (its standing
  published record) and one per area (the contest's whole territory, each region, each
  district: the tallies, which sum those records).
- Ballots' statistics: the format counts ballots per election, not per contest, while each
  contest here has its own ballot paper. ``Election.BallotCounts`` holds, per contest and unit,
  ``BallotsCast`` (L5, ballots found in the boxes) and ``BallotsRejected`` (L6, invalid), with
  ``Type`` ``other`` and ``OtherType`` the contest's id. A ReportingUnit's ``VotersRegistered``
  (L1) and ``VotersParticipated`` (L3, voters who received ballots) are those of the contest
  every voter receives (the first nationwide one). The lines NIST has no place for (L2, L3a,
  L3b, L4) are in the Data Package.

Built from the published records and tallies only, and written one contest at a time so that
the answer streams.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count
from django.utils import timezone, translation

from common.translated import CANONICAL, LANGUAGES
from elections.models import BallotLine, Contest, ContestStation, ContestTally, Election
from elections.public.results import current_records
from elections.selectors import contest_result
from standards.datapackage import publications_up_to
from stations.models import District, Region, Station

T = "ElectionResults."
COUNTRY = "ru-country"
# Who issues the results: the commission whose published records these are.
ISSUER, ISSUER_ABBREVIATION = "Central Election Commission", "CEC"


def region_id(code: str) -> str:
    return f"ru-region-{code}"


def district_id(pk: int) -> str:
    return f"ru-district-{pk}"


def station_id(region: str, number: int) -> str:
    return f"ru-station-{region}-{number}"


def contest_id(contest: Contest) -> str:
    return f"contest-{contest.code}"


def contest_unit_id(contest: Contest) -> str:
    """The contest's ElectionDistrictId: the country for a nationwide contest."""
    if contest.region_id is None and contest.district_id is None:
        return COUNTRY
    return f"ru-contest-{contest.code}"


def selection_id(contest: Contest, position: int) -> str:
    return f"selection-{contest.code}-{position}"


def _text(values: dict[str, str]) -> dict:
    """An InternationalizedText from {language: text} (the canonical language first)."""
    return {
        "@type": T + "InternationalizedText",
        "Text": [
            {"@type": T + "LanguageString", "Content": text, "Language": language}
            for language, text in values.items()
            if text
        ],
    }


def _names(obj, field: str = "name") -> dict:
    return _text({language: getattr(obj, f"{field}_{language}", "") for language in LANGUAGES})


def _translations(message: str) -> dict:
    out = {}
    for language in LANGUAGES:
        with translation.override(language):
            out[language] = str(translation.gettext(message))
    return _text(out)


@dataclass
class _Areas:
    """The units of the tree that the election's stations span."""

    regions: list[Region]
    districts: list[District]
    stations: list[Station]


def _areas(election: Election) -> _Areas:
    covered = ContestStation.objects.filter(election=election).values("station_id")
    stations = list(
        Station.objects.filter(pk__in=covered)
        .select_related("region", "district")
        .order_by("region__code", "number")
    )
    region_ids = {s.region_id for s in stations}
    district_ids = {s.district_id for s in stations}
    return _Areas(
        regions=list(Region.objects.filter(pk__in=region_ids).order_by("position", "code")),
        districts=list(District.objects.filter(pk__in=district_ids).order_by("region", "pk")),
        stations=stations,
    )


def _unit(uid: str, kind: str, name: dict | None, composing: list[str], **extra) -> dict:
    unit = {"@id": uid, "@type": T + "ReportingUnit", "Type": kind}
    if kind not in ("country", "precinct"):
        unit["Type"], unit["OtherType"] = "other", kind
    if name:
        unit["Name"] = name
    if composing:
        unit["ComposingGpUnitIds"] = composing
    return unit | extra


def main_contest(election: Election) -> Contest | None:
    """The contest every voter receives: the first nationwide one (the Mazhilis party list)."""
    return (
        election.contests.filter(region__isnull=True, district__isnull=True)
        .order_by("body", "kind", "number")
        .first()
    )


def _voters(election: Election) -> dict[str, dict]:
    """VotersRegistered (L1) and VotersParticipated (L3) of each unit, from the main contest."""
    contest = main_contest(election)
    if contest is None:
        return {}
    found = {}
    for tally in ContestTally.objects.filter(contest=contest).select_related("region"):
        if tally.level == ContestTally.Level.REGION:
            uid = region_id(tally.region.code)
        elif tally.level == ContestTally.Level.DISTRICT:
            uid = district_id(tally.district_id)
        else:
            uid = COUNTRY
        found[uid] = {"VotersRegistered": tally.l1_voters or 0,
                      "VotersParticipated": tally.l3_issued or 0}  # fmt: skip
    records = current_records(contest=contest).values_list("record", flat=True)
    for record in records.iterator(chunk_size=2000):
        found[station_id(record["region"], record["station"])] = {
            "VotersRegistered": record["lines"]["l1_voters"],
            "VotersParticipated": record["lines"]["l3_issued"],
        }
    return found


def gp_units(election: Election) -> Iterator[dict]:
    areas = _areas(election)
    voters = _voters(election)
    by_region: dict[int, list[str]] = {}
    for district in areas.districts:
        by_region.setdefault(district.region_id, []).append(district_id(district.pk))
    by_district: dict[int, list[str]] = {}
    for station in areas.stations:
        uid = station_id(station.region.code, station.number)
        by_district.setdefault(station.district_id, []).append(uid)
    yield _unit(
        COUNTRY,
        "country",
        None,
        [region_id(r.code) for r in areas.regions],
        **voters.get(COUNTRY, {}),
    )
    for region in areas.regions:
        uid = region_id(region.code)
        yield _unit(uid, "region", _names(region), by_region.get(region.pk, []),
                    **voters.get(uid, {}))  # fmt: skip
    for district in areas.districts:
        uid = district_id(district.pk)
        yield _unit(uid, "district", _names(district), by_district.get(district.pk, []),
                    **voters.get(uid, {}))  # fmt: skip
    for station in areas.stations:
        uid = station_id(station.region.code, station.number)
        yield _unit(uid, "precinct", _text({CANONICAL: station.name}), [],
                    Number=str(station.number), **voters.get(uid, {}))  # fmt: skip
    coverage = (
        ContestStation.objects.filter(election=election)
        .exclude(contest__region__isnull=True, contest__district__isnull=True)
        .order_by("contest__code", "station__region__code", "station__number")
        .values_list("contest_id", "station__region__code", "station__number")
    )
    composing: dict[int, list[str]] = {}
    for contest_pk, region, number in coverage.iterator(chunk_size=5000):
        composing.setdefault(contest_pk, []).append(station_id(region, number))
    for contest in _contests(election):
        if contest_unit_id(contest) != COUNTRY:
            yield _unit(contest_unit_id(contest), "electoral district", _names(contest),
                        composing.get(contest.pk, []), IsDistricted=True)  # fmt: skip


def _contests(election: Election):
    return election.contests.select_related("election", "region", "district").order_by("code")


def parties(election: Election) -> list[dict]:
    return [
        {"@id": f"party-{party.pk}", "@type": T + "Party", "Name": _names(party),
         "Abbreviation": _text({CANONICAL: party.short_name}),
         "Color": party.colour.lstrip("#").lower(), "PartyScopeGpUnitIds": [COUNTRY]}
        for party in election.parties.order_by("registration_order", "pk")
    ]  # fmt: skip


def against_all_id(contest: Contest) -> str:
    return f"candidate-against-all-{contest.code}"


def _ballots(election: Election) -> dict[int, list[BallotLine]]:
    """Every contest's ballot lines, in one query (an election has thousands of contests)."""
    lines = BallotLine.objects.filter(contest__election=election).select_related(
        "contest", "candidate"
    )
    ballots: dict[int, list[BallotLine]] = {}
    for line in lines.order_by("contest_id", "position"):
        ballots.setdefault(line.contest_id, []).append(line)
    return ballots


def candidates(ballots: dict[int, list[BallotLine]]) -> list[dict]:
    found, against_all = [], []
    for lines in ballots.values():
        for line in lines:
            if line.candidate_id:
                item = {"@id": f"candidate-{line.candidate_id}", "@type": T + "Candidate",
                        "BallotName": _text({CANONICAL: line.candidate.full_name})}  # fmt: skip
                if line.candidate.party_id:
                    item["PartyId"] = f"party-{line.candidate.party_id}"
                found.append(item)
            elif line.is_against_all:
                against_all.append({"@id": against_all_id(line.contest), "@type": T + "Candidate",
                                    "BallotName": _translations("Against all")})  # fmt: skip
    return found + against_all


def _tally_unit(tally: ContestTally, contest: Contest) -> str:
    if tally.level == ContestTally.Level.REGION:
        return region_id(tally.region.code)
    if tally.level == ContestTally.Level.DISTRICT:
        return district_id(tally.district_id)
    return contest_unit_id(contest)


def _counts(uid: str, count: int, kind: str = "total") -> dict:
    return {"@type": T + "VoteCounts", "GpUnitId": uid, "Type": kind, "Count": count}


@dataclass
class _Figures:
    """What the contests' counts are made of, read once for the whole election: each contest's
    standing records (one pass over them, in contest order), tallies and stations."""

    election: Election
    tallies: dict[int, list[ContestTally]]
    expected: dict[int, int]

    @classmethod
    def of(cls, election: Election) -> "_Figures":
        tallies: dict[int, list[ContestTally]] = {}
        rows = ContestTally.objects.filter(contest__election=election).select_related("region")
        for tally in rows.order_by("contest_id", "level", "area"):
            tallies.setdefault(tally.contest_id, []).append(tally)
        covered = (
            ContestStation.objects.filter(election=election)
            .values("contest_id")
            .annotate(n=Count("pk"))
            .values_list("contest_id", "n")
        )
        return cls(election=election, tallies=tallies, expected=dict(covered))

    def records(self) -> Iterator[tuple[str, list[tuple[str, dict]]]]:
        """(contest code, [(station unit id, record), …]) for each contest with records."""
        records = (
            current_records(contest__election=self.election)
            .order_by("record__contest", "record__region", "record__station")
            .values_list("record", flat=True)
            .iterator(chunk_size=2000)
        )
        for code, group in groupby(records, key=lambda record: record["contest"]):
            yield code, [(station_id(r["region"], r["station"]), r) for r in group]


def _by_contest(contests: list[Contest], figures: _Figures) -> Iterator[tuple[Contest, list]]:
    """Each contest with its records, from one ordered pass over them: the contests with
    records in the order the records come, then those with none yet."""
    by_code = {contest.code: contest for contest in contests}
    seen = set()
    for code, stations in figures.records():
        if code in by_code:
            seen.add(code)
            yield by_code[code], stations
    for contest in contests:
        if contest.code not in seen:
            yield contest, []


def _seats(contest: Contest, lines: list[BallotLine], tallies: list[ContestTally]) -> dict:
    """Each party list's provisional seats, by ballot position; none before a count."""
    if contest.kind != Contest.Kind.PARTY_LIST or not any(
        t.level == ContestTally.Level.NATION for t in tallies
    ):
        return {}
    result = contest_result(contest)
    if not (result and result.seats):
        return {}
    lists = [line for line in lines if line.party_id]
    return {line.position: row.seats for line, row in zip(lists, result.seats, strict=True)}


def contest_document(
    contest: Contest, lines: list[BallotLine], stations: list, figures: _Figures
) -> dict:
    """One contest with its selections and every station's and area's counts."""
    tallies = figures.tallies.get(contest.pk, [])
    pk_position = {str(line.pk): line.position for line in lines}
    seats = _seats(contest, lines, tallies)
    votes_at = {uid: {v["position"]: v["votes"] for v in record["votes"]}
                for uid, record in stations}  # fmt: skip
    area_votes = [
        (_tally_unit(t, contest),
         {pk_position[k]: n for k, n in t.votes.items() if k in pk_position})
        for t in tallies
    ]  # fmt: skip
    selections = []
    for line in lines:
        counts = [_counts(uid, votes.get(line.position, 0)) for uid, votes in votes_at.items()]
        counts += [_counts(uid, votes.get(line.position, 0)) for uid, votes in area_votes]
        if line.position in seats:
            counts.append(_counts(contest_unit_id(contest), seats[line.position], "seats"))
        selection = {"@id": selection_id(contest, line.position), "SequenceOrder": line.position,
                     "VoteCounts": counts}  # fmt: skip
        if line.party_id:
            selection |= {"@type": T + "PartySelection", "PartyIds": [f"party-{line.party_id}"]}
        else:
            candidate = against_all_id(contest) if line.is_against_all else (
                f"candidate-{line.candidate_id}")  # fmt: skip
            selection |= {"@type": T + "CandidateSelection", "CandidateIds": [candidate]}
        selections.append(selection)
    nation = next((t for t in tallies if t.level == ContestTally.Level.NATION), None)
    document = {
        "@id": contest_id(contest),
        "Name": contest.name_en,
        "Abbreviation": contest.code,
        "BallotTitle": _names(contest),
        "ElectionDistrictId": contest_unit_id(contest),
        "ContestSelection": selections,
        "TotalSubUnits": figures.expected.get(contest.pk, 0),
        "SubUnitsReported": nation.stations_accepted if nation else 0,
    }
    if contest.kind == Contest.Kind.PARTY_LIST:
        return {"@type": T + "PartyContest", **document}
    return {"@type": T + "CandidateContest", **document, "NumberElected": contest.seats,
            "VotesAllowed": 1}  # fmt: skip


def ballot_counts(contest: Contest, stations: list, figures: _Figures) -> Iterator[dict]:
    """Ballots found in the boxes (L5) and invalid (L6), per station and area, for a contest."""
    found = [(uid, record["lines"]) for uid, record in stations]
    found += [(_tally_unit(t, contest), t.numbers()) for t in figures.tallies.get(contest.pk, [])]
    for uid, numbers in found:
        yield {"@type": T + "BallotCounts", "GpUnitId": uid, "Type": "other",
               "OtherType": contest_id(contest), "BallotsCast": numbers["l5_found"] or 0,
               "BallotsRejected": numbers["l6_invalid"] or 0}  # fmt: skip


def _status(election: Election, contests: list[Contest], figures: _Figures) -> str:
    if election.status == Election.Status.CERTIFIED:
        return "certified"
    nations = {
        contest_pk: next((t for t in tallies if t.level == ContestTally.Level.NATION), None)
        for contest_pk, tallies in figures.tallies.items()
    }
    complete = all(
        (nation := nations.get(c.pk)) is not None
        and nation.stations_accepted >= figures.expected.get(c.pk, 0)
        for c in contests
    )
    return "unofficial-complete" if contests and complete else "unofficial-partial"


def _array(items: Iterable[dict]) -> Iterator[str]:
    yield "["
    for n, item in enumerate(items):
        yield ("," if n else "") + json.dumps(item, ensure_ascii=False)
    yield "]"


def report_chunks(election: Election) -> Iterator[str]:
    """The ElectionReport as JSON text, a unit or a contest at a time."""
    contests = list(_contests(election))
    figures = _Figures.of(election)
    ballots = _ballots(election)
    header = {
        "@type": T + "ElectionReport",
        "Format": "precinct-level",
        "GeneratedDate": timezone.now().replace(microsecond=0).isoformat(),
        "Issuer": ISSUER,
        "IssuerAbbreviation": ISSUER_ABBREVIATION,
        "VendorApplicationId": "Saylau",
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Status": _status(election, contests, figures),
        "Notes": f"Published records up to number {publications_up_to()} of the publication chain.",
        "Party": parties(election),
    }
    yield json.dumps(header, ensure_ascii=False)[:-1]
    yield ',"GpUnit":'
    yield from _array(gp_units(election))
    start = {
        "@type": T + "Election",
        "Name": _names(election),
        "Type": "general",
        "StartDate": election.date.isoformat(),
        "EndDate": election.date.isoformat(),
        "ElectionScopeId": COUNTRY,
        "Candidate": candidates(ballots),
    }
    yield ',"Election":[' + json.dumps(start, ensure_ascii=False)[:-1]
    yield ',"Contest":'
    yield from _array(
        contest_document(contest, ballots.get(contest.pk, []), stations, figures)
        for contest, stations in _by_contest(contests, figures)
    )
    yield ',"BallotCounts":'
    yield from _array(
        item
        for contest, stations in _by_contest(contests, figures)
        for item in ballot_counts(contest, stations, figures)
    )
    yield "}]}"
