from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.csv_reading import opened
from elections.models import Election
from elections.services.protocol_import import (
    COLUMNS,
    ProtocolImportError,
    protocols_import,
    read_protocol_csv,
)
from stations.importing import StationImportError, decode_upload


class Command(BaseCommand):
    help = (
        "Upload protocol entries from a CSV file as USER (a first or second entry per row, through "
        "the same checks as the admin), all or nothing. Columns: "
        f"{', '.join(COLUMNS)}; votes are in ballot order separated by ';', 'Against all' last."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="the clerk the entries are made as")
        parser.add_argument("--election", help="election code (default: the one being counted)")
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")

    def handle(self, *args, file: Path, user: str, election: str | None, dry_run: bool, **options):
        clerk = get_user_model().objects.filter(username=user, is_active=True).first()
        if clerk is None:
            raise CommandError(f"--user: no active user {user!r}")
        elections = (
            Election.objects.filter(code=election)
            if election
            else Election.objects.filter(status="counting")
        )
        chosen = elections.order_by("-date").first()
        if chosen is None:
            raise CommandError(f"--election: no election {election or 'being counted'}")
        with opened(file) as (source, size):
            try:
                report = protocols_import(
                    rows=read_protocol_csv(decode_upload(source, size)),
                    user=clerk,
                    election=chosen,
                    dry_run=dry_run,
                )
            except (ProtocolImportError, StationImportError) as exc:  # bad rows, or not UTF-8
                for error in exc.rows:
                    self.stderr.write(f"{file}:{error}")
                raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(str(report)))
