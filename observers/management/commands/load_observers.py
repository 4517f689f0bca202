from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from elections.management.commands.create_demo_users import DEMO_PASSWORD
from elections.models import Election
from observers.reference import demo_logins, reference_observers_load, reference_visits_simulate


class Command(BaseCommand):
    help = (
        "Accredit the reference election's observers through the real services: 793 "
        "international (131 from 41 states, 662 from 12 organisations), domestic organisations "
        "nationwide and per region, and the parties' observers. With --visits, also their "
        "election-day visits and notes. Seeded; a second run adds nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--election", default="kz2023", help="election code (kz2023)")
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument(
            "--visits", action="store_true", help="simulate their visits and notes too"
        )
        parser.add_argument(
            "--demo-logins", action="store_true",
            help="give an OSCE/ODIHR observer and their coordinator demo logins (DEBUG only)",
        )  # fmt: skip

    def handle(self, *args, **options) -> None:
        election = Election.objects.filter(code=options["election"]).first()
        if election is None:
            raise CommandError(
                f"--election: no election {options['election']!r}; run load_reference first"
            )
        population = reference_observers_load(election, seed=options["seed"])
        self.stdout.write(f"Observers: {population}.")
        if options["demo_logins"]:
            if not settings.DEBUG:
                raise CommandError("Demo logins are for local demonstrations; DEBUG is off here.")
            for username, purpose in demo_logins(election, DEMO_PASSWORD).items():
                self.stdout.write(f"  {username:<11} {purpose}")
        if options["visits"]:
            visits, notes = reference_visits_simulate(election, seed=options["seed"])
            self.stdout.write(f"Election day: {visits:,} visits, {notes:,} notes.")
