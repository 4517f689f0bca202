"""The NIST SP 1500-100 v2 export: valid against NIST's own schema (the copy in the repository,
offline), every id it names defined, and its counts adding up to the published totals."""

import copy
import csv
import io
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.test import Client
from jsonschema import Draft4Validator

import standards
from tests.elections.conftest import good_numbers

pytestmark = pytest.mark.django_db
SCHEMA = Path(standards.__file__).parent / "schemas" / "NIST_V2_election_results_reporting.json"
URL = "/results/night/nist-1500-100.json"


def report() -> dict:
    response = Client().get(URL)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(b"".join(response.streaming_content))


def schema_errors(document: dict) -> list[str]:
    schema = json.loads(SCHEMA.read_text())
    validator = Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def unresolved(document: dict) -> list[str]:
    """Every reference to a GpUnit, party, candidate or selection that nothing defines (the
    schema checks the shapes, not that ids point anywhere)."""
    election = document["Election"][0]
    units = {unit["@id"] for unit in document["GpUnit"]}
    parties = {party["@id"] for party in document["Party"]}
    candidates = {candidate["@id"] for candidate in election["Candidate"]}
    selections = [s for c in election["Contest"] for s in c["ContestSelection"]]
    problems = []

    def need(ids, known, where):
        problems.extend(f"{where}: {i}" for i in ([ids] if isinstance(ids, str) else ids)
                        if i not in known)  # fmt: skip

    need(election["ElectionScopeId"], units, "ElectionScopeId")
    for unit in document["GpUnit"]:
        need(unit.get("ComposingGpUnitIds", []), units, f"{unit['@id']} ComposingGpUnitIds")
    for party in document["Party"]:
        need(party.get("PartyScopeGpUnitIds", []), units, f"{party['@id']} PartyScopeGpUnitIds")
    for candidate in election["Candidate"]:
        need(candidate.get("PartyId", []), parties, f"{candidate['@id']} PartyId")
    for contest in election["Contest"]:
        need(contest["ElectionDistrictId"], units, f"{contest['@id']} ElectionDistrictId")
    for selection in selections:
        need(selection.get("PartyIds", []), parties, f"{selection['@id']} PartyIds")
        need(selection.get("CandidateIds", []), candidates, f"{selection['@id']} CandidateIds")
        for counts in selection["VoteCounts"]:
            need(counts["GpUnitId"], units, f"{selection['@id']} VoteCounts")
    selection_ids = [s["@id"] for s in selections]
    problems += [
        f"selection defined twice: {i}" for i, n in Counter(selection_ids).items() if n > 1
    ]
    contests = {contest["@id"] for contest in election["Contest"]}
    for counts in election["BallotCounts"]:
        need(counts["GpUnitId"], units, "BallotCounts")
        need(counts["OtherType"], contests, "BallotCounts OtherType")
    return problems


def test_the_export_validates_against_nists_schema_with_zero_errors(counted):
    document = report()
    assert schema_errors(document) == []
    assert document["@type"] == "ElectionResults.ElectionReport"
    assert document["Format"] == "precinct-level" and document["Status"] == "unofficial-partial"


def test_the_schema_check_can_fail(counted):
    """Shown once, so that zero errors above means something: a count of an unknown type."""
    document = report()
    selection = document["Election"][0]["Contest"][0]["ContestSelection"][0]
    selection["VoteCounts"][0]["Type"] = "sum"
    assert len(schema_errors(document)) == 1


def test_every_unit_party_candidate_and_selection_id_resolves(counted):
    document = report()
    assert unresolved(document) == []

    broken = copy.deepcopy(document)
    selection = broken["Election"][0]["Contest"][0]["ContestSelection"][0]
    selection["VoteCounts"][0]["GpUnitId"] = "ru-station-KAR-999"
    assert unresolved(broken) == [f"{selection['@id']} VoteCounts: ru-station-KAR-999"]


