"""A witness's round: `manage.py witness URL --key FILE --state DIR` (saylau_verify's)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from saylau_verify.client import VerificationError, WitnessRefusal, witness_step


class Command(BaseCommand):
    help = (
        "Fetch the log's newest checkpoint from the site at URL, check the log's signature and "
        "that it extends the last checkpoint this witness cosigned (kept in --state), cosign "
        "it with the witness key in --key (`transparency_key --witness`) and post the "
        "cosignature. Refuses, saying why and exiting 1, when the log was rewritten or rolled "
        "back. The same step as the standalone verifier's `saylau-verify witness`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="the site, e.g. https://saylau.example")
        parser.add_argument("--key", required=True, help="the witness's private key file")
        parser.add_argument("--state", required=True, help="the witness's state directory")
        parser.add_argument(
            "--log-key", help="the log's verifier key (default: pinned, or the site's at first)"
        )

    def handle(self, *args, url: str, key: str, state: str, log_key: str | None, **options):
        try:
            result = witness_step(url, key, state, log_key=log_key)
        except WitnessRefusal as refusal:
            raise CommandError(f"refused to cosign: {refusal}") from None
        except VerificationError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(result.message)
