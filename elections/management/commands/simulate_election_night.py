import time

from celery import current_app
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from elections.demo.simulation import Night
from elections.models import Contest, ContestTally, Election
from elections.services.aggregation import contests_needing_aggregation
from elections.services.publication import unpublished_protocols
from stations.models import Region

CATCH_UP_SECONDS = 600  # how long to wait for the workers to publish and aggregate the rest


class Command(BaseCommand):
    help = (
        "Drive the reference election through election day and night with the real services: "
        "openings (a few late, a few early by decision), turnout reports, closings zone by zone, "
        "then every protocol entered twice by two clerks, typing mismatches and warnings settled "
        "by supervisors, acceptance, publication and aggregation. Seeded and resumable: a second "
        "run continues where the first stopped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--election", default="kz2023", help="election code (kz2023)")
        parser.add_argument("--seed", type=int, default=2023, help="the draw (default 2023)")
        parser.add_argument(
            "--reporting", type=float, default=100,
            help="stop once this %% of stations has reported its protocols (default 100)",
        )  # fmt: skip
        parser.add_argument(
            "--speed", type=float, default=0,
            help="pace the day at N simulated minutes per second (default 0: no pacing)",
        )  # fmt: skip
        parser.add_argument(
            "--jobs", type=int, default=1,
            help="stations worked on at once, each by its own database connection (default 1; "
            "2–4 on PostgreSQL, where entries wait on the server; 1 on SQLite, whose writers "
            "take turns)",
        )  # fmt: skip

        parser.add_argument(
            "--stuff", type=float, default=0, metavar="PCT",
            help="make PCT %% of one region's stations look stuffed (turnout and the leader's "
            "votes pushed up, some to whole percentages), to see what the forensic pages show",
        )  # fmt: skip
        parser.add_argument(
            "--stuff-region", default="TUR", help="the region --stuff touches (default TUR)"
        )

    def handle(self, *args, **options) -> None:
        if not 0 <= options["stuff"] <= 100:
            raise CommandError("--stuff: give a percentage from 0 to 100")
        if options["stuff"] and not Region.objects.filter(code=options["stuff_region"]).exists():
            raise CommandError(f"--stuff-region: no region {options['stuff_region']!r}")
        if not 0 <= options["reporting"] <= 100:
            raise CommandError("--reporting: give a percentage from 0 to 100")
        if not 1 <= options["jobs"] <= 16:
            raise CommandError("--jobs: give a number from 1 to 16")
        election = Election.objects.filter(code=options["election"]).first()
        if election is None:
            raise CommandError(
                f"--election: no election {options['election']!r}; "
                "run `python manage.py load_reference kz2023` first"
            )
        if election.status == Election.Status.CERTIFIED:
            raise CommandError(f"--election: {election} is certified; nothing to simulate")
        jobs = options["jobs"]
        if jobs > 1 and connection.vendor == "sqlite":
            # One writer at a time: more threads would only wait on each other's transactions.
            self.stderr.write("--jobs: SQLite writes one transaction at a time; using 1")
            jobs = 1
        night = Night(
            election,
            seed=options["seed"],
            speed=options["speed"],
            jobs=jobs,
            progress=self.stdout.write,
            stuff=options["stuff"],
            stuff_region=options["stuff_region"],
        )
        night.run_day()
        night.run_night(options["reporting"])
        self._catch_up()
        self._summary(night)
        if night.stuff:
            stuffed = sum(night.stuffed(station) for station in night.stations)
            page = f"/results/{election.code}/contests/mazhilis-list/integrity/"
            self.stdout.write(f"stuffed: {stuffed:,} stations of {night.stuff_region} ({page})")

    def _catch_up(self) -> None:
        """With real workers, wait until every acceptance is published and aggregated."""
        if current_app.conf.task_always_eager:
            return  # tasks ran in this process as each transaction committed
        deadline = time.monotonic() + CATCH_UP_SECONDS
        while time.monotonic() < deadline:
            left = unpublished_protocols().count(), contests_needing_aggregation().count()
            if left == (0, 0):
                return
            self.stdout.write(f"waiting for the workers: {left[0]:,} to publish, "
                              f"{left[1]:,} contests to aggregate")  # fmt: skip
            time.sleep(2)
        self.stderr.write("the workers are still busy; the beat's sweep will finish the rest")

    def _summary(self, night: Night) -> None:
        summary = night.summary
        self.stdout.write(
            f"reports: {summary.reports:,} · protocols: {summary.protocols:,} entered twice "
            f"({summary.mismatches_resolved:,} mismatches resolved, {summary.reviewed:,} accepted "
            f"on review) · stations counted: {summary.stations_counted:,} · "
            + " · ".join(f"{phase} {seconds:.0f} s" for phase, seconds in summary.seconds.items())
        )
        contest = Contest.objects.filter(election=night.election, code="mazhilis-list").first()
        tally = contest and ContestTally.objects.filter(contest=contest, area="nation").first()
        if not tally:
            return
        self.stdout.write(
            f"{contest.name}: {tally.stations_accepted:,} of {tally.stations_expected:,} "
            f"stations, turnout {tally.turnout_percent()} %"
        )
        lines = {str(line.pk): line for line in contest.ballot_lines.select_related("party")}
        total = sum(tally.votes.values()) or 1
        for line_id, votes in sorted(tally.votes.items(), key=lambda item: -item[1]):
            self.stdout.write(
                f"  {lines[line_id].label:<32} {votes:>10,} {votes * 100 / total:6.2f} %"
            )
