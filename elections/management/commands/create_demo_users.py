from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from elections.models import Assignment
from elections.services.staff import staff_assign
from stations.models import Region, Station

DEMO_PASSWORD = "saylau-demo-2023"
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
        region = Region.objects.filter(code=DEMO_REGION).first()
        station = Station.objects.filter(region=region, number=DEMO_STATION).first()
        if station is None:
            raise CommandError("Load the reference stations first: manage.py load_reference kz2023")
        lines = [f"  demo        superuser (password {DEMO_PASSWORD} for every demo login)"]
        for username, (role, purpose) in DEMO_USERS.items():
            user, _ = users.get_or_create(username=username)
            user.set_password(DEMO_PASSWORD)
            user.save()
            if not user.assignments.exists():
                scope = {
                    Assignment.Role.PRECINCT: {"station": station},
                    Assignment.Role.TERRITORIAL: {"region": region},
                }.get(role, {})
                staff_assign(user=user, role=role, **scope)
            lines.append(f"  {username:<11} {purpose}")
        self.stdout.write("Demo logins:\n" + "\n".join(lines))