def test_the_units_form_a_tree_down_to_every_station(counted):
    units = {unit["@id"]: unit for unit in report()["GpUnit"]}
    below = defaultdict(list)
    parents = Counter()

    def walk(uid, depth=0):
        for child in units[uid].get("ComposingGpUnitIds", []):
            parents[child] += 1
            below[depth + 1].append(child)
            walk(child, depth + 1)

    walk("ru-country")
    assert sorted(below[1]) == ["ru-region-KAR", "ru-region-PAV"]
    assert sorted(below[3]) == ["ru-station-KAR-101", "ru-station-KAR-102", "ru-station-PAV-7"]
    assert set(parents.values()) == {1}  # each unit in the tree once
    assert {units[u]["Type"] for u in below[3]} == {"precinct"}
    # The single-member district, voted in two of Karaganda's stations, is a unit of its own.
    (district,) = [u for u in units.values() if u.get("IsDistricted")]
    assert district["ComposingGpUnitIds"] == ["ru-station-KAR-101", "ru-station-KAR-102"]
    assert units["ru-station-KAR-101"]["VotersRegistered"] == 1000
    assert units["ru-country"]["VotersParticipated"] == 1200


def test_contests_selections_seats_and_ballots(counted):
    election = report()["Election"][0]
    contests = {contest["Abbreviation"]: contest for contest in election["Contest"]}
    lists, district = contests[counted.party_list.code], contests[counted.contest.code]
    assert lists["@type"] == "ElectionResults.PartyContest"
    assert district["@type"] == "ElectionResults.CandidateContest"
    assert (district["NumberElected"], district["VotesAllowed"]) == (1, 1)
    assert (lists["SubUnitsReported"], lists["TotalSubUnits"]) == (2, 3)
    kinds = [s["@type"].split(".")[1] for s in lists["ContestSelection"]]
    assert kinds == ["PartySelection", "PartySelection", "CandidateSelection"]
    names = {c["@id"]: c["BallotName"]["Text"][0]["Content"] for c in election["Candidate"]}
    against = lists["ContestSelection"][2]["CandidateIds"][0]
    assert names[against] == "Against all"
    seats = {
        s["SequenceOrder"]: counts["Count"]
        for s in lists["ContestSelection"]
        for counts in s["VoteCounts"]
        if counts["Type"] == "seats"
    }
    assert sum(seats.values()) == counted.party_list.seats
    assert all(
        counts["Type"] in ("total", "seats")
        for contest in election["Contest"]
        for s in contest["ContestSelection"]
        for counts in s["VoteCounts"]
    )
    ballots = {(b["OtherType"], b["GpUnitId"]): b for b in election["BallotCounts"]}
    station = ballots[(lists["@id"], "ru-station-KAR-101")]
    assert (station["BallotsCast"], station["BallotsRejected"]) == (600, 10)
    # No record yet, no count: the third station is not in the contest's counts.
    units = {c["GpUnitId"] for s in lists["ContestSelection"] for c in s["VoteCounts"]}
    assert "ru-station-PAV-7" not in units


def station_csv(document: dict) -> str:
    """What a reader's script makes of the export: a row per station, contest and selection."""
    units = {unit["@id"] for unit in document["GpUnit"] if unit["Type"] == "precinct"}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["contest", "station", "position", "votes"])
    for contest in document["Election"][0]["Contest"]:
        for selection in contest["ContestSelection"]:
            for counts in selection["VoteCounts"]:
                if counts["GpUnitId"] in units and counts["Type"] == "total":
                    writer.writerow([contest["Abbreviation"], counts["GpUnitId"],
                                     selection["SequenceOrder"], counts["Count"]])  # fmt: skip
    return out.getvalue()


def test_a_round_trip_through_a_station_csv_sums_to_the_published_national_totals(counted):
    sums = Counter()
    for row in csv.DictReader(io.StringIO(station_csv(report()))):
        sums[(row["contest"], int(row["position"]))] += int(row["votes"])

    published = Counter()
    api = Client().get("/api/v1/results/", {"election": "night", "level": "nation"}).json()
    for area in api["results"]:
        for line in area["votes"]:
            published[(area["contest"], line["position"])] = line["votes"]
    assert sums == published
    assert sums[(counted.party_list.code, 1)] == 700  # 400 + 300, as the results page says
    page = Client().get(f"/results/night/contests/{counted.party_list.code}/").content.decode()
    assert "700" in page


def test_the_stored_file_is_served_while_current_and_built_again_once_records_move_on(
    counted, monkeypatch
):
    from standards import nist

    built = report()  # the sweep wrote the snapshot after the night's records: served as stored
    monkeypatch.setattr(nist, "report_chunks", lambda election: iter(['{"built": true}']))
    assert report() == built

    counted.accept(counted.other_station, counted.party_list, good_numbers(vote_1=350, vote_2=200))
    from elections.services.publication import protocols_publish

    protocols_publish()  # a record past the stored file, not yet aggregated: built afresh
    assert report() == {"built": True}
