from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "saylau-demo-2023"


class Command(BaseCommand):
    help = (
        "Create the demo login (a superuser) for a local demonstration. Refused when DEBUG is off."
    )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo logins are for local demonstrations; DEBUG is off here.")
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        self.stdout.write(
            f"{'Created' if created else 'Reset'} the demo login: "
            f"user {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r} (superuser)."
        )
