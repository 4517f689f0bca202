"""`manage.py forensics --election CODE [--contest CODE]` or `--csv FILE`: the forensic figures
of a count (forensics/stats.py), from this site's published records or from any per-station
CSV with the columns station, voters, given, received, leader_votes."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forensics.records import contest_stations
from forensics.stats import (
    Stations,
    benford_second_digit_mean,
    both_high,
    correlation,
    digit_tests,
    integer_excess,
)

COLUMNS = ("station", "voters", "given", "received", "leader_votes")


class Command(BaseCommand):
    help = "Print a count's forensic figures: integer-percentage excess, digits, correlation."

    def add_arguments(self, parser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--election", help="an election's code: its published records")
        source.add_argument("--csv", type=Path, help="a per-station CSV: " + ", ".join(COLUMNS))
        parser.add_argument("--contest", help="a contest's code (default: the party-list one)")
        parser.add_argument("--seed", type=int, default=2016, help="the resampling's seed")
        parser.add_argument("--replicates", type=int, default=1000)

    def handle(self, *args, **options) -> None:
        if options["csv"]:
            stations, label = _read_csv(options["csv"]), str(options["csv"])
        else:
            try:
                label, rows = contest_stations(options["election"], options["contest"])
            except LookupError as exc:
                raise CommandError(str(exc)) from exc
            stations = Stations.of(rows)
        if len(stations) < 2:
            raise CommandError("fewer than two stations: nothing to compare")
        excess = integer_excess(stations, seed=options["seed"], replicates=options["replicates"])
        digits = digit_tests(stations.leader)
        write = self.stdout.write
        write(f"{label}: {len(stations):,} stations, {excess.stations:,} counted "
              f"(at least 100 voters, turnout and share at most 99 %).")  # fmt: skip
        write(f"  whole-number percentages: observed {excess.observed:,}, null "
              f"{excess.null_mean:,.1f} ± {excess.null_sd:.1f} (seed {excess.seed}, "
              f"{options['replicates']} replicates), excess {excess.excess:+,.1f}, "
              f"z {excess.z:+.2f}, p {excess.p:.3g}")  # fmt: skip
        write(f"  correlation of turnout with the leader's share: {correlation(stations):+.3f}")
        write(f"  stations with both at or above 95 %: {both_high(stations):,}")
        write(f"  digits (weak evidence on their own): second-digit mean {digits.second_mean:.3f} "
              f"(clean {benford_second_digit_mean():.3f}), last-digit mean "
              f"{digits.last_mean:.3f} (4.5), ending in 0 or 5 {digits.zero_or_five:.3f} (0.2), "
              f"of {digits.counts:,} counts")  # fmt: skip


def _read_csv(path: Path) -> Stations:
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
            if missing:
                raise CommandError(f"{path}: no column {', '.join(missing)} (needs {COLUMNS})")
            rows = []
            for line, row in enumerate(reader, start=2):
                try:
                    values = [int(row[name]) for name in COLUMNS[1:]]
                except (TypeError, ValueError) as exc:
                    raise CommandError(
                        f"{path}, line {line}: voters, given, received and leader_votes are "
                        f"whole numbers (station {row.get('station')!r})"
                    ) from exc
                if min(values) < 0:
                    raise CommandError(f"{path}, line {line}: a count is negative")
                rows.append(values)
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}") from exc
    return Stations.of(rows)
