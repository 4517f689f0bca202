import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from stations.importing import COLUMNS
from stations.models import District, Station
from tests.factories import DistrictFactory, RegionFactory, StationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions():
    return {
        "AKT": RegionFactory(code="AKT", time_zone="Asia/Aqtobe"),
        "ABR": RegionFactory(code="ABR", kind="abroad", time_zone="Asia/Almaty"),
    }


def row(**overrides: str) -> dict[str, str]:
    base = {
        "region": "AKT",
        "district": "Aktobe",
        "number": "1",
        "name": "Secondary school No. 7",
        "address": "5 Abai street, Aktobe",
        "registered_voters": "1800",
    }
    return {**base, **overrides}


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_import(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_stations", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(path: Path) -> str:
    """Run an import that must fail; return everything it printed."""
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_stations", str(path), stdout=StringIO(), stderr=err)
    assert excinfo.value.returncode == 1
    return f"{err.getvalue()}\n{excinfo.value}"


def test_it_imports_every_row_and_creates_the_districts_it_names(regions, tmp_path):
    path = write_csv(
        tmp_path / "stations.csv",
        [
            row(),
            row(number="2", district="Khromtau district", kind="closed", step_free_access="yes"),
            row(
                region="ABR",
                district="Germany",
                number="1",
                name="Embassy of Kazakhstan in Berlin",
                kind="abroad",
                country="DE",
                time_zone="Europe/Berlin",
                registered_voters="300",
            ),
        ],
        columns=COLUMNS,
    )

    out, _ = run_import(path)

    assert "3 created, 0 updated, 0 unchanged, 3 new district(s)" in out
    school = Station.objects.get(region__code="AKT", number=1)
    assert (school.time_zone, school.country, school.kind) == ("Asia/Aqtobe", "KZ", "ordinary")
    assert school.district.kind == District.Kind.DISTRICT
    closed = Station.objects.get(region__code="AKT", number=2)
    assert (closed.kind, closed.step_free_access) == ("closed", True)
    embassy = Station.objects.abroad().get()
    assert (embassy.country, embassy.time_zone, embassy.district.kind) == (
        "DE",
        "Europe/Berlin",
        "country",
    )


def test_importing_the_same_file_again_changes_nothing_and_a_changed_row_updates(regions, tmp_path):
    path = write_csv(tmp_path / "stations.csv", [row(), row(number="2")])
    run_import(path)

    out, _ = run_import(path)
    assert "0 created, 0 updated, 2 unchanged" in out

    write_csv(path, [row(), row(number="2", registered_voters="1900")])
    out, _ = run_import(path)
    assert "0 created, 1 updated, 1 unchanged" in out
    assert Station.objects.get(number=2).registered_voters == 1900


def test_a_dry_run_reports_and_saves_nothing(regions, tmp_path):
    out, _ = run_import(write_csv(tmp_path / "s.csv", [row()]), "--dry-run")

    assert "Dry run, nothing saved: would have 1 created" in out
    assert not Station.objects.exists()
    assert not District.objects.exists()


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        (row(region="XYZ"), "line 3: region: unknown region 'XYZ'"),
        (row(number="1"), "line 3: number: station 1 of AKT is already on line 2"),
        (
            row(registered_voters="-5"),
            "line 3: registered_voters: Ensure this value is greater than or equal to 0.",
        ),
        (row(time_zone="Asia/Nowhere"), "line 3: time_zone: Asia/Nowhere is not an IANA time zone"),
        (row(name=""), "line 3: name: This field is required."),
        (row(number="seven"), "line 3: number: Enter a whole number."),
        (row(step_free_access="maybe"), "line 3: step_free_access: write yes or no, not 'maybe'"),
        (
            row(region="ABR", kind="abroad", time_zone="Europe/Paris"),
            "line 3: country: a station abroad needs",
        ),
        (
            row(kind="abroad"),
            "line 3: kind: a station in region AKT must be ordinary or closed, not abroad",
        ),
    ],
)
def test_a_bad_row_is_named_with_its_line_and_rule_and_nothing_is_imported(
    regions, tmp_path, bad_row, expected
):
    path = write_csv(tmp_path / "s.csv", [row(), bad_row], columns=COLUMNS)

    printed = refused(path)

    assert expected in printed
    assert "nothing was imported" in printed
    assert not Station.objects.exists()
    assert not District.objects.exists()


def test_every_bad_row_is_listed_not_just_the_first(regions, tmp_path):
    rows = [
        row(),
        row(number="2", registered_voters="-1"),
        row(number="3"),
        row(number="4", region="Q"),
    ]

    printed = refused(write_csv(tmp_path / "s.csv", rows))

    assert "line 3: registered_voters" in printed
    assert "line 5: region" in printed
    assert "2 problem(s) on 2 line(s)" in printed


def test_a_missing_or_unknown_column_is_refused_before_any_row(regions, tmp_path):
    rows = [{k: v for k, v in row().items() if k != "address"} | {"adress": "typo"}]

    printed = refused(write_csv(tmp_path / "s.csv", rows))

    assert "line 1: address: required column is missing" in printed
    assert "line 1: adress: unknown column" in printed


def test_a_refused_update_leaves_the_existing_stations_as_they_were(regions, tmp_path):
    station = StationFactory(
        region=regions["AKT"],
        district=DistrictFactory(region=regions["AKT"], name="Aktobe"),
        number=1,
    )
    path = write_csv(
        tmp_path / "s.csv", [row(registered_voters="99"), row(number="2", region="NOPE")]
    )

    refused(path)

    station.refresh_from_db()
    assert station.registered_voters == 1500
    assert Station.objects.count() == 1


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_stations", str(tmp_path / "missing.csv"))


def test_a_file_that_is_not_utf8_is_refused(regions, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "region,district,number,name,address,registered_voters\nAKT,Актобе,1,x,y,1\n".encode(
            "cp1251"
        )
    )

    assert "the file is not UTF-8 text" in refused(path)
