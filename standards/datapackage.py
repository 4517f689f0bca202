"""The election as a Frictionless Data Package: ``datapackage.json`` and the CSV files it names.

A Data Package (the v1 specification, the one the ``frictionless`` validator and data portals
such as CKAN read) is a descriptor that lists tables and, for each, a Table Schema: the columns
with their types and constraints, the primary key and the foreign keys to the other tables. A
tool can then check every file without reading README: a negative count, a missing value or a
record naming a station that is not in the stations table is an error it reports.

Built from what the public reads only: the structure, the standing published records (the
latest published version for each station and contest, ``current_records``), the tallies (which
count those records only), the public register of complaints and integrity's public
discrepancies. Each table is written row by row, so the files stream.

The votes are a long table, one row per station, contest and ballot line, beside the records
rather than in them: each contest has its own ballot, so one wide table would need a column
per ballot line of every contest (mostly empty), or columns named ``line_1`` … whose meaning
changes from row to row. A long table has one meaning per column, a foreign key to the ballot
line it counts, and becomes a wide sheet with one pivot; each contest's own wide file (its
columns named after its ballot) stays at ``/results/<election>/contests/<contest>.csv``.
"""

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Count, Max
from django.utils import timezone, translation

from common.spreadsheets import csv_lines
from common.translated import CANONICAL
from complaints.models import Complaint
from complaints.register import COLUMNS as COMPLAINT_COLUMNS
from complaints.register import public_complaints, public_row
from elections.models import (
    PROTOCOL_LINES,
    BallotLine,
    Contest,
    ContestStation,
    ContestTally,
    Election,
    Publication,
)
from elections.public.results import current_records
from integrity.models import Discrepancy
from integrity.open_data import COLUMNS as DISCREPANCY_COLUMNS
from integrity.open_data import discrepancy_row, public_discrepancies
from stations.models import Station

PROFILE = "tabular-data-package"

# What each protocol line counts, in README's words (the paper form's lines).
LINE_MEANINGS = {
    "l1_voters": "L1: voters on the station's list.",
    "l2_received": "L2: ballots the station received.",
    "l3_issued": "L3: voters who received ballots.",
    "l3a_mobile": "L3a: of L3, voters who voted outside the premises (the mobile box).",
    "l3b_absentee": "L3b: of L3, voters who voted with an absentee certificate.",
    "l4_cancelled": "L4: unused ballots, cancelled.",
    "l5_found": "L5: ballots found in the boxes.",
    "l6_invalid": "L6: invalid ballots.",
    "l7_valid": "L7: valid ballots.",
}
assert set(LINE_MEANINGS) == set(PROTOCOL_LINES)


def _field(name: str, kind: str, description: str, *, required: bool = True, **constraints):
    field = {"name": name, "type": kind, "description": description}
    if kind == "integer":
        constraints.setdefault("minimum", 0)  # every number in these tables counts something
    if required:
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def _station_key(description: str = "The station: its region's code and its number, as in "
                 "/results/<election>/stations/<region>-<number>/.") -> dict:  # fmt: skip
    return _field("station", "string", description)


def _contest_key() -> dict:
    return _field("contest", "string", "The contest's code, unique within the election.")


def _lines(required: bool = True) -> list[dict]:
    return [
        _field(name, "integer", LINE_MEANINGS[name], required=required) for name in PROTOCOL_LINES
    ]


def _fk(fields: list[str], resource: str, target: list[str] | None = None) -> dict:
    return {"fields": fields, "reference": {"resource": resource, "fields": target or fields}}


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    description: str
    schema: dict
    rows: Callable[[Election], Iterable[list]]

    def header(self) -> list[str]:
        return [field["name"] for field in self.schema["fields"]]


# --- the rows of each table ------------------------------------------------------------------


def _key(region: str, number: int) -> str:
    return f"{region}-{number}"


