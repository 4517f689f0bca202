"""The Frictionless Data Package: downloaded as a reader takes it, checked as an outsider checks it
(the `frictionless` validator), on a night partly counted; and tampered with, to see it fail."""

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from elections.tasks import sweep
from tests.elections import test_archive

pytestmark = pytest.mark.django_db
PACKAGE = "/results/night/datapackage.json"


def download(to: Path) -> dict:
    """datapackage.json and each table it names, over HTTP, into a folder as a reader saves it."""
    client = Client()
    response = client.get(PACKAGE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    descriptor = response.json()
    (to / "data").mkdir(parents=True)
    (to / "datapackage.json").write_bytes(response.content)
    for resource in descriptor["resources"]:
        table = client.get(f"/results/night/{resource['path']}")
        assert table.status_code == 200 and table.streaming, resource["path"]
        assert table["Content-Type"] == "text/csv; charset=utf-8"
        (to / resource["path"]).write_bytes(b"".join(table.streaming_content))
    return descriptor


def errors(folder: Path) -> list[tuple]:
    """Every error the validator finds, as (table, row number, field, error type)."""
    # Importing frictionless raises the csv module's field size limit for the whole process,
    # which the protocol import's refusal of an oversized cell relies on (and its tests check):
    # imported here, not at collection, and the limit put back.
    limit = csv.field_size_limit()
    try:
        from frictionless import validate

        report = validate(str(folder / "datapackage.json"))
    finally:
        csv.field_size_limit(limit)
    return [
        (task.name, getattr(error, "row_number", None), getattr(error, "field_name", None),
         error.type)
        for task in report.tasks
        for error in task.errors
    ]  # fmt: skip


def rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text())))


