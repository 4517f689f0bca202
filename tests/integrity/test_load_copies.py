"""load_copies on a small counted election: observers' copies through the services, most of them
matching, a few made to disagree so that every rule shows, and a parallel count that anyone
redraws from its seed and frame."""

from io import StringIO

import pytest
from django.core.management import call_command

from elections.models import ContestStation, Protocol
from elections.services.aggregation import contest_aggregate
from elections.services.protocols import (
    protocol_decide_correction,
    protocol_propose_correction,
    protocol_submit_entry,
)
from elections.services.publication import protocols_publish
from elections.services.staff import staff_assign
from elections.services.structure import (
    ballot_lines_set,
    contest_cover_stations,
    election_change_status,
)
from integrity.models import (
    CopyImage,
    CopyTranscription,
    Discrepancy,
    ParallelCount,
    ProtocolCopy,
)  # fmt: skip
from integrity.pvt import draw_sample
from integrity.reference import reference_copies_load
from integrity.rules import RULES
from tests.elections.conftest import good_numbers
from tests.factories import (
    CandidateFactory,
    ContestFactory,
    ElectionFactory,
    RegionFactory,
    StationFactory,
)
from tests.integrity.test_copies import Mission

pytestmark = pytest.mark.django_db
CONTEST = "district-3"
OPTIONS = ["night", "--contest", CONTEST, "--copies", "50", "--sample-size", "4"]


class Counted:
    """Fourteen stations in three regions, twelve counted and published (one of them changed
    after publication with its reason wiped, as no service lets it be), and two organisations
    of observers."""

    def __init__(self, django_user_model):
        regions = [RegionFactory(code=code) for code in ("KAR", "PAV", "AKM")]
        self.stations = [
            StationFactory(region=regions[index % 3], number=100 + index, registered_voters=1000)
            for index in range(14)
        ]
        self.station = self.stations[0]
        self.election = ElectionFactory(code="night")
        self.contest = ContestFactory(election=self.election, code=CONTEST)
        candidates = [
            CandidateFactory(election=self.election, contest=self.contest, full_name=name)
            for name in ["Aigerim Sadykova", "Bolat Omarov"]
        ]
        ballot_lines_set(contest=self.contest, choices=candidates)
        contest_cover_stations(contest=self.contest, stations=self.stations)
        for status in ("polling", "counting"):
            election_change_status(election=self.election, to_status=status, user=None)
        self.contest.refresh_from_db()
        self.cec, self.cec2 = (django_user_model.objects.create_user(n) for n in ("c1", "c2"))
        for user in (self.cec, self.cec2):
            staff_assign(user=user, role="cec")
        for index, station in enumerate(self.stations[:12]):
            data = good_numbers(vote_1=400 - 3 * index, vote_2=150 + 3 * index)
            for user in (self.cec, self.cec2):
                protocol_submit_entry(station=station, contest=self.contest, user=user, data=data)
        protocols_publish()
        protocol = Protocol.objects.get(station=self.stations[1], is_active=True)
        correction = protocol_propose_correction(
            protocol=protocol, user=self.cec, reason="typing slip",
            data=good_numbers(vote_1=380, vote_2=170),
        )  # fmt: skip
        Protocol.objects.filter(pk=correction.pk).update(reason="")  # the bypass
        protocol_decide_correction(correction=correction, user=self.cec2, approve=True)
        protocols_publish()
        contest_aggregate(contest_id=self.contest.pk)
        self.missions = [Mission(self, django_user_model, name=n) for n in ("Mission", "Watch")]


@pytest.fixture
def counted(db, django_user_model) -> Counted:
    return Counted(django_user_model)


def run(*options) -> str:
    out = StringIO()
    call_command("load_copies", *options, stdout=out)
    return out.getvalue()


