import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from elections.models import PROTOCOL_LINES, Protocol
from tests.elections.conftest import good_numbers

pytestmark = pytest.mark.django_db


def row(night, station=None, **changes) -> dict[str, str]:
    data = good_numbers(**changes)
    return {
        "region": (station or night.station).region.code,
        "station": str((station or night.station).number),
        "contest": night.contest.code,
        **{name: str(data.numbers[name]) for name in PROTOCOL_LINES},
        "votes": ";".join(str(data.votes[p]) for p in sorted(data.votes)),
    }


def write(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "protocols.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(path: Path, user: str) -> str:
    out = StringIO()
    call_command("import_protocols", str(path), "--user", user, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_two_uploads_by_two_clerks_accept_the_protocols(night, tmp_path):
    path = write(
        tmp_path, [row(night), row(night, station=night.neighbour, vote_1=390, vote_2=160)]
    )

    assert "2 entries; protocols now 2 awaiting_second." in run(path, "super1")
    # Another member of the territorial commission uploads the same figures, typed separately.
    assert "2 entries; protocols now 2 accepted." in run(path, "super2")
    assert Protocol.objects.filter(status="accepted").count() == 2


def test_a_bad_row_is_listed_with_its_line_and_nothing_is_imported(night, tmp_path):
    rows = [
        row(night),
        row(night, station=night.neighbour, l6_invalid=20),
        {**row(night), "station": "999"},
        {**row(night), "votes": "400;150"},
    ]
    err = StringIO()

    with pytest.raises(CommandError, match="nothing was imported") as refused:
        call_command(
            "import_protocols",
            str(write(tmp_path, rows)),
            "--user",
            "super1",
            stdout=StringIO(),
            stderr=err,
        )

    printed = err.getvalue()
    assert refused.value.returncode == 1
    assert (
        "line 3: l5_found: Ballots found (600) must equal invalid (20) + valid (590) = 610"
        in printed
    )
    assert "line 4: station: no station '999' in region 'KAR'" in printed
    assert "line 5: votes: line 3 (Against all) needs a whole number of votes from 0" in printed
    assert not Protocol.objects.exists()


def test_a_precinct_clerk_cannot_upload_for_another_station(night, tmp_path):
    err = StringIO()
    path = write(tmp_path, [row(night), row(night, station=night.neighbour)])

    with pytest.raises(CommandError):
        call_command(
            "import_protocols", str(path), "--user", "clerk1", stdout=StringIO(), stderr=err
        )

    assert "line 3: station: station KAR 102 is not in your commission's area" in err.getvalue()
    assert not Protocol.objects.exists()


def test_an_unknown_user_is_a_clear_error(night, tmp_path):
    with pytest.raises(CommandError, match="--user: no active user 'nobody'"):
        run(write(tmp_path, [row(night)]), "nobody")
