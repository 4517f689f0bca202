from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from complaints.models import Complaint
from complaints.reference import reference_complaints_load
from elections.models import Election


class Command(BaseCommand):
    help = (
        "Enter a complaints register shaped like the 2023 election's through the real "
        "services: 166 candidates' lawsuits (55 Supreme Court, 104 administrative, 7 district "
        "courts; 49 upheld, 84 dismissed, 16 not considered, 15 withdrawn, 2 pending; 135 "
        "against district commissions) and observers' and voters' election-day complaints. "
        "Seeded; a second run adds nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("election", nargs="?", default="kz2023", help="election code (kz2023)")
        parser.add_argument("--seed", type=int, default=2023)

    def handle(self, *args, **options) -> None:
        code = options["election"]
        election = Election.objects.filter(code=code).first()
        if election is None:
            raise CommandError(_("no election %(code)r; run load_reference first") % {"code": code})
        register = reference_complaints_load(election, seed=options["seed"])
        for notice in register.notices:
            self.stdout.write(_("Notice: %(notice)s.") % {"notice": notice})
        if register.existed:
            self.stdout.write(
                _("Election %(code)s has a complaints register already: nothing added.")
                % {"code": code}
            )
        self.stdout.write(
            _("Complaints: %(count)s in the register of %(code)s.")
            % {"count": f"{register.complaints:,}", "code": code}
        )
        self.stdout.write(_("  by body:"))
        for (level, court), count in sorted(register.by_body.items(), key=_in_order):
            body = Complaint.Level(level).label
            if court:
                body = f"{body}: {Complaint.Court(court).label}"
            self.stdout.write(f"    {body:<58} {count:>5,}")
        self.stdout.write(_("  by status:"))
        for (status, outcome), count in sorted(register.by_status.items(), key=_in_order):
            state = Complaint.Status(status).label
            if outcome:
                state = f"{state}: {Complaint.Outcome(outcome).label}"
            self.stdout.write(f"    {state:<58} {count:>5,}")


def _in_order(item) -> tuple[int, int]:
    """The summary's lines in the order of the model's choices (body, then court; status,
    then outcome), as the admin lists them."""
    (first, second), _count = item
    for primary, secondary in (
        (Complaint.Level.values, Complaint.Court.values),
        (Complaint.Status.values, Complaint.Outcome.values),
    ):
        if first in primary:
            return primary.index(first), secondary.index(second) if second else -1
    return 0, 0
