from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.csv_reading import opened
from stations.importing import (
    COLUMNS,
    REQUIRED_COLUMNS,
    StationImportError,
    decode_upload,
    read_station_csv,
    stations_import,
)


class Command(BaseCommand):
    help = (
        "Import polling stations from a CSV file, all or nothing. Stations are matched on "
        f"(region, number). Columns: {', '.join(COLUMNS)}; required: "
        f"{', '.join(REQUIRED_COLUMNS)}. A bad row is reported with its line number and "
        "nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file, UTF-8, header row first")
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")

    def handle(self, *args, file: Path, dry_run: bool, **options) -> None:
        with opened(file) as (source, size):
            try:
                report = stations_import(
                    rows=read_station_csv(decode_upload(source, size)),
                    dry_run=dry_run,
                    progress=lambda message: self.stderr.write(f"  {message}"),
                )
            except StationImportError as exc:
                for error in exc.rows:
                    self.stderr.write(f"{file}:{error}")
                raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(str(report)))
        for district in report.districts_created:
            self.stdout.write(f"  new district: {district}")
