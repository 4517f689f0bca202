import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from elections.services.credentials import two_factor_enrol


class Command(BaseCommand):
    help = (
        "Give a member of staff a new authenticator key (shown as a QR code) and backup codes; "
        "the earlier ones stop working, and so do the person's API tokens. Hand the output to "
        "that person only."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"username: no user {username!r}.")
        enrolment = two_factor_enrol(user=user)
        segno.make(enrolment.config_url).terminal(out=self.stdout, compact=True)
        self.stdout.write(
            f"Scan the code above with an authenticator app, or type in the key {enrolment.key}.\n"
            "Backup codes, each good for one sign-in: " + " ".join(enrolment.backup_codes)
        )
