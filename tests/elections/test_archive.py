"""The election archive: exported whole, checked offline, and any tampering found."""

import dataclasses
import json
import zipfile
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from elections.models import Protocol
from elections.services.protocols import (
    protocol_decide_correction,
    protocol_propose_correction,
    protocol_submit_entry,
)
from tests.elections.conftest import good_numbers

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(night, tmp_path):
    """A counted night: a station with a scan, a neighbour corrected once, then exported."""
    scanned = dataclasses.replace(good_numbers(), scan=SimpleUploadedFile("p.pdf", b"%PDF-1"))
    for user in (night.clerk, night.clerk2):
        protocol_submit_entry(station=night.station, contest=night.contest, user=user,
                              data=scanned if user == night.clerk else good_numbers())  # fmt: skip
    accepted = night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))
    correction = protocol_propose_correction(
        protocol=accepted, user=night.supervisor, reason="recount",
        data=good_numbers(vote_1=290, vote_2=260),
    )  # fmt: skip
    protocol_decide_correction(correction=correction, user=night.supervisor2, approve=True)
    path = tmp_path / "night.zip"
    out = StringIO()
    call_command("export_archive", str(path), stdout=out)  # publishes and counts what is pending
    assert "3 records, 1 scans' checksums, 1 contests' totals" in out.getvalue()
    return path


def verify(path) -> str:
    out = StringIO()
    try:
        call_command("verify_results", archive=path, stdout=out)
    except CommandError as exc:
        return out.getvalue() + f"FAILED: {exc}"
    return out.getvalue()


def rewrite(path, name, change, manifest_too=True):
    """Replace one member of the archive, as a forger would; optionally fix up the manifest."""
    import hashlib

    with zipfile.ZipFile(path) as original:
        members = {n: original.read(n) for n in original.namelist()}
    members[name] = change(members[name])
    if manifest_too:
        manifest = json.loads(members["manifest.json"])
        manifest["files"][name] = hashlib.sha256(members[name]).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as forged:
        for member, data in members.items():
            forged.writestr(member, data)


def test_an_exported_archive_verifies_offline(archive, django_assert_num_queries):
    with django_assert_num_queries(0):  # nothing but the file
        report = verify(archive)

    assert "3 records chain up to" in report and "FAILED" not in report


def test_a_changed_file_breaks_the_manifest(archive):
    def one_more_station(data):
        return data.replace(b'"stations_accepted": 2', b'"stations_accepted": 3')

    rewrite(archive, "totals.json", one_more_station, manifest_too=False)

    assert "totals.json: its SHA-256 differs from the manifest's" in verify(archive)


def test_a_changed_vote_breaks_its_records_hash(archive):
    rewrite(archive, "chain.jsonl", lambda data: data.replace(b'"votes": 400', b'"votes": 401', 1))

    report = verify(archive)
    assert "chain.jsonl record 1: the record does not match its hash" in report
    assert "FAILED" in report


def test_totals_that_are_not_the_sum_of_the_standing_records_are_found(archive):
    def inflate(data):
        totals = json.loads(data)
        totals["night/" + next(iter(totals)).split("/")[1]]["votes"]["1"] += 1000
        return json.dumps(totals).encode()

    rewrite(archive, "totals.json", inflate)

    report = verify(archive)
    assert "votes 1 is 1690, sum 690" in report  # 400 + 290 (the corrected version stands)


def test_a_scan_replaced_after_publication_is_found(night, archive, tmp_path):
    scanned = Protocol.objects.exclude(scan="").get()
    with scanned.scan.open("wb") as scan:
        scan.write(b"%PDF-forged")
    again = tmp_path / "again.zip"
    call_command("export_archive", str(again), stdout=StringIO())

    assert f"scans.csv: {scanned.scan.name} has changed since record" in verify(again)


def test_a_file_that_is_not_an_archive_is_refused_plainly(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_text("not a zip")

    assert "junk.zip: not a readable archive" in verify(junk)