def station_rows(election: Election) -> Iterator[list]:
    stations = (
        Station.objects.filter(pk__in=ContestStation.objects.filter(election=election)
                               .values("station_id"))
        .select_related("region", "district")
        .order_by("region__code", "number")
    )  # fmt: skip
    for s in stations.iterator(chunk_size=2000):
        yield [_key(s.region.code, s.number), s.region.code, s.region.name_en, s.district_id,
               s.district.name_en, s.number, s.name, s.address, s.kind]  # fmt: skip


def contest_rows(election: Election) -> Iterator[list]:
    contests = (
        election.contests.select_related("region")
        .annotate(expected=Count("coverage"))
        .order_by("code")
    )
    for c in contests:
        yield [c.code, c.name_en, c.body, c.kind, c.region.code if c.region else "",
               c.district_id or "", c.seats, c.threshold_percent, c.seat_method,
               c.expected]  # fmt: skip


def ballot_line_rows(election: Election) -> Iterator[list]:
    lines = (
        BallotLine.objects.filter(contest__election=election)
        .select_related("contest", "party", "candidate__party")
        .order_by("contest__code", "position")
    )
    # Names as the published records write them, whoever asks: read in one language switch
    # (an election has tens of thousands of lines), not one per line.
    with translation.override(CANONICAL):
        rows = [
            [line.contest.code, line.position, line.label, _kind(line),
             _party(line).short_name if _party(line) else "",
             line.candidate.full_name if line.candidate else ""]
            for line in lines
        ]  # fmt: skip
    yield from rows


def _kind(line: BallotLine) -> str:
    return "against_all" if line.is_against_all else "party" if line.party_id else "candidate"


def _party(line: BallotLine):
    return line.party or (line.candidate.party if line.candidate else None)


def _records(election: Election):
    return (
        current_records(contest__election=election)
        .order_by("record__contest", "record__region", "record__station")
        .values_list("record", "sha256")
        .iterator(chunk_size=2000)
    )


def record_rows(election: Election) -> Iterator[list]:
    for record, sha256 in _records(election):
        yield [record["contest"], _key(record["region"], record["station"]), record["version"],
               record["sequence"], *[record["lines"][name] for name in PROTOCOL_LINES],
               record["published_at"], sha256]  # fmt: skip


def vote_rows(election: Election) -> Iterator[list]:
    for record, _sha256 in _records(election):
        station = _key(record["region"], record["station"])
        for item in record["votes"]:
            yield [record["contest"], station, item["position"], item["votes"]]


def _tallies(election: Election):
    return (
        ContestTally.objects.filter(contest__election=election)
        .select_related("contest", "region", "district")
        .order_by("contest__code", "level", "area")
    )


def area_key(tally: ContestTally) -> str:
    """``nation`` (the whole contest), ``region:<code>`` or ``district:<id>``."""
    if tally.level == ContestTally.Level.REGION:
        return f"region:{tally.region.code}"
    if tally.level == ContestTally.Level.DISTRICT:
        return f"district:{tally.district_id}"
    return "nation"


def _area_name(tally: ContestTally) -> str:
    if tally.level == ContestTally.Level.REGION:
        return tally.region.name_en
    if tally.level == ContestTally.Level.DISTRICT:
        return tally.district.name_en
    return tally.contest.name_en


def area_rows(election: Election) -> Iterator[list]:
    for tally in _tallies(election):
        numbers = tally.numbers()
        yield [tally.contest.code, area_key(tally), tally.level, _area_name(tally),
               tally.stations_expected, tally.stations_accepted,
               *[numbers[name] or 0 for name in PROTOCOL_LINES]]  # fmt: skip


def area_vote_rows(election: Election) -> Iterator[list]:
    positions = dict(
        BallotLine.objects.filter(contest__election=election).values_list("pk", "position")
    )
    for tally in _tallies(election):
        votes = {positions[int(line)]: n for line, n in tally.votes.items()}
        for position in sorted(votes):
            yield [tally.contest.code, area_key(tally), position, votes[position]]


def complaint_rows(election: Election) -> Iterator[list]:
    complaints = public_complaints().filter(election=election).order_by("number")
    now = timezone.now()
    for complaint in complaints.iterator(chunk_size=500):
        row = public_row(complaint, now)
        yield [_cell(row[name]) for name in COMPLAINT_COLUMNS]


