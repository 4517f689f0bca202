"""Uploads and /media/: a file whose bytes are HTML or script is never stored by any path, and
whatever is on disk is never served as a page of this site.

The attack replayed: a protocol's scan that was an `.html` or a `.js` file, which `/media/` then
served as `text/html` to anonymous readers, script running in the site's own origin.
"""

from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from elections.models import Protocol, ProtocolEntry
from elections.services.protocols import protocol_submit_entry
from elections.services.publication import protocols_publish
from observers.models import Note, NotePhoto, Organisation
from observers.services import organisation_register
from tests.clients import api_for, client_for
from tests.elections.conftest import good_numbers
from tests.files import HTML, JPEG, PDF, PNG, SCRIPT, pdf
from tests.observers.test_accreditation import ON_THE_DAY

pytestmark = pytest.mark.django_db
SANDBOX = "sandbox; default-src 'none'"


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def entry_form(scan: SimpleUploadedFile | None = None) -> dict:
    data = good_numbers()
    fields = {name: str(value) for name, value in data.numbers.items()}
    fields.update({f"vote_{position}": str(votes) for position, votes in data.votes.items()})
    return fields | ({"scan": scan} if scan else {})


def enter_url(night) -> str:
    return reverse("admin:elections_protocol_enter", args=[night.station.pk, night.contest.pk])


# --- nothing but a PDF, PNG or JPEG is stored -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "rule"),
    [("scan.html", HTML, "the file's contents are HTML, not a PDF, PNG or JPEG"),
     ("scan.pdf", HTML, "the file's contents are HTML, not a PDF, PNG or JPEG"),
     ("scan.png", SCRIPT, "the file's contents are text, not a PDF, PNG or JPEG"),
     ("scan.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      "the file's contents are SVG, not a PDF, PNG or JPEG"),
     ("scan.pdf", PNG, "the file's contents are PNG, so its name must end in .png, not .pdf")],
)  # fmt: skip
def test_a_scan_that_is_not_what_it_says_is_refused_on_the_admin_entry_page(
    night,
    media,
    name,
    content,
    rule,
):
    response = client_for(night.clerk).post(
        enter_url(night), entry_form(SimpleUploadedFile(name, content))
    )

    assert response.status_code == 200  # the form again, the rule beside the field
    assert response.context["form"].errors["scan"] == [rule]
    assert not Protocol.objects.exists() and not ProtocolEntry.objects.exists()
    assert stored(media) == []


def test_the_protocols_api_takes_no_file_so_a_scan_sent_to_it_is_never_stored(night, media):
    fields = {f"numbers.{name}": value for name, value in good_numbers().numbers.items()}
    fields |= {f"votes.{position}": votes for position, votes in good_numbers().votes.items()}
    fields |= {"station": night.station.pk, "contest": night.contest.pk}

    response = api_for(night.clerk).post(
        "/api/v1/protocols/", fields | {"scan": SimpleUploadedFile("scan.pdf", HTML)}
    )

    # Taken without its file today (201); a stricter parser may refuse the form: never stored.
    assert response.status_code in (201, 400, 415), response.content
    assert not Protocol.objects.exclude(scan="").exists()
    assert stored(media) == []


