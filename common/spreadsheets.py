"""CSV that a spreadsheet opens safely: a text cell is never taken for a formula.

A cell that starts with = + - @ or a tab or carriage return would run as a formula in Excel or
LibreOffice ("CSV injection"); such a cell is written with a leading apostrophe, which the
spreadsheet shows as text. Numbers are written as they are, and so is text that is only a
number ("-51.5", a longitude as an export renders it). Every CSV the site writes goes through
`csv_writer`, and every export of the admin through `safe_cell` (its resources).
"""

import csv
import io
import re
from collections.abc import Iterable
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?")


def safe_cell(value: Any) -> Any:
    """The value, or as text when a spreadsheet would take it for a formula."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class SafeWriter:
    def __init__(self, out: IO[str]):
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: IO[str]) -> SafeWriter:
    return SafeWriter(out)


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterable[str]:
    """Each row as one line of CSV, for a streamed response."""
    out = io.StringIO()
    writer = csv_writer(out)
    for row in rows:
        out.seek(0)
        out.truncate()
        writer.writerow(row)
        yield out.getvalue()
