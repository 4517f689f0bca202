"""`manage.py forensics --election CODE [--contest CODE]` or `--csv FILE`: the forensic figures
of a count (forensics/analysis.py), from this site's published records or from any per-station
CSV with the columns station, voters, given, received, leader_votes (and, to compare areas,
region and district) — the file the integrity pages offer is one."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forensics.analysis import DISTRICT, NATION, REGION, SEED, Analysis, Row, analyse
from forensics.records import contest_records, party_list
from forensics.services import rows_of
from forensics.stats import REPLICATES, benford_second_digit_mean
from stations.models import District

REQUIRED = ("station", "voters", "given", "received", "leader_votes")
AREAS = ("region", "district")


class Command(BaseCommand):
    help = "Print a count's forensic figures: integer-percentage excess, digits, correlation."

    def add_arguments(self, parser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--election", help="an election's code: its published records")
        source.add_argument(
            "--csv", type=Path,
            help="a per-station CSV: " + ", ".join(REQUIRED) + " (and region, district)",
        )  # fmt: skip
        parser.add_argument("--contest", help="a contest's code (default: the party-list one)")
        parser.add_argument("--seed", type=int, default=SEED, help="the resampling's seed")
        parser.add_argument("--replicates", type=int, default=REPLICATES)

    def handle(self, *args, **options) -> None:
        names: dict[str, str] = {}
        if options["csv"]:
            rows, label = _read_csv(options["csv"]), str(options["csv"])
        else:
            try:
                contest = party_list(options["election"], options["contest"])
            except LookupError as exc:
                raise CommandError(str(exc)) from exc
            rows, label = rows_of(contest_records(contest)), f"{options['election']} {contest.code}"
            districts = District.objects.filter(pk__in={int(row.district) for row in rows})
            names = {
                str(d.pk): f"{d.region.code} {d.name}" for d in districts.select_related("region")
            }
        if len(rows) < 2:
            raise CommandError("fewer than two stations: nothing to compare")
        if options["replicates"] < 2:
            raise CommandError("--replicates: at least 2, to estimate the null's spread")
        analysis = analyse(rows, seed=options["seed"], replicates=options["replicates"])
        self._print(label, analysis, names)

    def _print(self, label: str, analysis: Analysis, names: dict[str, str]) -> None:
        write = self.stdout.write
        whole = analysis.areas[(NATION, "")]
        excess, digits = whole.excess, whole.digits
        write(f"{label}: {whole.stations:,} stations, {excess.stations:,} counted "
              f"(at least 100 voters, turnout and share at most 99 %).")  # fmt: skip
        write(f"  whole-number percentages: observed {excess.observed:,}, null "
              f"{excess.null_mean:,.1f} ± {excess.null_sd:.1f} (seed {excess.seed}, "
              f"{analysis.replicates} replicates), excess {excess.excess:+,.1f}, "
              f"z {excess.z:+.2f}, p {excess.p:.3g}")  # fmt: skip
        write(f"  correlation of turnout with the leader's share: {whole.correlation:+.3f}")
        write(f"  stations with both at or above 95 %: {whole.both_high:,}; voters at stations "
              f"with both at or above 80 %: {whole.top_right:.1%}")  # fmt: skip
        write(f"  digits (weak evidence on their own): second-digit mean {digits.second_mean:.3f} "
              f"(clean {benford_second_digit_mean():.3f}), last-digit mean "
              f"{digits.last_mean:.3f} (4.5), ending in 0 or 5 {digits.zero_or_five:.3f} (0.2), "
              f"of {digits.counts:,} counts")  # fmt: skip
        for level, name in ((REGION, "regions"), (DISTRICT, "districts")):
            areas = analysis.level(level)
            if not areas:
                continue
            flagged = [area for area in areas if area.flagged]
            write(f"  {len(areas)} {name} compared (Benjamini–Hochberg, false-discovery rate "
                  f"5 %): {len(flagged)} flagged")  # fmt: skip
            for area in flagged if level == DISTRICT else areas:
                mark = "  flagged" if area.flagged else ""
                name = names.get(area.key, area.key)[:28]
                write(f"    {name:<28} {area.stations:>6,} stations  excess "
                      f"{area.excess.excess:+8.1f}  z {area.excess.z:+6.2f}  "
                      f"p {area.excess.p:.3g}{mark}")  # fmt: skip
        signals = analysis.signals
        write(f"  stations worth a look (a signal, never a verdict): {len(signals):,}")


def _read_csv(path: Path) -> list[Row]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            columns = reader.fieldnames or []
            missing = [name for name in REQUIRED if name not in columns]
            if missing:
                raise CommandError(f"{path}: no column {', '.join(missing)} (needs {REQUIRED})")
            return [_row(path, line, row) for line, row in enumerate(reader, start=2)]
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}") from exc


def _row(path: Path, line: int, row: dict) -> Row:
    try:
        values = [int(row[name]) for name in REQUIRED[1:]]
    except (TypeError, ValueError) as exc:
        raise CommandError(
            f"{path}, line {line}: voters, given, received and leader_votes are whole numbers "
            f"(station {row.get('station')!r})"
        ) from exc
    if min(values) < 0:
        raise CommandError(f"{path}, line {line}: a count is negative")
    areas = {name: (row.get(name) or "").strip() for name in AREAS}
    return Row(row["station"], *values, **areas)
