"""/api/v1/observers/…: the same rules as the phone page, as JSON, by token."""

import pytest
import time_machine

from observers.models import Note
from observers.services import accreditation_revoke
from tests.clients import api_for
from tests.observers.test_accreditation import ON_THE_DAY

pytestmark = pytest.mark.django_db
NOTE = {
    "region": "AKM", "number": 11, "phase": "voting", "category": "seal", "severity": "concern",
    "text": "Seal torn", "checklist": {"ballot_boxes_sealed": False},
}  # fmt: skip


@time_machine.travel(ON_THE_DAY, tick=False)
def test_an_observer_checks_in_files_a_note_and_checks_out(world, observer):
    api = api_for(observer.user)

    assert api.get("/api/v1/observers/me/").json()["code"] == observer.code
    response = api.post("/api/v1/observers/visits/", {"region": "AKM", "number": 11})
    assert response.status_code == 201 and response.json()["station"] == 11
    assert api.post("/api/v1/observers/visits/", {"region": "AKM", "number": 11}).status_code == 409
    response = api.post("/api/v1/observers/notes/", NOTE, format="json")
    assert response.status_code == 201
    assert response.json()["checklist"] == {"ballot_boxes_sealed": False}
    assert api.post("/api/v1/observers/visits/check-out/").status_code == 200
    assert [n["text"] for n in api.get("/api/v1/observers/notes/").json()["results"]] == [
        "Seal torn"
    ]


@time_machine.travel(ON_THE_DAY, tick=False)
@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"phase": "lunch"}, 400, "phase"),
        ({"region": "TUR", "number": 22}, 404, None),
        ({"number": 999}, 404, None),
        ({"checklist": {"free_coffee": True}}, 400, "checklist"),
    ],
)
def test_a_bad_note_is_refused_with_the_field_and_nothing_saved(
    world, observer, change, status, field
):
    response = api_for(observer.user).post("/api/v1/observers/notes/", NOTE | change, format="json")

    assert response.status_code == status
    assert response.json()["detail"]
    if field:
        assert field in response.json()["errors"]
    assert not Note.objects.exists()


@time_machine.travel(ON_THE_DAY, tick=False)
def test_a_note_longer_than_two_pages_is_refused_naming_the_text(world, observer):
    note = NOTE | {"text": "x" * 4001}

    response = api_for(observer.user).post("/api/v1/observers/notes/", note, format="json")

    assert response.status_code == 400
    assert "4000" in response.json()["text"][0]
    assert not Note.objects.exists()


@time_machine.travel(ON_THE_DAY, tick=False)
def test_a_revoked_observer_or_an_account_without_accreditation_gets_403(
    world, observer, django_user_model
):
    accreditation_revoke(accreditation=observer, user=world.cec, reason="misconduct")
    response = api_for(observer.user).post("/api/v1/observers/notes/", NOTE, format="json")
    assert response.status_code == 403 and "revoked" in response.json()["detail"]

    stranger = django_user_model.objects.create_user("stranger")
    assert api_for(stranger).get("/api/v1/observers/me/").status_code == 403
    assert api_for(stranger).get("/api/v1/observers/notes/").json()["results"] == []
