import csv
from argparse import ArgumentTypeError
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.numbers import BIGINT_MAX, parse_whole
from common.spreadsheets import csv_writer
from elections.seats import HARE, ListVotes, SeatAllocationError, allocate_seats

AGAINST_ALL = "against_all"
METHOD_NAMES = {"hare": "hare", "dhondt": "dhondt", "sainte-lague": "sainte_lague"}


def percent(text: str) -> Decimal:
    """--threshold: a percentage from 0 to 100 (argparse names the option when this fails)."""
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ArgumentTypeError(f"a percentage from 0 to 100, not {text!r}") from exc
    if not value.is_finite() or not 0 <= value <= 100:
        raise ArgumentTypeError(f"a percentage from 0 to 100, not {text!r}")
    return value


class Command(BaseCommand):
    help = (
        "Allocate seats between party lists, as the tally does. FILE has 'name,votes' rows in "
        "registration order (ties go to the earlier row); a row named against_all counts in the "
        "threshold base only. Prints name,votes,percent,seats as CSV."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--seats", type=int, required=True)
        parser.add_argument("--threshold", type=percent, default=Decimal(0), help="percent, e.g. 5")
        parser.add_argument("--method", choices=sorted(METHOD_NAMES), default=HARE)

    def handle(self, *args, file: Path, seats: int, threshold: Decimal, method: str, **options):
        lists, against_all = self._read(file)
        try:
            rows = allocate_seats(
                lists=lists,
                against_all=against_all,
                seats=seats,
                threshold_percent=threshold,
                method=METHOD_NAMES[method],
            )
        except SeatAllocationError as exc:
            raise CommandError(exc.message) from exc
        writer = csv_writer(self.stdout)
        writer.writerow(["name", "votes", "percent", "seats"])
        for row in rows:
            writer.writerow([row.name, row.votes, row.percent, row.seats])
        if against_all:
            base = sum(item.votes for item in lists) + against_all
            percent = (Decimal(against_all) * 100 / base).quantize(Decimal("0.01"))
            writer.writerow([AGAINST_ALL, against_all, percent, 0])

    def _read(self, file: Path) -> tuple[list[ListVotes], int]:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        reader = csv.DictReader(text.splitlines(), strict=True)
        try:
            return self._rows(reader, file)
        except csv.Error as exc:  # bad quoting, a cell past the csv module's field limit
            raise CommandError(f"{file}: line {reader.line_num}: not CSV here ({exc})") from exc

    def _rows(self, reader: csv.DictReader, file: Path) -> tuple[list[ListVotes], int]:
        if reader.fieldnames is None or {"name", "votes"} - set(reader.fieldnames):
            raise CommandError(f"{file}: line 1: the header must have the columns name,votes")
        lists, against_all, errors = [], 0, []
        for order, row in enumerate(reader, start=1):
            name, votes = (row.get("name") or "").strip(), (row.get("votes") or "").strip()
            # Digits 0-9 only: Decimal() reads '٣', 'NaN' and '1e999999999' (whose int() would
            # never finish).
            count = parse_whole(votes, maximum=BIGINT_MAX)
            if count is None:
                errors.append(
                    f"line {reader.line_num}: votes: write a whole number ≥ 0, not {votes[:40]!r}"
                )
                continue
            if not name:
                errors.append(f"line {reader.line_num}: name: required")
            elif name == AGAINST_ALL:
                against_all += count
            elif any(item.name == name for item in lists):
                errors.append(f"line {reader.line_num}: name: {name!r} appears twice")
            else:
                lists.append(ListVotes(name=name, votes=count, order=order))
        if errors:
            raise CommandError(f"{file}: " + "; ".join(errors))
        return lists, against_all
