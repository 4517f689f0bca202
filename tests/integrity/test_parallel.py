"""An organisation's parallel count on a counted night: its sample drawn by region and recorded,
and each line's estimate from the sample's transcribed copies beside the official share."""

import pytest
from django.db import IntegrityError, transaction

from elections.models import ContestStation, ContestTally
from elections.services.aggregation import contest_aggregate
from elections.services.publication import protocols_publish
from integrity.parallel import parallel_count_draw, parallel_estimates
from integrity.pvt import StationCount, draw_sample, frame_hash, ratio_estimate
from integrity.services import copy_submit, copy_transcribe
from tests.elections.conftest import good_numbers
from tests.integrity.test_copies import Mission, photo

pytestmark = pytest.mark.django_db
SEED = "night-pvt"
# The two sampled stations' copies: (votes by position), 590 valid and 10 invalid at each.
COPIES = [{1: 300, 2: 245, 3: 45}, {1: 320, 2: 235, 3: 35}]


def frame_of(night) -> dict[int, str]:
    coverage = ContestStation.objects.filter(contest=night.contest)
    return dict(coverage.values_list("station_id", "station__region__code"))


def test_the_sample_is_drawn_by_region_and_recorded_so_anyone_redraws_it(night, django_user_model):
    mission = Mission(night, django_user_model)

    count = parallel_count_draw(
        organisation=mission.organisation, contest=night.contest, size=2, seed=SEED
    )

    frame = frame_of(night)  # two stations in KAR, one in PAV
    assert (count.seed, count.frame_sha256, count.frame_size) == (SEED, frame_hash(frame), 3)
    sampled = sorted(count.stations.values_list("pk", flat=True))
    assert sampled == draw_sample(frame, 2, SEED).stations
    assert sorted(frame[station] for station in sampled) == ["KAR", "PAV"]  # one per stratum
    with pytest.raises(IntegrityError), transaction.atomic():  # drawn once, not redrawn
        parallel_count_draw(
            organisation=mission.organisation, contest=night.contest, size=2, seed="another"
        )


def test_each_lines_estimate_is_the_ratio_estimate_of_the_copies_beside_the_official_share(
    night, django_user_model
):
    for station in (night.station, night.other_station, night.neighbour):
        night.accept(station)  # 400 + 150 + 40 of 590 valid everywhere
    protocols_publish()
    contest_aggregate(contest_id=night.contest.pk)
    mission = Mission(night, django_user_model)
    count = parallel_count_draw(
        organisation=mission.organisation, contest=night.contest, size=2, seed=SEED
    )
    first, second = count.stations.order_by("pk")
    copies = []
    for station, votes in zip((first, second), COPIES, strict=True):
        copies.append(
            copy_submit(
                station=station,
                contest=night.contest,
                user=mission.observer,
                source="certified_copy",
                data=good_numbers(**_votes(votes)),
                images=[photo()],
            )  # fmt: skip
        )
    copy_transcribe(copy=copies[0], user=mission.desk, data=good_numbers(**_votes(COPIES[0])))

    waiting = parallel_estimates(count)  # one station transcribed: no estimate yet
    assert waiting.reported == 1 and all(line.estimate is None for line in waiting.lines)

    copy_transcribe(copy=copies[1], user=mission.desk, data=good_numbers(**_votes(COPIES[1])))
    estimates = parallel_estimates(count)

    national = ContestTally.objects.get(contest=night.contest, level="nation")
    assert estimates.reported == 2 and estimates.denominator == "valid"
    for line in estimates.lines:
        position = line.line.position
        expected = ratio_estimate(
            [StationCount(votes[position], 590, 10) for votes in COPIES], population=3
        )
        assert line.estimate == expected
        assert line.official == national.votes[str(line.line.pk)] / national.l7_valid
        assert line.outside == expected.excludes(line.official)
    by_position = {line.line.position: line for line in estimates.lines}
    assert by_position[1].official == pytest.approx(400 / 590)
    assert by_position[1].outside and by_position[2].outside  # the copies say otherwise
    assert not by_position[3].outside  # 80 of 1,180 in the copies, 120 of 1,770 officially
    assert by_position[3].estimate.margin > 0


def _votes(votes: dict[int, int]) -> dict[str, int]:
    return {f"vote_{position}": count for position, count in votes.items()}
