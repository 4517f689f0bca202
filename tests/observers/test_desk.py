"""The accreditation desk in the admin, and the public badge check."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from observers.models import Accreditation, Organisation
from observers.services import accreditation_revoke
from tests.clients import client_for

pytestmark = pytest.mark.django_db


def test_the_cec_registers_accredits_and_approves_in_the_admin(world):
    admin = client_for(world.cec)
    response = admin.post(
        "/admin/observers/organisation/add/",
        {"name": "Honest Count", "kind": "domestic", "country": "Kazakhstan", "contact": "x@y.kz",
         "observation_in_charter": "on"},
    )  # fmt: skip
    assert response.status_code == 200  # refused: shown beside the field
    assert "a domestic organisation applies with an extract of its charter" in response.text
    assert not Organisation.objects.exists()

    response = admin.post(
        "/admin/observers/organisation/add/",
        {"name": "Honest Count", "kind": "domestic", "country": "Kazakhstan", "contact": "x@y.kz",
         "observation_in_charter": "on",
         "charter_extract": SimpleUploadedFile("charter.pdf", b"%PDF-1.4")},
    )  # fmt: skip
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    admin.post(
        "/admin/observers/organisation/",
        {"action": "accredit", "_selected_action": [organisation.pk], "reason": ""},
    )
    organisation.refresh_from_db()
    assert organisation.status == "accredited"

    world.election.accreditation_closes = None  # the admin applies "now"
    world.election.save()
    response = admin.post(
        "/admin/observers/accreditation/add/",
        {"election": world.election.pk, "organisation": organisation.pk, "role": "observer",
         "full_name": "Dana Sadykova", "identity_document": "N99887766"},
    )  # fmt: skip
    assert response.status_code == 302
    application = Accreditation.objects.get()
    listing = admin.get("/admin/observers/accreditation/").text
    assert "•••766" in listing and "N99887766" not in listing  # the document is masked

    admin.post(
        "/admin/observers/accreditation/",
        {"action": "approve", "_selected_action": [application.pk], "reason": ""},
    )
    application.refresh_from_db()
    assert application.status == "approved"
    page = admin.get(f"/admin/observers/accreditation/{application.pk}/change/").text
    assert "<svg" in page and application.code in page
    counts = admin.get("/admin/observers/accreditation/").text
    assert re.search(r"<td>Domestic organisation</td><td>1</td><td>1</td><td>1</td>", counts)


def test_a_rejection_without_a_reason_is_refused_in_the_admin(world):
    application = world.apply(world.organisation())

    response = client_for(world.cec).post(
        "/admin/observers/accreditation/",
        {"action": "reject", "_selected_action": [application.pk], "reason": ""},
        follow=True,
    )

    assert "say why the application is rejected" in response.text
    application.refresh_from_db()
    assert application.status == "submitted"


def test_the_badge_check_shows_status_and_scope_but_no_personal_data(world, client):
    accreditation = world.observer(regions=[world.north])

    page = client.get(f"/verify/{accreditation.code.lower()}/").text

    assert "Valid" in page and "until the results are final" in page
    assert accreditation.full_name in page
    assert world.north.name in page and "international body" in page
    assert accreditation.identity_document not in page and "a@b.kz" not in page
    accreditation_revoke(accreditation=accreditation, user=world.cec, reason="misconduct")
    assert "Not valid" in client.get(f"/verify/{accreditation.code}/").text
    assert client.get("/verify/NOSUCH99/").status_code == 404
