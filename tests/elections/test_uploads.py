"""Scans: random names, limits, public only once published; imports: no giant files;
anonymous API clients: throttled."""

import dataclasses
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.throttling import AnonRateThrottle

from elections.models import Protocol
from elections.services.protocols import ProtocolInvalid, protocol_submit_entry
from elections.services.publication import protocols_publish
from stations.models import Station
from tests.clients import client_for
from tests.elections.conftest import good_numbers
from tests.factories import StationFactory
from tests.files import PDF, PNG

pytestmark = pytest.mark.django_db


def with_scan():
    return dataclasses.replace(good_numbers(), scan=SimpleUploadedFile("KAR 101.PDF", PDF))


def test_a_scan_is_stored_under_a_random_name_and_public_only_once_published(night):
    protocol = protocol_submit_entry(
        station=night.station, contest=night.contest, user=night.clerk, data=with_scan()
    )
    url = f"/media/{protocol.scan.name}"

    assert re.fullmatch(rf"scans/{night.contest.pk}/[0-9a-f]{{32}}\.pdf", protocol.scan.name)
    assert Client().get(url).status_code == 404  # not even its existence is told
    assert client_for(night.supervisor).get(url).status_code == 200  # staff check it meanwhile
    protocol_submit_entry(
        station=night.station, contest=night.contest, user=night.clerk2, data=good_numbers()
    )
    protocols_publish()

    public = Client().get(url)
    assert public.status_code == 200 and b"".join(public.streaming_content) == PDF
    assert public["Content-Type"] == "application/pdf" and "public" in public["Cache-Control"]


def test_the_media_address_cannot_climb_out_of_the_uploads(night):
    assert Client().get("/media/../config/settings.py").status_code == 404
    assert Client().get("/media/scans/../../manage.py").status_code == 404


def test_an_oversized_import_is_refused_unread_and_nothing_is_saved(staff_client, settings):
    settings.IMPORT_MAX_BYTES = 1_000_000
    existing = StationFactory()
    row = f"{existing.region.code},999,Too many stations,Street 1\n".encode()
    upload = SimpleUploadedFile("stations.csv", b"region,number,name,address\n" + row * 40_000)

    response = staff_client.post(
        "/admin/stations/station/import-csv/", {"file": upload, "dry_run": ""}
    )

    assert response.status_code == 200
    assert "the file is 1.4 MB; an import takes at most 1.0 MB" in response.text
    assert Station.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "rule"),
    [("scan.exe", b"MZ\x90\x00", "the file's contents are EXE, not a PDF, PNG or JPEG"),
     ("scan.pdf", PDF + b"%" * 21 * 1024 * 1024, "the file is 22.0 MB; at most 20 MB"),
     ("scan.pdf", PNG, "the file's contents are PNG, so its name must end in .png, not .pdf")],
)  # fmt: skip
def test_a_scan_of_the_wrong_type_or_size_is_refused_and_nothing_is_saved(
    night, name, content, rule
):
    scan = SimpleUploadedFile(name, content)
    data = dataclasses.replace(good_numbers(), scan=scan)

    with pytest.raises(ProtocolInvalid, match=f"^scan: {re.escape(rule)}"):
        protocol_submit_entry(station=night.station, contest=night.contest, user=night.clerk,
                              data=data)  # fmt: skip

    assert not Protocol.objects.exists()


def test_anonymous_api_clients_are_throttled(night, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/min"})
    reader = Client(REMOTE_ADDR="203.0.113.7")  # an address no other test has used

    # Different queries: each misses the public cache, whose answers do not count.
    levels = ("nation", "region", "district")
    answers = [reader.get(f"/api/v1/results/?level={level}").status_code for level in levels]

    assert answers == [200, 200, 429]