@time_machine.travel(ON_THE_DAY, tick=False)
def test_a_notes_photo_that_is_script_is_refused_on_the_observers_page(world, observer, media):
    client = client_for(observer.user)
    note = {"region": "AKM", "number": "11", "phase": "voting", "category": "secrecy",
            "severity": "violation", "text": "Open voting"}  # fmt: skip

    response = client.post(
        "/observe/note/", note | {"photos": [SimpleUploadedFile("booth.png", SCRIPT)]}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["photos"] == [
        "the file's contents are text, not a JPEG or PNG"
    ]
    assert not Note.objects.exists() and not NotePhoto.objects.exists()
    assert stored(media) == []


def test_a_charter_extract_that_is_html_is_refused_at_the_accreditation_desk(world, media):
    response = client_for(world.cec).post(
        "/admin/observers/organisation/add/",
        {"name": "Honest Count", "kind": "domestic", "country": "Kazakhstan", "contact": "x@y.kz",
         "observation_in_charter": "on",
         "charter_extract": SimpleUploadedFile("charter.pdf", HTML)},
    )  # fmt: skip

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["charter_extract"] == [
        "the file's contents are HTML, not a PDF, PNG or JPEG"
    ]
    assert not Organisation.objects.exists()
    assert stored(media) == []


def test_a_charter_extract_swapped_for_html_in_the_change_form_is_not_stored(world, media):
    organisation = organisation_register(
        name="Honest Count", kind="domestic", country="Kazakhstan", contact="x@y.kz",
        charter_extract=pdf("charter.pdf"), observation_in_charter=True,
    )  # fmt: skip
    before = organisation.charter_extract.name

    response = client_for(world.cec).post(
        reverse("admin:observers_organisation_change", args=[organisation.pk]),
        {"name": "Honest Count", "kind": "domestic", "country": "Kazakhstan", "contact": "x@y.kz",
         "observation_in_charter": "on",
         "charter_extract": SimpleUploadedFile("charter.html", HTML),
         "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"},
    )  # fmt: skip

    assert response.status_code in (200, 302, 400, 403)  # whichever refuses it, never a 500
    organisation.refresh_from_db()
    assert organisation.charter_extract.name == before
    assert [path.read_bytes() for path in stored(media)] == [PDF]


def test_a_scan_saved_from_a_shell_or_a_forgetful_path_is_refused_by_the_storage(night, media):
    protocol = protocol_submit_entry(
        station=night.station, contest=night.contest, user=night.clerk, data=good_numbers()
    )

    with pytest.raises(SuspiciousFileOperation, match="not stored"):
        protocol.scan.save("scan.pdf", ContentFile(HTML))

    protocol.refresh_from_db()
    assert not protocol.scan and stored(media) == []


@pytest.mark.parametrize(
    ("name", "content", "suffix"),
    [("KAR 101.PDF", PDF, ".pdf"), ("scan.png", PNG, ".png"), ("scan.jpeg", JPEG, ".jpg")],
)
def test_a_real_scan_is_stored_under_the_suffix_of_the_type_its_bytes_show(
    night,
    media,
    name,
    content,
    suffix,
):
    response = client_for(night.clerk).post(
        enter_url(night), entry_form(SimpleUploadedFile(name, content))
    )

    assert response.status_code == 302
    scan = Protocol.objects.get().scan
    assert scan.name.endswith(suffix) and (media / scan.name).read_bytes() == content


# --- /media/ never serves a page --------------------------------------------------------------


def plant(media: Path, name: str, content: bytes) -> str:
    (media / name).parent.mkdir(parents=True, exist_ok=True)
    (media / name).write_bytes(content)
    return name


def test_an_html_file_planted_as_a_scan_is_served_sandboxed_as_bytes_not_as_a_page(
    night,
    media,
):
    protocol = protocol_submit_entry(
        station=night.station, contest=night.contest, user=night.clerk, data=good_numbers()
    )
    name = plant(media, f"scans/{night.contest.pk}/{'a' * 32}.html", HTML)
    Protocol.objects.filter(pk=protocol.pk).update(scan=name)  # as if written behind the site
    protocol_submit_entry(
        station=night.station, contest=night.contest, user=night.clerk2, data=good_numbers()
    )
    protocols_publish()

    response = Client().get(f"/media/{name}")

    assert response.status_code == 200  # published: anyone may read it
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == SANDBOX
    assert response["X-Content-Type-Options"] == "nosniff"


def test_every_file_from_media_carries_the_sandbox_policy_and_an_allowed_type(night, media):
    protocol = protocol_submit_entry(
        station=night.station, contest=night.contest, user=night.clerk, data=good_numbers()
    )
    protocol.scan.save("scan.pdf", ContentFile(PDF))
    plant(media, "results/night/current.json", b"{}")
    plant(media, "results/night/stations.csv", b"station\n")
    plant(media, "results/night/page.html", HTML)
    plant(media, "results/night/app.js", SCRIPT)
    reader = client_for(night.supervisor)

    types = {
        path: (answer["Content-Type"], answer["Content-Security-Policy"])
        for path in [protocol.scan.name, "results/night/current.json",
                     "results/night/stations.csv", "results/night/page.html",
                     "results/night/app.js"]
        for answer in [reader.get(f"/media/{path}")]
    }  # fmt: skip

    assert types == {
        protocol.scan.name: ("application/pdf", SANDBOX),
        "results/night/current.json": ("application/json", SANDBOX),
        "results/night/stations.csv": ("text/csv; charset=utf-8", SANDBOX),
        "results/night/page.html": ("application/octet-stream", SANDBOX),
        "results/night/app.js": ("application/octet-stream", SANDBOX),
    }


@pytest.mark.parametrize(
    "path",
    ["results/", "results", "scans/", "results//", "results/%00.json", "results/" + "x" * 300,
     "results/night/", "/etc/passwd", "results/../../manage.py"],
)  # fmt: skip
def test_a_folder_or_an_odd_name_under_media_is_a_404_not_a_500(media, path):
    plant(media, "results/night/current.json", b"{}")

    assert Client().get(f"/media/{path}").status_code == 404
