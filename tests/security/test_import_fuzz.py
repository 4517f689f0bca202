"""Every command that reads a file, fed malformed ones: unicode digits, numbers past any
column, wrong columns, an empty file, binary garbage, another encoding, a byte-order mark, bad
quoting, a NUL byte, a cell past the CSV module's limit. Each answers with lines that name the
row and the column, and exits non-zero (a CommandError: `manage.py` prints it and exits 1),
never with a traceback; and the database is as it was, not half imported.
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from elections.models import PROTOCOL_LINES, Protocol, ProtocolEntry, Publication
from stations.models import District, Station
from tests.elections.conftest import good_numbers
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db

NOT_A_NUMBER = ["²", "٣", "-1", "+1", " 1e5", "1.5", "0x1F", "NaN", "Infinity", "1e999999999"]
PAST_ANY_COLUMN = [str(2**31), str(2**63), str(2**64), "9" * 5000]
NOT_TEXT = ["a\x00b"]  # a NUL byte: Postgres refuses it in any text column
PAST_CSV_LIMIT = "x" * 200_000  # csv's field_size_limit is 131,072
# Whole files no import reads, each with what the error must name.
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "line 1: "),
    "binary garbage": (bytes(range(256)) * 4, "line 1: *: the file is not UTF-8 text"),
    "cp1251": ("region,name\r\nАКТ,Школа".encode("cp1251"), "line 1: *: the file is not UTF-8"),
    "utf-16": ("region,name\nAKT,x".encode("utf-16"), "line 1: *: the file is not UTF-8"),
    "unknown column": (b"region,colour\nAKT,red\n", "line 1: colour: unknown column"),
}


def csv_file(tmp_path: Path, header: list[str], rows: list[list[str]]) -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return raw_file(tmp_path, out.getvalue().encode())


def raw_file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "upload.csv"
    path.write_bytes(data)
    return path


def with_cell(header: list[str], row: list[str], column: str, value: str) -> list[str]:
    return [value if name == column else cell for name, cell in zip(header, row, strict=True)]


def refusal(command: Callable[[io.StringIO], None]) -> str:
    """The command's error lines and its CommandError; anything else, said so (a traceback is
    what `manage.py` would print for any other exception)."""
    err = io.StringIO()
    try:
        command(err)
    except CommandError as refused:
        return f"{err.getvalue()}\n{refused}"
    except Exception as exc:  # noqa: BLE001 - the point: no other exception
        return f"TRACEBACK {type(exc).__name__}: {exc}"[:300]
    return "ACCEPTED, exit 0"


def counts() -> dict[str, int]:
    models = [Station, District, Protocol, ProtocolEntry, Publication]
    return {model.__name__: model.objects.count() for model in models}


# --- import_stations ---------------------------------------------------------------------------

STATION_HEADER = ["region", "district", "number", "name", "address", "registered_voters",
                  "latitude", "opening_time", "step_free_access", "kind", "country"]  # fmt: skip
STATION_ROW = ["AKT", "Aktobe", "7", "School No. 7", "5 Abai street", "1800", "50.28", "07:00",
               "yes", "ordinary", "KZ"]  # fmt: skip
STATION_CELLS = {
    "number": NOT_A_NUMBER + PAST_ANY_COLUMN + [""],
    "registered_voters": NOT_A_NUMBER + PAST_ANY_COLUMN + [""],
    "latitude": ["²", "NaN", "Infinity", "1e999999999", "91", *PAST_ANY_COLUMN],
    "opening_time": ["²", "25:00", "7", *PAST_ANY_COLUMN],
    "step_free_access": ["²", "2"],
    "kind": ["²", *PAST_ANY_COLUMN],
    "country": ["٣٣", "K"],
    "region": ["²", "", *NOT_TEXT],
    "district": ["", *NOT_TEXT],
    "name": ["", *NOT_TEXT, "x" * 201],
    "address": ["", *NOT_TEXT],
}


@pytest.fixture
def region():
    return RegionFactory(code="AKT", time_zone="Asia/Aqtobe")


def import_stations(path: Path):
    return lambda err: call_command("import_stations", str(path), stderr=err, stdout=io.StringIO())


def test_the_station_file_as_given_is_imported(region, tmp_path):
    path = csv_file(tmp_path, STATION_HEADER, [STATION_ROW])
    call_command("import_stations", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Station.objects.get(number=7).registered_voters == 1800


@pytest.mark.parametrize("column", STATION_CELLS)
def test_an_odd_cell_in_a_station_file_is_named_by_row_and_column(region, tmp_path, column):
    before, problems = counts(), []
    for value in [*STATION_CELLS[column], PAST_CSV_LIMIT]:
        cells = with_cell(STATION_HEADER, STATION_ROW, column, value)
        path = csv_file(tmp_path, STATION_HEADER, [STATION_ROW, cells])
        message = refusal(import_stations(path))
        if "upload.csv:line 3: " not in message or (
            value != PAST_CSV_LIMIT and column not in message
        ):
            problems.append(f"{column}={value[:30]!r}: {message[:300]}")
    assert not problems, "\n".join(problems)
    assert counts() == before


def bad_station_files() -> dict[str, tuple[bytes, str]]:
    header, good = ",".join(STATION_HEADER), ",".join(STATION_ROW)
    return {
        **BAD_FILES,
        "duplicate column": (f"{header},number\n{good},8\n".encode(), "line 1: number"),
        "bad quoting": (f'{header}\n{good}\n"AKT,x\n'.encode(), "line 3: "),
        "nul byte": (f"{header}\n{good}\nAKT\x00,x\n".encode(), "line 3: "),
    }


@pytest.mark.parametrize("name", bad_station_files())
def test_a_malformed_station_file_is_refused_whole(region, tmp_path, name):
    raw, named = bad_station_files()[name]
    before = counts()
    assert named in refusal(import_stations(raw_file(tmp_path, raw)))
    assert counts() == before


def test_a_byte_order_mark_and_windows_line_ends_are_read(region, tmp_path):
    text = "\r\n".join([",".join(STATION_HEADER), ",".join(STATION_ROW)]) + "\r\n"
    path = raw_file(tmp_path, text.encode("utf-8-sig"))
    call_command("import_stations", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Station.objects.filter(number=7).exists()


# --- import_protocols --------------------------------------------------------------------------

PROTOCOL_HEADER = ["region", "station", "contest", *PROTOCOL_LINES, "votes", "explanation",
                   "remarks"]  # fmt: skip


def protocol_row(night) -> list[str]:
    data = good_numbers()
    return [
        night.station.region.code, str(night.station.number), night.contest.code,
        *[str(data.numbers[name]) for name in PROTOCOL_LINES],
        ";".join(str(data.votes[p]) for p in sorted(data.votes)), "", "",
    ]  # fmt: skip


def import_protocols(path: Path):
    return lambda err: call_command(
        "import_protocols", str(path), "--user", "super1", stderr=err, stdout=io.StringIO()
    )


def protocol_cells(column: str) -> list[str]:
    if column in PROTOCOL_LINES or column == "station":
        return NOT_A_NUMBER + PAST_ANY_COLUMN + [""]
    if column == "votes":
        return ["400;150;²", "400;150;٣", f"400;150;{2**64}", "400;;40", "", *NOT_TEXT]
    if column in ("region", "contest"):
        return ["²", "", *NOT_TEXT]
    return NOT_TEXT  # explanation, remarks


@pytest.mark.parametrize("column", PROTOCOL_HEADER)
def test_an_odd_cell_in_a_protocol_file_is_named_by_row_and_column(night, tmp_path, column):
    before, problems = counts(), []
    good = protocol_row(night)
    # A station the region does not have is a wrong station: the error names the station.
    named = ("station", "region") if column == "region" else (column,)
    for value in [*protocol_cells(column), PAST_CSV_LIMIT]:
        path = csv_file(
            tmp_path, PROTOCOL_HEADER, [with_cell(PROTOCOL_HEADER, good, column, value)]
        )
        message = refusal(import_protocols(path))
        if "upload.csv:line 2: " not in message or (
            value != PAST_CSV_LIMIT and not any(n in message for n in named)
        ):
            problems.append(f"{column}={value[:30]!r}: {message[:300]}")
    assert not problems, "\n".join(problems)
    assert counts() == before


@pytest.mark.parametrize("name", [*BAD_FILES, "header only", "duplicate column", "nul byte"])
def test_a_malformed_protocol_file_is_refused_whole(night, tmp_path, name):
    header, good = ",".join(PROTOCOL_HEADER), ",".join(protocol_row(night))
    raw, named = {
        **BAD_FILES,
        "header only": (f"{header}\n".encode(), "line 1: *: the file has no protocols"),
        "duplicate column": (f"{header},votes\n{good},1\n".encode(), "line 1: votes"),
        "nul byte": (f"{header}\n{good}\x00\n".encode(), "line 2: "),
    }[name]
    before = counts()
    assert named in refusal(import_protocols(raw_file(tmp_path, raw)))
    assert counts() == before


def test_the_protocol_file_as_given_is_imported(night, tmp_path):
    path = csv_file(tmp_path, PROTOCOL_HEADER, [protocol_row(night)])
    call_command("import_protocols", str(path), "--user", "super1", stdout=io.StringIO())
    assert Protocol.objects.get(station=night.station).status == "awaiting_second"


# --- allocate_seats ----------------------------------------------------------------------------


def allocate(path: Path, *options: str):
    return lambda err: call_command(
        "allocate_seats", str(path), "--seats", "10", *options, stderr=err, stdout=io.StringIO()
    )


@pytest.mark.parametrize("votes", [*NOT_A_NUMBER, *PAST_ANY_COLUMN[2:], ""])
def test_odd_votes_for_seat_allocation_are_named_by_row(tmp_path, votes):
    path = csv_file(tmp_path, ["name", "votes"], [["A", "100"], ["B", votes]])
    rule = f"line 3: votes: write a whole number ≥ 0, not {votes.strip()[:40]!r}"
    assert rule in refusal(allocate(path))


@pytest.mark.parametrize("name", [*BAD_FILES, "a cell past the limit"])
def test_a_malformed_seat_file_is_refused(tmp_path, name):
    raw, _ = {
        **BAD_FILES,
        "a cell past the limit": (f"name,votes\nA,{PAST_CSV_LIMIT}".encode(), ""),
    }[name]
    message = refusal(allocate(raw_file(tmp_path, raw)))
    assert "line " in message or "cannot read" in message


@pytest.mark.parametrize("threshold", ["NaN", "Infinity", "-1", "101", "1e999999999"])
def test_an_odd_threshold_is_refused(tmp_path, threshold):
    path = csv_file(tmp_path, ["name", "votes"], [["A", "100"]])
    assert "threshold" in refusal(allocate(path, "--threshold", threshold))


def test_the_seat_file_as_given_is_allocated(tmp_path):
    path = csv_file(tmp_path, ["name", "votes"], [["A", "100"], ["B", "50"]])
    out = io.StringIO()
    call_command("allocate_seats", str(path), "--seats", "3", stdout=out)
    assert out.getvalue().splitlines()[1:] == ["A,100,66.67,2", "B,50,33.33,1"]


# --- verify_results --archive ------------------------------------------------------------------


def archive(tmp_path: Path, members: dict[str, bytes]) -> Path:
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as out:
        for name, data in members.items():
            out.writestr(name, data)
    return path


GOOD_MEMBERS = {
    "manifest.json": json.dumps({"files": {}, "head": None, "records": 0}).encode(),
    "chain.jsonl": b"",
    "scans.csv": b"file,sequence,sha256\n",
    "totals.json": b"{}",
}
ODD_MEMBERS = {
    "manifest.json": [b"[", b"[]", b'"x"', b"\xff", b"[" * 100_000],
    "chain.jsonl": [b"{", b"[]", b'{"record": 1}', b"\xff\xfe", b'{"sequence": "x", "record": {}}'],
    "scans.csv": [b"file,sequence,sha256\nx,\xc2\xb2,y\n", b"file\nx\n", b"\xff"],
    "totals.json": [b"[", b"[]", b'{"night/x": 1}', b'{"night/x": {"lines": []}}'],
}


@pytest.mark.parametrize("member", ODD_MEMBERS)
def test_a_tampered_archive_file_not_in_its_format_is_a_listed_problem(tmp_path, member):
    named = (
        "manifest.json" if member == "manifest.json" else f"{member}: not in the archive's format"
    )
    for data in ODD_MEMBERS[member]:
        path = archive(tmp_path, {**GOOD_MEMBERS, member: data})
        message = refusal(
            lambda err, path=path: call_command(
                "verify_results", "--archive", str(path), stdout=err, stderr=err
            )
        )
        assert "problem(s) in the archive" in message and named in message, (data[:20], message)


@pytest.mark.parametrize("raw", [b"", b"not a zip", bytes(range(256))])
def test_a_file_that_is_no_archive_is_refused(tmp_path, raw):
    path = tmp_path / "archive.zip"
    path.write_bytes(raw)
    message = refusal(
        lambda err: call_command("verify_results", "--archive", str(path), stdout=err, stderr=err)
    )
    assert "not a readable archive" in message


# --- the admin's station import: the same reader, through the page ---------------------------


def station_uploads(region_code: str) -> dict[str, bytes]:
    header, row = (
        ",".join(STATION_HEADER),
        with_cell(STATION_HEADER, STATION_ROW, "region", region_code),
    )

    def lines(*rows: list[str]) -> bytes:
        return "\n".join([header, *[",".join(r) for r in rows]]).encode() + b"\n"

    return {
        "binary garbage": bytes(range(256)) * 4,
        "nul byte": lines([*row[:-1], "K\x00Z"]),
        "unicode digits": lines(with_cell(STATION_HEADER, row, "number", "²")),
        "a number past any column": lines(with_cell(STATION_HEADER, row, "number", str(2**64))),
    }


@pytest.mark.parametrize("name", station_uploads("AKT"))
def test_a_malformed_station_upload_in_the_admin_is_listed_on_the_page(region, staff_client, name):
    before = counts()
    upload = SimpleUploadedFile("stations.csv", station_uploads("AKT")[name], "text/csv")
    response = staff_client.post("/admin/stations/station/import-csv/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200 and "nothing was imported" in page
    where = {
        "binary garbage": "line 1: *: the file is not UTF-8",
        "nul byte": "line 2: country: a NUL character",
    }.get(name, "line 2: number: ")
    assert where in page
    assert counts() == before
