import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stations.reference import load_dataset, reference_stations_load
from stations.selectors import registry_counts


class Command(BaseCommand):
    help = (
        "Load a reference election (e.g. kz2023) from the project's data: its regions, "
        "districts and polling stations. Deterministic and idempotent: a second run "
        "changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="dataset name, e.g. kz2023")

    def handle(self, *args, name: str, **options) -> None:
        try:
            load_dataset(name)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        started = time.monotonic()
        report = reference_stations_load(
            name=name, progress=lambda message: self.stderr.write(f"  {message}")
        )
        counts = registry_counts()
        self.stdout.write(
            f"Stations: {report}\n"
            "Registry: {regions} regions and abroad, {districts} districts, {stations:,} stations "
            "({abroad} abroad in {countries} countries, {closed} closed).\n".format(**counts)
            + f"Done in {time.monotonic() - started:.1f} s."
        )
