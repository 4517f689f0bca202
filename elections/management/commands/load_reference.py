import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from elections.demo.reference import reference_election_load
from elections.selectors import election_counts
from stations.reference import load_dataset, reference_stations_load
from stations.selectors import registry_counts


class Command(BaseCommand):
    help = (
        "Load a reference election (e.g. kz2023) from the project's data: regions, districts "
        "and polling stations, then the election's contests, parties, candidates and ballots. "
        "Deterministic and idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="dataset name, e.g. kz2023")
        parser.add_argument(
            "--stations-only",
            action="store_true",
            help="load only the station registry, not the election",
        )

    def handle(self, *args, name: str, stations_only: bool, **options) -> None:
        try:
            load_dataset(name)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        started = time.monotonic()

        def progress(message: str) -> None:
            self.stderr.write(f"  [{time.monotonic() - started:5.1f} s] {message}")

        stations = reference_stations_load(name=name, progress=progress)
        self.stdout.write(
            f"Stations: {stations}\n"
            "Registry: {regions} regions and abroad, {districts} districts, {stations:,} stations "
            "({abroad} abroad in {countries} countries, {closed} closed).".format(
                **registry_counts()
            )
        )
        if not stations_only:
            self._load_election(name, progress)
        if connection.vendor == "sqlite":
            # SQLite plans without statistics until ANALYZE: a station's coverage was then found
            # by scanning the whole election's (0.8 ms for each of the day's 82,000 reports,
            # 6 µs with them). Postgres gathers its own (autovacuum).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")

    def _load_election(self, name: str, progress) -> None:
        election, report = reference_election_load(name=name, progress=progress)
        self.stdout.write(
            f"Election: {election} ({election.get_status_display()}): {report}\n"
            "Contests: {contests:,} = Mazhilis {mazhilis_list} list + {mazhilis_smd} districts, "
            "regional maslikhats {regional_list} lists + {regional_smd} districts, "
            "{local_bodies} district/city maslikhats with {local_smd:,} districts.\n"
            "Candidates: {candidates:,} ({self_nominated:,} self-nominated), "
            "{parties} parties.".format(**election_counts(election))
        )
