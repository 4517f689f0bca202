"""The organisations' register is kept region by region: a territorial commission registers,
lists and reads the papers of its own region's organisations only (found by the red team after
scope was gathered into elections/access.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from observers.models import Organisation
from tests.clients import client_for
from tests.files import PDF

pytestmark = pytest.mark.django_db
ADD = "/admin/observers/organisation/add/"


def _application(region) -> dict:
    return {
        "name": "Honest Count", "kind": "domestic", "country": "Kazakhstan",
        "contact": "count@example.kz", "observation_in_charter": "on",
        "region": region.pk if region else "",
        "charter_extract": SimpleUploadedFile("charter.pdf", PDF),
    }  # fmt: skip


def test_a_territorial_member_cannot_register_another_regions_or_a_nationwide_organisation(
    world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.north_commission)
    for region in (world.south, None):
        response = client.post(ADD, _application(region))
        assert response.status_code == 200
        assert "registered by the commission that keeps it" in response.text
    assert not Organisation.objects.exists()
    assert client.post(ADD, _application(world.north)).status_code == 302  # its own region
    assert Organisation.objects.get().region == world.north


def test_a_territorial_member_neither_lists_nor_reads_the_papers_of_anothers_organisations(
    world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    own = world.organisation(kind="domestic", region=world.north)
    nationwide = world.organisation(kind="domestic")
    south = world.organisation(kind="domestic", region=world.south)
    client = client_for(world.north_commission)

    listed = client.get("/admin/observers/organisation/").context["cl"].result_list
    assert list(listed) == [own]
    for organisation in (nationwide, south):
        assert client.get(
            f"/admin/observers/organisation/{organisation.pk}/change/"
        ).status_code in (302, 404)  # noqa: E501
        assert client.get(organisation.charter_extract.url).status_code == 404
    assert client.get(own.charter_extract.url).status_code == 200
    cec = client_for(world.cec)
    assert all(cec.get(o.charter_extract.url).status_code == 200 for o in (own, nationwide, south))
