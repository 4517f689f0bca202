from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from elections.models import Contest
from elections.services.aggregation import totals_differences
from elections.services.archive import archive_problems
from elections.services.publication import chain_problems


class Command(BaseCommand):
    help = (
        "Recount every contest's totals from its accepted protocols and compare them with the "
        "stored tallies, and check the publication chain record by record (each hash, each link, "
        "each record against its protocol, no accepted version missing); print each difference "
        "and exit 1 if there is any. With --archive FILE, check an exported archive instead, "
        "offline: no database is read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--archive", type=Path, help="an archive from export_archive")

    def handle(self, *args, archive: Path | None, **options) -> None:
        if archive is not None:
            manifest, differences = archive_problems(archive)
            failed = f"{len(differences)} problem(s) in the archive"
            done = (
                f"{archive}: {manifest.get('records')} records chain up to "
                f"{manifest.get('head')}; every scan matches its record and every contest's "
                "totals equal the sum of its standing records."
            )
        else:
            contests = list(
                Contest.objects.filter(protocols__isnull=False).distinct().order_by("pk")
            )
            differences = totals_differences(contests) + chain_problems()
            failed = f"{len(differences)} difference(s) between the tallies and a recount"
            done = (
                f"{len(contests)} contest(s): tallies equal a recount; the publication chain "
                "verifies end to end."
            )
        for line in differences:
            self.stdout.write(line)
        if differences:
            raise CommandError(failed)
        self.stdout.write(self.style.SUCCESS(done))
