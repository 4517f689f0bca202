"""The observers' copy pages and the commission's answer to a discrepancy, through their URLs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from elections.services.publication import protocols_publish
from integrity.checking import discrepancies_refresh
from integrity.models import Discrepancy, ProtocolCopy
from integrity.services import copy_transcribe
from tests.clients import client_for
from tests.elections.conftest import good_numbers
from tests.integrity.test_copies import PNG, Mission, submit

pytestmark = pytest.mark.django_db


def figures(data) -> dict[str, str]:
    fields = {name: str(value) for name, value in data.numbers.items()}
    fields.update({f"vote_{p}": str(v) for p, v in data.votes.items()})
    return fields


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def mission(night, django_user_model) -> Mission:
    return Mission(night, django_user_model)


def test_an_observer_submits_a_copy_in_three_steps_and_the_desk_transcribes_it_blind(
    night, mission
):
    observer = signed_in(mission.observer)
    station = {"region": night.station.region.code, "number": night.station.number}
    listed = observer.get(reverse("integrity:copy-new"), station)
    assert str(night.contest) in listed.content.decode()

    page = f"{reverse('integrity:copy-new')}?region={station['region']}&number=101"
    page += f"&contest={night.contest.pk}"
    image = SimpleUploadedFile("copy.png", PNG, "image/png")
    answer = observer.post(page, {**figures(good_numbers()), "source": "posted_photo",
                                  "sealed": "on", "images": image})  # fmt: skip
    assert answer.status_code == 302
    copy = ProtocolCopy.objects.get()
    assert (copy.source, copy.sealed, copy.status) == ("posted_photo", True, "awaiting_second")

    desk = signed_in(mission.desk)
    form = desk.get(reverse("integrity:transcribe", args=[copy.pk])).content.decode()
    assert 'value="400"' not in form  # blind: nothing of the first typing
    desk.post(reverse("integrity:transcribe", args=[copy.pk]), figures(good_numbers()))
    copy.refresh_from_db()
    assert copy.status == "transcribed"


def test_a_refused_copy_names_its_fields_and_saves_nothing(night, mission):
    page = f"{reverse('integrity:copy-new')}?region=KAR&number=101&contest={night.contest.pk}"
    fake = SimpleUploadedFile("copy.png", b"<svg onload=alert(1)>", "image/png")
    answer = signed_in(mission.observer).post(
        page, {**figures(good_numbers()), "source": "certified_copy", "images": fake}
    )
    assert "images" in answer.context["form"].errors
    assert not ProtocolCopy.objects.exists()


def test_outsiders_have_no_copy_pages(night, mission, django_user_model):
    copy = submit(night, mission)
    stranger = signed_in(django_user_model.objects.create_user("stranger"))
    assert stranger.get(reverse("integrity:copies")).status_code == 404
    assert stranger.get(reverse("integrity:transcribe", args=[copy.pk])).status_code == 404
    assert Client().get(reverse("integrity:copies")).status_code == 302  # to the login


def test_the_coordinator_publishes_a_copys_images(night, mission):
    copy = submit(night, mission)
    copy_transcribe(copy=copy, user=mission.desk, data=good_numbers())
    signed_in(mission.observer).post(reverse("integrity:copies"), {"publish": copy.pk})
    copy.refresh_from_db()
    assert not copy.published  # an observer does not decide it
    signed_in(mission.desk).post(reverse("integrity:copies"), {"publish": copy.pk})
    copy.refresh_from_db()
    assert copy.published


def test_the_areas_commission_explains_a_discrepancy_and_nobody_else(night, mission):
    night.accept(night.station, good_numbers(vote_1=430, vote_2=120))
    protocols_publish()
    copy = submit(night, mission)
    copy_transcribe(copy=copy, user=mission.desk, data=good_numbers())
    discrepancies_refresh(night.station, night.contest)
    row = Discrepancy.objects.get(rule="copy_differs")
    page = reverse("admin:integrity_discrepancy_change", args=[row.pk])

    assert client_for(night.outsider).get(page).status_code in (403, 404)
    refused = client_for(night.supervisor).post(page, {"explanation": " "})
    assert refused.status_code == 200
    row.refresh_from_db()
    assert row.status == "open"

    client_for(night.supervisor).post(page, {"explanation": "Line 1 was mistyped at entry."})
    row.refresh_from_db()
    assert (row.status, row.explanation) == ("explained", "Line 1 was mistyped at entry.")
    for url in (
        "/admin/integrity/discrepancy/add/",
        f"/admin/integrity/discrepancy/{row.pk}/delete/",
    ):
        assert client_for(night.cec).post(url, {"status": "resolved"}).status_code == 404