def discrepancy_rows(election: Election) -> Iterator[list]:
    for discrepancy in public_discrepancies().filter(election=election).iterator(chunk_size=500):
        row = discrepancy_row(discrepancy)
        yield [_cell(row[name]) for name in DISCREPANCY_COLUMNS if name != "election"]


def _cell(value):
    """A value as the CSV holds it: booleans as true/false, nested values as JSON, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


# --- the tables and their schemas -------------------------------------------------------------

STATIONS = Resource(
    name="stations",
    title="Polling stations",
    description="Every polling station where a contest of the election is voted.",
    schema={
        "fields": [
            _station_key(),
            _field("region", "string", "The region's code."),
            _field("region_name", "string", "The region's name (in English)."),
            _field(
                "district",
                "integer",
                "The district's or city's id, as in the district "
                "pages' addresses (…/districts/<id>/).",
            ),  # fmt: skip
            _field("district_name", "string", "The district's or city's name (in English)."),
            _field(
                "number", "integer", "The station's number, unique within its region.", minimum=1
            ),  # fmt: skip
            _field("name", "string", "The station's name."),
            _field("address", "string", "The station's address."),
            _field(
                "kind",
                "string",
                "ordinary (open to every voter on its list), closed (a hospital, military unit "
                "or detention facility) or abroad (at an embassy or consulate).",
                enum=list(Station.Kind.values),
            ),  # fmt: skip
        ],
        "primaryKey": ["station"],
    },
    rows=station_rows,
)

CONTESTS = Resource(
    name="contests",
    title="Contests",
    description="The election's contests: party lists and single-member districts.",
    schema={
        "fields": [
            _contest_key(),
            _field("name", "string", "The contest's name (in English)."),
            _field(
                "body", "string", "The body it elects.", enum=list(Contest.Body.values)
            ),  # fmt: skip
            _field(
                "kind",
                "string",
                "party_list: seats shared between the lists over the "
                "threshold; single_member: one seat, the most votes.",
                enum=list(Contest.Kind.values),
            ),  # fmt: skip
            _field(
                "region",
                "string",
                "The region's code; empty for a nationwide contest.",
                required=False,
            ),  # fmt: skip
            _field(
                "district",
                "integer",
                "The district or city whose maslikhat it elects; empty otherwise.",
                required=False,
            ),  # fmt: skip
            _field("seats", "integer", "Seats to fill.", minimum=1),
            _field(
                "threshold_percent",
                "number",
                "Of valid ballots including “Against all”; party lists only.",
                minimum=0,
                maximum=100,
            ),  # fmt: skip
            _field(
                "seat_method",
                "string",
                "How seats are shared between party lists.",
                enum=list(Contest.SeatMethod.values),
            ),  # fmt: skip
            _field("stations_expected", "integer", "The stations where it is voted."),
        ],
        "primaryKey": ["contest"],
    },
    rows=contest_rows,
)

BALLOT_LINES = Resource(
    name="ballot_lines",
    title="Ballot lines",
    description="Each contest's ballot paper, line by line; “Against all” is the last line.",
    schema={
        "fields": [
            _contest_key(),
            _field("position", "integer", "The line's place on the ballot, from 1.", minimum=1),
            _field("name", "string", "The party's name, the candidate's name or “Against all”."),
            _field(
                "kind", "string", "What the line is.", enum=["party", "candidate", "against_all"]
            ),  # fmt: skip
            _field(
                "party",
                "string",
                "The party's short name (a candidate's party, if any).",
                required=False,
            ),  # fmt: skip
            _field("candidate", "string", "The candidate's full name.", required=False),
        ],
        "primaryKey": ["contest", "position"],
        "foreignKeys": [_fk(["contest"], "contests")],
    },
    rows=ballot_line_rows,
)

RECORDS = Resource(
    name="records",
    title="Published records",
    description="One row per station and contest: the standing published record (the latest "
    "published version), every protocol line, and the record's hash in the publication chain.",
    schema={
        "fields": [
            _contest_key(),
            _station_key(),
            _field(
                "version",
                "integer",
                "1 for the protocol as first accepted; higher after a correction.",
                minimum=1,
            ),  # fmt: skip
            _field(
                "sequence", "integer", "The record's place in the publication chain.", minimum=1
            ),  # fmt: skip
            *_lines(),
            _field("published_at", "datetime", "When the record was published (UTC)."),
            _field(
                "sha256",
                "string",
                "The hash of the station's published record.",
                pattern="[0-9a-f]{64}",
            ),  # fmt: skip
        ],
        "primaryKey": ["contest", "station"],
        "foreignKeys": [_fk(["station"], "stations"), _fk(["contest"], "contests")],
    },
    rows=record_rows,
)

VOTES = Resource(
    name="records_votes",
    title="Votes in the published records",
    description="Votes for each ballot line in each published record: one row per station, "
    "contest and ballot line (pivot on position for one column per line).",
    schema={
        "fields": [
            _contest_key(),
            _station_key(),
            _field("position", "integer", "The ballot line (see ballot_lines).", minimum=1),
            _field("votes", "integer", "Votes for the ballot line at the station."),
        ],
        "primaryKey": ["contest", "station", "position"],
        "foreignKeys": [
            _fk(["contest", "station"], "records"),
            _fk(["contest", "position"], "ballot_lines"),
        ],
    },
    rows=vote_rows,
)

AREA_TOTALS = Resource(
    name="area_totals",
    title="Totals per area",
    description="Each contest's totals on its whole territory (nation), per region and per "
    "district: the sums of the standing published records there.",
    schema={
        "fields": [
            _contest_key(),
            _field(
                "area",
                "string",
                "nation (the contest's whole territory), region:<code> or district:<id>.",
                pattern=r"nation|region:[A-Z0-9]+|district:[0-9]+",
            ),
            _field(
                "level", "string", "The area's level.", enum=list(ContestTally.Level.values)
            ),  # fmt: skip
            _field("name", "string", "The area's name (in English)."),
            _field("stations_expected", "integer", "The contest's stations in the area."),
            _field("stations_published", "integer", "Of them, those with a published record."),
            *_lines(),
        ],
        "primaryKey": ["contest", "area"],
        "foreignKeys": [_fk(["contest"], "contests")],
    },
    rows=area_rows,
)

AREA_VOTES = Resource(
    name="area_votes",
    title="Votes per area",
    description="Votes for each ballot line in each area's totals.",
    schema={
        "fields": [
            _contest_key(),
            _field("area", "string", "As in area_totals."),
            _field("position", "integer", "The ballot line (see ballot_lines).", minimum=1),
            _field("votes", "integer", "Votes for the ballot line in the area."),
        ],
        "primaryKey": ["contest", "area", "position"],
        "foreignKeys": [
            _fk(["contest", "area"], "area_totals"),
            _fk(["contest", "position"], "ballot_lines"),
        ],
    },
    rows=area_vote_rows,
)

_COMPLAINT_MEANINGS = {
    "number": "The complaint's number in the register.",
    "registered_at": "When it was registered.",
    "deadline": "When the decision is due by law.",
    "overdue": "Whether it is past its deadline undecided.",
    "level": "The body it is addressed to.",
    "court": "The court, for a complaint to a court.",
    "region": "The region's code.",
    "district": "The district's name.",
    "station": "The station it is about (<region>-<number>).",
    "election": "The election's code.",
    "contest": "The contest it is about.",
    "complainant_kind": "Who filed it: a voter, an observer, a candidate, a party, …",
    "complainant_name": "Only for a candidate, a party or an organisation; never a person's.",
    "respondent": "Whom it complains of.",
    "subject": "What it is about (a private complainant's: the commission's summary).",
    "claim": "What it asks for (a private complainant's: the commission's summary).",
    "status": "Where it stands.",
    "hearing_at": "When it is heard.",
    "hearing_place": "Where it is heard.",
    "hearing_link": "The hearing's link, if it is heard online.",
    "court_case": "The court's case number.",
    "outcome": "The decision's outcome.",
    "decided_at": "When it was decided.",
    "decision": "The decision's text.",
    "decision_sha256": "The SHA-256 of the signed decision's file.",
    "appeal_of": "The number of the complaint this one appeals.",
}
_KINDS = {"overdue": "boolean", "registered_at": "datetime", "deadline": "datetime",
          "hearing_at": "datetime", "decided_at": "datetime"}  # fmt: skip
_CHOICES = {"level": Complaint.Level.values, "status": Complaint.Status.values,
            "outcome": Complaint.Outcome.values}  # fmt: skip
COMPLAINTS = Resource(
    name="complaints",
    title="Complaints",
    description="The public register of complaints about the election: what the public may "
    "know of each registered complaint, and nothing else.",
    schema={
        "fields": [
            _field(
                name,
                _KINDS.get(name, "string"),
                _COMPLAINT_MEANINGS[name],
                required=name in ("number", "election", "status", "level"),
                **({"enum": _CHOICES[name]} if name in _CHOICES else {}),
            )
            for name in COMPLAINT_COLUMNS
        ],  # fmt: skip
        "primaryKey": ["number"],
    },
    rows=complaint_rows,
)

_DISCREPANCY_MEANINGS = {
    "station": "The station (<region>-<number>).",
    "contest": "The contest's code.",
    "rule": "The rule that found it (see /integrity/ for each rule's meaning).",
    "severity": "How much it matters.",
    "status": "open; explained by the commission; complaint (a complaint was filed about it); "
    "resolved (it no longer holds).",
    "detail": "What differs, as JSON.",
    "complaint": "The number of the complaint filed about it, if any.",
    "found": "When it was found.",
    "checked": "When it was last checked.",
}
DISCREPANCIES = Resource(
    name="discrepancies",
    title="Discrepancies",
    description="Where an observer's copy of a protocol, or the record itself, raises a "
    "question for the commission: a question, not a verdict.",
    schema={
        "fields": [
            _station_key(_DISCREPANCY_MEANINGS["station"]),
            *[
                _field(
                    name,
                    "datetime" if name in ("found", "checked") else "string",
                    _DISCREPANCY_MEANINGS[name],
                    required=name in ("contest", "rule", "severity", "status"),
                    **({"enum": Discrepancy.Status.values} if name == "status" else {}),
                )
                for name in DISCREPANCY_COLUMNS
                if name not in ("election", "station")
            ],
        ],  # fmt: skip
        "foreignKeys": [_fk(["station"], "stations"), _fk(["contest"], "contests")],
    },
    rows=discrepancy_rows,
)

RESOURCES = [
    STATIONS, CONTESTS, BALLOT_LINES, RECORDS, VOTES, AREA_TOTALS, AREA_VOTES, COMPLAINTS,
    DISCREPANCIES,
]  # fmt: skip
BY_NAME = {resource.name: resource for resource in RESOURCES}


def resource_path(resource: Resource) -> str:
    """Where a table lies, relative to its datapackage.json (on the site, in the snapshots and
    in the archive alike)."""
    return f"data/{resource.name}.csv"


def package_descriptor(election: Election) -> dict:
    """The datapackage.json of the election: each table's path and Table Schema."""
    return {
        "profile": PROFILE,
        "name": f"saylau-{election.code}",
        "title": f"{election.name_en}: published results",
        "description": "Published records only, exactly as they stand in the publication "
        "chain: the stations, contests and ballots, one row per station and contest with every "
        "protocol line, the votes, the totals per area, the complaints and the discrepancies.",
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "publications_up_to": publications_up_to(),
        "resources": [
            {
                "name": resource.name,
                "title": resource.title,
                "description": resource.description,
                "path": resource_path(resource),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": resource.schema,
            }
            for resource in RESOURCES
        ],
    }


def publications_up_to() -> int:
    return Publication.objects.aggregate(last=Max("sequence"))["last"] or 0


def resource_lines(resource: Resource, election: Election) -> Iterator[str]:
    """A table as CSV text, its header first, one line at a time."""
    yield from csv_lines(itertools.chain([resource.header()], resource.rows(election)))
