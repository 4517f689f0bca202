from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from elections.models import Election
from integrity.models import ProtocolCopy
from integrity.reference import CONTEST, COPIES, SAMPLE_SIZE, reference_copies_load
from integrity.rules import RULES


class Command(BaseCommand):
    help = (
        "Observers' copies of the published protocols of the party-list contest, submitted "
        "and transcribed blind through the real services (most matching, a few made to "
        "disagree so that every rule a copy can raise shows), and an organisation's parallel "
        "count with its sample's copies. Run after simulate_election_night and "
        "load_observers. Seeded; a second run adds nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("election", nargs="?", default="kz2023", help="election code (kz2023)")
        parser.add_argument("--contest", default=CONTEST, help=f"contest code ({CONTEST})")
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument(
            "--copies", type=int, default=COPIES, help=f"matching copies ({COPIES})"
        )
        parser.add_argument(
            "--sample-size", type=int, default=SAMPLE_SIZE,
            help=f"the parallel count's sample ({SAMPLE_SIZE})",
        )  # fmt: skip
        parser.add_argument(
            "--pvt-seed", default=None, help="the parallel count's seed (<election>-pvt)"
        )

    def handle(self, *args, **options) -> None:
        code = options["election"]
        election = Election.objects.filter(code=code).first()
        if election is None:
            raise CommandError(_("no election %(code)r; run load_reference first") % {"code": code})
        load = reference_copies_load(
            election, contest_code=options["contest"], seed=options["seed"],
            copies=options["copies"], sample_size=options["sample_size"],
            pvt_seed=options["pvt_seed"],
        )  # fmt: skip
        for notice in load.notices:
            self.stdout.write(_("Notice: %(notice)s.") % {"notice": notice})
        if load.contest is None:
            return
        if load.existed:
            self.stdout.write(
                _("Contest %(contest)s has copies already: nothing added.")
                % {"contest": load.contest.code}
            )
        self.stdout.write(
            _("Copies: %(count)s of %(contest)s.")
            % {"count": f"{sum(load.copies.values()):,}", "contest": load.contest.code}
        )
        for source, status in sorted(load.copies):
            what = f"{ProtocolCopy.Source(source).label}: {ProtocolCopy.Status(status).label}"
            self.stdout.write(f"    {what:<64} {load.copies[source, status]:>5,}")
        self.stdout.write(_("  open discrepancies by rule:"))
        for rule in RULES:
            self.stdout.write(f"    {rule.id:<64} {load.discrepancies[rule.id]:>5,}")
        self._parallel_count(load)

    def _parallel_count(self, load) -> None:
        if load.estimates is None:
            return
        count, estimates = load.count, load.estimates
        self.stdout.write(
            _(
                "Parallel count of %(organisation)s: %(reported)s of %(sample)s sampled stations "
                "reported (seed %(seed)s, frame of %(frame)s, SHA-256 %(sha)s)."
            )
            % {
                "organisation": count.organisation, "reported": f"{estimates.reported:,}",
                "sample": f"{count.stations.count():,}", "seed": count.seed,
                "frame": f"{count.frame_size:,}", "sha": count.frame_sha256[:12],
            }
        )  # fmt: skip
        for line in estimates.lines:
            label = str(line.line.label)[:40]
            if line.estimate is None:
                estimate = _("no estimate yet")
            else:
                estimate = f"{100 * line.estimate.share:5.1f} % ± {100 * line.estimate.margin:.1f}"
            official = "—" if line.official is None else f"{100 * line.official:5.1f} %"
            flag = _("  outside the interval") if line.outside else ""
            self.stdout.write(f"    {label:<40} {estimate:<18} {_('official')} {official}{flag}")
