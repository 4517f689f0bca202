"""Reading a CSV file with a header, row by row: what every importer of the project shares."""

import csv
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from common.errors import NON_FIELD, ApplicationError


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("line %(line)s: %(field)s: %(message)s") % {
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


class RowsRefused(ApplicationError):
    """A file refused whole: ``rows`` lists each problem by line; ``errors`` maps each field
    (a problem of no one column, field ``"*"``, under ``NON_FIELD``) to ``"line N: rule"``."""

    def __init__(self, message: str, rows: list[RowError]) -> None:
        errors: dict[str, list[str]] = {}
        for row in rows:
            name = NON_FIELD if row.field == "*" else row.field
            errors.setdefault(name, []).append(
                _("line %(line)s: %(message)s") % {"line": row.line, "message": row.message}
            )
        super().__init__(message, errors=errors)
        self.rows = rows


def csv_rows(
    stream: IO[str],
    *,
    columns: list[str],
    required: list[str],
    error: Callable[[list[RowError]], ApplicationError],
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, cells) for each data row of a CSV file with a header.

    A missing required column, an unknown column or a row with more cells than columns is
    refused with ``error``: nothing in a file is ever silently left out.
    """
    reader = csv.DictReader(stream, strict=True)  # a stray quote is an error, not a guess
    try:
        header = [h.strip().lstrip("\ufeff") for h in reader.fieldnames or []]
    except csv.Error as exc:
        raise error(
            [RowError(reader.line_num or 1, "*", _("not a CSV file (%(error)s)") % {"error": exc})]
        ) from exc
    errors = [RowError(1, c, _("required column is missing")) for c in required if c not in header]
    errors += [
        RowError(
            1,
            c,
            _("unknown column; the columns are: %(columns)s") % {"columns": ", ".join(columns)},
        )
        for c in header
        if c not in columns
    ]
    errors += [RowError(1, c, _("the column appears twice")) for c in sorted(_twice(header))]
    if errors:
        raise error(errors)
    reader.fieldnames = header
    while True:
        starts = reader.line_num + 1  # a quoted cell may run over several lines
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # bad quoting, a cell past the csv module's field limit
            raise error(
                [RowError(starts, "*", _("not CSV from here (%(error)s)") % {"error": exc})]
            ) from exc
        if None in cells:
            raise error([RowError(reader.line_num, "*", _("more cells than columns"))])
        if nul := [name for name, value in cells.items() if "\x00" in (value or "")]:
            # No text column takes a NUL character (Postgres refuses it outright).
            raise error([RowError(reader.line_num, name, _("a NUL character")) for name in nul])
        yield reader.line_num, {k: (v or "").strip() for k, v in cells.items()}


def _twice(header: list[str]) -> set[str]:
    return {name for name, count in Counter(header).items() if count > 1}


@contextmanager
def opened(path: Path) -> Iterator[tuple[IO[bytes], int]]:
    """A file a command was given, and its size; a file that cannot be read is the command's
    error, naming it and why."""
    try:
        source, size = path.open("rb"), path.stat().st_size
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
    with source:
        yield source, size