def test_every_rule_shows_and_the_matching_copies_raise_nothing(counted):
    load = reference_copies_load(counted.election, contest_code=CONTEST, copies=50, sample_size=4)

    open_ = Discrepancy.objects.filter(status="open")
    assert {rule.id for rule in RULES} == set(open_.values_list("rule", flat=True))
    assert not ProtocolCopy.objects.exclude(status="transcribed").exists()
    matching = load.cases["matching"] + load.cases["parallel_count"]
    assert len(matching) > 5
    assert not Discrepancy.objects.filter(copy__in=matching).exists()
    for case, rule in [
        ("slip", "copy_differs"), ("rewritten", "copy_differs"),
        ("photo_differs", "photo_differs"), ("copies_disagree", "copies_disagree"),
        ("control_relations", "control_relations"), ("image_reused", "image_reused"),
    ]:  # fmt: skip
        assert open_.filter(copy__in=load.cases[case], rule=rule).exists(), case
    slip, rewritten = (open_.get(copy__in=load.cases[c], rule="copy_differs") for c in
                       ("slip", "rewritten"))  # fmt: skip
    assert list(slip.detail["fields"]) == ["l1_voters"] and not slip.detail["favours_leader"]
    assert rewritten.detail["favours_leader"]
    assert open_.filter(rule="image_reused").count() == 2  # each station names the other
    (unpublished,) = load.cases["unpublished"]
    assert open_.get(rule="unpublished_after_close").station_id == (
        ProtocolCopy.objects.get(pk=unpublished).station_id
    )
    assert open_.get(rule="changed_without_reason").station == counted.stations[1]
    sources = set(ProtocolCopy.objects.values_list("source", flat=True))
    assert sources == {"certified_copy", "posted_photo", "party_agent"}
    hashes = CopyImage.objects.values_list("sha256", flat=True)
    assert len(set(hashes)) == len(hashes) - 1  # one image twice, the others each their own


def test_the_command_prints_its_summary_and_a_second_run_adds_nothing(counted):
    first = run(*OPTIONS)

    assert f"Copies: {ProtocolCopy.objects.count()} of {CONTEST}." in first
    assert "Observer's certified copy: Transcribed" in first
    for rule in RULES:
        assert rule.id in first
    assert "Parallel count of Mission:" in first and "Aigerim Sadykova" in first
    assert "official" in first and "±" in first
    tables = (ProtocolCopy, CopyImage, CopyTranscription, Discrepancy, ParallelCount)
    before = [(model.objects.count(), list(model.objects.values_list("pk"))) for model in tables]

    second = run(*OPTIONS)

    assert f"Contest {CONTEST} has copies already: nothing added." in second
    assert [(m.objects.count(), list(m.objects.values_list("pk"))) for m in tables] == before
    assert second.split("added.\n", 1)[1] == first


def test_the_parallel_count_reproduces_its_sample_from_its_seed_and_frame(counted):
    run(*OPTIONS)

    count = ParallelCount.objects.get()
    frame = dict(
        ContestStation.objects.filter(contest=counted.contest).values_list(
            "station_id", "station__region__code"
        )
    )
    again = draw_sample(frame, 4, "night-pvt")
    assert (count.seed, count.frame_sha256, count.frame_size) == (
        "night-pvt", again.frame_sha256, 14
    )  # fmt: skip
    assert sorted(count.stations.values_list("pk", flat=True)) == again.stations
    published = [s for s in again.stations if s in {st.pk for st in counted.stations[:12]}]
    own = ProtocolCopy.objects.filter(organisation=count.organisation, status="transcribed")
    assert sorted(own.values_list("station_id", flat=True)) == published
    assert count.organisation == counted.missions[0].organisation


def test_without_observers_or_published_protocols_it_says_so_and_adds_nothing(night):
    night.contest.code = CONTEST
    night.contest.save()

    out = run("night", "--contest", CONTEST)
    assert "no published protocol" in out and not ProtocolCopy.objects.exists()

    night.accept(night.station)
    protocols_publish()
    out = run("night", "--contest", CONTEST)
    assert "no accredited observers" in out and not ProtocolCopy.objects.exists()
