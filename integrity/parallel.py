"""An organisation's parallel count: its sample drawn from the contest's stations (stratified by
region, reproducible from the seed and the frame's hash), and the estimate of every ballot
line's share from the sample's transcribed copies, beside the official national figure."""

from dataclasses import dataclass

from django.db import transaction

from elections.models import BallotLine, Contest, ContestStation, ContestTally
from integrity import pvt
from integrity.models import ParallelCount, ProtocolCopy
from observers.models import Organisation


@transaction.atomic
def parallel_count_draw(
    *, organisation: Organisation, contest: Contest, size: int, seed: str
) -> ParallelCount:
    """Draw the sample (once per organisation and contest): the frame is every station the
    contest covers, each in its region's stratum."""
    frame = dict(
        ContestStation.objects.filter(contest=contest).values_list(
            "station_id", "station__region__code"
        )
    )
    sample = pvt.draw_sample(frame, size, seed)
    count = ParallelCount.objects.create(
        election=contest.election, contest=contest, organisation=organisation, seed=seed,
        frame_sha256=sample.frame_sha256, frame_size=len(frame),
    )  # fmt: skip
    count.stations.set(sample.stations)
    return count


@dataclass(frozen=True)
class LineEstimate:
    line: BallotLine
    estimate: pvt.Estimate | None  # None until two sampled stations have a transcribed copy
    official: float | None  # the share in the published national totals

    @property
    def outside(self) -> bool:
        return bool(self.estimate and self.official is not None
                    and self.estimate.excludes(self.official))  # fmt: skip


@dataclass(frozen=True)
class CountEstimate:
    count: ParallelCount
    reported: int  # sampled stations with a transcribed copy
    lines: list[LineEstimate]
    denominator: str = pvt.VALID


def parallel_estimates(count: ParallelCount) -> CountEstimate:
    """Each ballot line's estimated share of the valid ballots ("Against all" among them, as
    the CEC's percentages are) from the organisation's transcribed copies of its sample."""
    copies = {
        copy.station_id: copy
        for copy in ProtocolCopy.objects.filter(
            organisation=count.organisation, contest=count.contest,
            station__in=count.stations.all(), status=ProtocolCopy.Status.TRANSCRIBED,
        ).order_by("pk")  # the latest transcribed copy of each station counts
    }  # fmt: skip
    national = ContestTally.objects.filter(contest=count.contest, level="nation").first()
    lines = []
    for line in count.contest.ballot_lines.order_by("position"):
        counts = [
            pvt.StationCount(
                copy.votes.get(str(line.position), 0), copy.l7_valid or 0, copy.l6_invalid or 0
            )  # fmt: skip
            for copy in copies.values()
        ]
        estimate = None
        if len(counts) >= 2 and sum(c.valid for c in counts):
            estimate = pvt.ratio_estimate(counts, count.frame_size)
        official = None
        if national is not None and national.l7_valid:
            official = national.votes.get(str(line.pk), 0) / national.l7_valid
        lines.append(LineEstimate(line, estimate, official))
    return CountEstimate(count, len(copies), lines)
