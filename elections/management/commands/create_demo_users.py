from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from elections.models import Assignment
from elections.services.credentials import two_factor_enrol
from elections.services.staff import staff_assign
from stations.models import Region, Station

DEMO_PASSWORD = "saylau-demo-2023"
# Every demo login shares one authenticator key and these backup codes, printed by the command;
# real staff are enrolled one by one with `enrol_two_factor`.
DEMO_TOTP_KEY_HEX = "5361796c61752064656d6f206b65792032303233"
DEMO_BACKUP_CODES = ["demo2023a", "demo2023b", "demo2023c", "demo2023d", "demo2023e"]
DEMO_REGION = "AST"
DEMO_STATION = 1
# username → (role, what the login is for)
DEMO_USERS = {
    "clerk1": (
        "precinct",
        f"precinct commission of station {DEMO_REGION} {DEMO_STATION}: first entry",
    ),
    "clerk2": (
        "precinct",
        f"precinct commission of station {DEMO_REGION} {DEMO_STATION}: second entry",
    ),
    "supervisor": ("territorial", f"territorial commission of {DEMO_REGION}: review"),
    "cec": ("cec", "Central Election Commission: everything"),
    "auditor": ("auditor", "read-only, nationwide"),
}


class Command(BaseCommand):
    help = (
        "Create the demo logins, one per role plus a superuser, all with the same password. "
        "Refused when DEBUG is off."
    )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo logins are for local demonstrations; DEBUG is off here.")
        users = get_user_model().objects
        admin, _ = users.get_or_create(
            username="demo", defaults={"is_staff": True, "is_superuser": True}
        )
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        enrolment = two_factor_enrol(
            user=admin, key_hex=DEMO_TOTP_KEY_HEX, backup_codes=DEMO_BACKUP_CODES
        )
        region = Region.objects.filter(code=DEMO_REGION).first()
        station = Station.objects.filter(region=region, number=DEMO_STATION).first()
        if station is None:
            raise CommandError("Load the reference stations first: manage.py load_reference kz2023")
        lines = [f"  demo        superuser (password {DEMO_PASSWORD} for every demo login)"]
        for username, (role, purpose) in DEMO_USERS.items():
            user, _ = users.get_or_create(username=username)
            user.set_password(DEMO_PASSWORD)
            user.save()
            two_factor_enrol(user=user, key_hex=DEMO_TOTP_KEY_HEX, backup_codes=DEMO_BACKUP_CODES)
            if not user.assignments.exists():
                scope = {
                    Assignment.Role.PRECINCT: {"station": station},
                    Assignment.Role.TERRITORIAL: {"region": region},
                }.get(role, {})
                staff_assign(user=user, role=role, **scope)
            lines.append(f"  {username:<11} {purpose}")
        self.stdout.write("Demo logins:\n" + "\n".join(lines))
        self.stdout.write(
            "Staff sign in with a second factor; the demo logins are pre-enrolled and share it:\n"
            f"  a code from an authenticator app given the key {enrolment.key}\n"
            f"  ({enrolment.config_url}),\n"
            "  or a backup code, each good once per login: " + " ".join(DEMO_BACKUP_CODES)
        )