def rewrite(path: Path, change) -> None:
    table = rows(path)
    change(table)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(table[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    path.write_text(out.getvalue())


def test_the_package_validates_with_no_error_and_holds_the_published_records(counted, tmp_path):
    descriptor = download(tmp_path)

    assert errors(tmp_path) == []
    assert descriptor["profile"] == "tabular-data-package"
    assert [r["name"] for r in descriptor["resources"]] == [
        "stations", "contests", "ballot_lines", "records", "records_votes", "area_totals",
        "area_votes", "complaints", "discrepancies",
    ]  # fmt: skip
    for resource in descriptor["resources"]:
        assert resource["path"] == f"data/{resource['name']}.csv"
        for field in resource["schema"]["fields"]:
            assert field["description"], (resource["name"], field["name"])
            if field["type"] == "integer":
                assert field["constraints"]["minimum"] >= 0, (resource["name"], field["name"])
    records = next(r for r in descriptor["resources"] if r["name"] == "records")
    assert records["schema"]["primaryKey"] == ["contest", "station"]
    assert {
        "fields": ["station"],
        "reference": {"resource": "stations", "fields": ["station"]},
    } in (records["schema"]["foreignKeys"])

    data = tmp_path / "data"
    published = rows(data / "records.csv")
    # Two stations of three published in both contests: four standing records.
    assert sorted((r["contest"], r["station"]) for r in published) == [
        (counted.party_list.code, "KAR-101"), (counted.party_list.code, "KAR-102"),
        (counted.contest.code, "KAR-101"), (counted.contest.code, "KAR-102"),
    ]  # fmt: skip
    assert {r["station"] for r in rows(data / "stations.csv")} == {"KAR-101", "KAR-102", "PAV-7"}
    votes = {(r["contest"], r["station"], r["position"]): r["votes"]
             for r in rows(data / "records_votes.csv")}  # fmt: skip
    assert votes[(counted.contest.code, "KAR-101", "1")] == "430"
    nation = {(r["contest"], r["position"]): int(r["votes"])
              for r in rows(data / "area_votes.csv") if r["area"] == "nation"}  # fmt: skip
    assert [nation[(counted.party_list.code, p)] for p in "123"] == [700, 400, 80]
    (complaint,) = rows(data / "complaints.csv")
    assert complaint["complainant_name"] == "Auyl party" and complaint["overdue"] == "false"
    (discrepancy,) = rows(data / "discrepancies.csv")
    assert (discrepancy["station"], discrepancy["rule"]) == ("KAR-101", "copy_differs")
    assert json.loads(discrepancy["detail"])["fields"]["vote:1"] == {"copy": 400, "published": 430}


def test_a_negative_count_fails_validation(counted, tmp_path):
    download(tmp_path)

    def negative(table):
        table[0]["l6_invalid"] = "-5"

    rewrite(tmp_path / "data" / "records.csv", negative)
    assert errors(tmp_path) == [("records", 2, "l6_invalid", "constraint-error")]


def test_a_record_naming_a_station_that_does_not_exist_fails_validation(counted, tmp_path):
    download(tmp_path)

    def elsewhere(table):
        table[0]["station"] = "KAR-999"

    rewrite(tmp_path / "data" / "records.csv", elsewhere)
    found = errors(tmp_path)
    assert ("records", 2, None, "foreign-key") in found
    # The votes of the record it was still point at that record, which is gone.
    assert {(table, row, kind) for table, row, _field, kind in found} == {
        ("records", 2, "foreign-key"),
        *(("records_votes", n, "foreign-key") for n in (2, 3, 4)),
    }


def test_votes_for_a_ballot_line_the_contest_does_not_have_fail_validation(counted, tmp_path):
    download(tmp_path)

    def ninth_line(table):
        table[0]["position"] = "9"

    rewrite(tmp_path / "data" / "records_votes.csv", ninth_line)
    assert errors(tmp_path) == [("records_votes", 2, None, "foreign-key")]


def test_the_snapshot_storage_holds_the_package_with_each_tables_hash(counted, settings):
    media = Path(settings.MEDIA_ROOT)
    pointer = json.loads((media / "results/night/standards/current.json").read_text())
    assert pointer["publications_up_to"] == 4
    folder = media / Path(pointer["datapackage"]).parent
    assert errors(folder) == []
    descriptor = json.loads((folder / "datapackage.json").read_text())
    assert all(r["hash"].startswith("sha256:") for r in descriptor["resources"])
    assert json.loads((media / pointer["nist"]).read_text())["Format"] == "precinct-level"

    # A table changed after it was written no longer has its hash.
    with (folder / "data" / "stations.csv").open("a") as table:
        table.write("KAR-103,KAR,KAR Region,1,District 0,103,School,Street,ordinary\n")
    assert ("stations", None, None, "hash-count") in errors(folder)


def test_a_new_publication_writes_new_files_and_moves_the_pointer(counted, settings):
    media = Path(settings.MEDIA_ROOT)
    folder = media / "results/night/standards"
    sweep()  # nothing new published: the files stand as they are
    assert sorted(p.name for p in folder.iterdir()) == ["4", "current.json"]

    counted.accept(counted.other_station, counted.party_list)
    sweep()

    assert sorted(p.name for p in folder.iterdir()) == ["4", "5", "current.json"]
    pointer = json.loads((folder / "current.json").read_text())
    assert pointer["publications_up_to"] == 5
    records = rows(folder / "5" / "data" / "records.csv")
    assert "PAV-7" in {r["station"] for r in records}
    assert "PAV-7" not in {r["station"] for r in rows(folder / "4" / "data" / "records.csv")}


def test_the_election_archive_holds_the_package_and_the_manifest_its_hashes(counted, tmp_path):
    archive = tmp_path / "archive.zip"
    call_command("export_archive", str(archive), stdout=io.StringIO())

    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        opened.extractall(tmp_path / "unzipped")
    folder = tmp_path / "unzipped" / "standards" / "night"
    assert errors(folder) == []
    for name in ("datapackage.json", "data/records.csv", "nist-1500-100.json"):
        assert f"standards/night/{name}" in manifest["files"]
    assert "FAILED" not in test_archive.verify(archive)

    # A table changed in the archive is a problem its offline check names.
    member = "standards/night/data/records.csv"
    test_archive.rewrite(archive, member, lambda data: data.replace(b"590", b"591"), False)
    assert f"{member}: its SHA-256 differs from the manifest's" in test_archive.verify(archive)


@pytest.mark.parametrize(
    "url",
    [
        "/results/nowhere/datapackage.json",
        "/results/nowhere/data/records.csv",
        "/results/nowhere/nist-1500-100.json",
        "/results/night/data/protocols.csv",
    ],
)
def test_an_unknown_election_or_table_is_404(counted, url):
    assert Client().get(url).status_code == 404
