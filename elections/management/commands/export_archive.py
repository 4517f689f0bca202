from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from elections.services.archive import archive_write


class Command(BaseCommand):
    help = (
        "Publish and count whatever is pending, then write the whole election record (every "
        "published record, the scans' checksums, the chain, the totals) as one zip archive that "
        "`verify_results --archive FILE` checks offline."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, nargs="?", help="default: var/archive/saylau-<UTC time>.zip"
        )

    def handle(self, *args, file: Path | None, **options) -> None:
        file = file or Path("var/archive") / f"saylau-{timezone.now():%Y%m%dT%H%M%SZ}.zip"
        file.parent.mkdir(parents=True, exist_ok=True)
        summary = archive_write(file)
        self.stdout.write(
            self.style.SUCCESS(
                f"{file}: {summary.records} records, {summary.scans} scans' checksums, "
                f"{summary.contests} contests' totals; chain head {summary.head}"
            )
        )
