import pytest

from elections.models import Protocol
from tests.clients import api_for
from tests.elections.conftest import good_numbers

pytestmark = pytest.mark.django_db
URL = "/api/v1/protocols/"


def body(night, data=None, station=None) -> dict:
    data = data or good_numbers()
    return {
        "station": (station or night.station).pk,
        "contest": night.contest.pk,
        "numbers": data.numbers,
        "votes": {str(p): v for p, v in data.votes.items()},
        "explanation": data.explanation,
    }


def test_two_clerks_submit_by_token_and_the_protocol_is_accepted(night):
    first = api_for(night.clerk).post(URL, body(night), format="json")

    assert first.status_code == 201
    assert first.json()["status"] == "awaiting_second"
    assert first.json()["numbers"] is None and first.json()["votes"] == {}

    second = api_for(night.clerk2).post(URL, body(night), format="json")

    data = second.json()
    assert second.status_code == 201
    assert data == {
        "id": Protocol.objects.get().pk,
        "station": night.station.pk,
        "contest": night.contest.pk,
        "version": 1,
        "status": "accepted",
        "is_active": True,
        "numbers": good_numbers().numbers,
        "votes": {"1": 400, "2": 150, "3": 40},
        "warnings": [],
        "flags": [],
        "explanation": "",
        "updated": data["updated"],
    }


def test_a_broken_relation_is_a_400_naming_the_field_and_the_arithmetic(night):
    response = api_for(night.clerk).post(
        URL, body(night, good_numbers(l6_invalid=20)), format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "l5_found": ["Ballots found (600) must equal invalid (20) + valid (590) = 610"]
    }


def test_a_malformed_entry_is_a_400_from_the_serializer(night):
    payload = body(night)
    payload["numbers"]["l1_voters"] = -1

    response = api_for(night.clerk).post(URL, payload, format="json")

    assert response.status_code == 400
    assert "l1_voters" in response.json()["numbers"]


def test_the_same_clerk_twice_is_403_and_an_accepted_protocol_is_409(night):
    api_for(night.clerk).post(URL, body(night), format="json")
    assert api_for(night.clerk).post(URL, body(night), format="json").status_code == 403

    api_for(night.clerk2).post(URL, body(night), format="json")
    conflict = api_for(night.supervisor).post(URL, body(night), format="json")
    assert conflict.status_code == 409
    assert "it takes no entry now" in conflict.json()["detail"]


def test_another_commissions_station_is_404_and_its_protocols_are_invisible(night):
    api_for(night.clerk).post(URL, body(night), format="json")

    outsider = api_for(night.outsider)

    assert outsider.post(URL, body(night), format="json").status_code == 404
    assert outsider.get(URL).json()["count"] == 0
    assert outsider.get(f"{URL}{Protocol.objects.get().pk}/").status_code == 404
    assert api_for(night.auditor).get(URL).json()["count"] == 1


def test_the_public_cannot_read_protocols(client, night):
    assert client.get(URL).status_code in (401, 403)


def test_a_batch_answers_each_entry_as_a_single_post_would(night):
    clean = body(night)
    broken = body(night, good_numbers(l6_invalid=20), station=night.neighbour)
    malformed = {**body(night), "numbers": {}}
    outside = body(night, station=night.other_station)

    response = api_for(night.supervisor).post(
        f"{URL}batch/", {"entries": [clean, broken, malformed, outside]}, format="json"
    )

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 400, 400, 404]
    assert results[0]["protocol"]["status"] == "awaiting_second"
    assert results[1]["errors"]["l5_found"] == [
        "Ballots found (600) must equal invalid (20) + valid (590) = 610"
    ]
    assert "l1_voters" in results[2]["errors"]["numbers"]
    assert Protocol.objects.count() == 1  # only the good entry was saved

    second = api_for(night.cec).post(f"{URL}batch/", {"entries": [clean]}, format="json")
    assert second.json()["results"][0]["protocol"]["status"] == "accepted"


def test_a_batch_needs_entries_and_at_most_200(night):
    too_many = {"entries": [body(night)] * 201}

    assert (
        api_for(night.cec).post(f"{URL}batch/", {"entries": []}, format="json").status_code == 400
    )
    assert api_for(night.cec).post(f"{URL}batch/", too_many, format="json").status_code == 400


def test_a_batch_entry_for_an_accepted_protocol_is_409_not_its_status(night):
    # A tablet syncing reads each result's "status": a refusal that carries the protocol's
    # own status ("accepted") must still say 409, as a single POST would.
    api_for(night.clerk).post(URL, body(night), format="json")
    api_for(night.clerk2).post(URL, body(night), format="json")

    response = api_for(night.cec).post(f"{URL}batch/", {"entries": [body(night)]}, format="json")

    (result,) = response.json()["results"]
    assert result["status"] == 409
    assert "it takes no entry now" in result["detail"]


def test_a_ballot_position_given_twice_is_refused_by_name(night):
    payload = body(night)
    payload["votes"]["01"] = 1  # "1" and "01" name the same line

    response = api_for(night.clerk).post(URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["votes"] == ["each ballot position may be given once"]
    assert not Protocol.objects.exists()


def test_an_explanation_longer_than_two_pages_is_refused(night):
    payload = {**body(night), "explanation": "x" * 4001}

    response = api_for(night.clerk).post(URL, payload, format="json")

    assert response.status_code == 400
    assert "explanation" in response.json()
    assert not Protocol.objects.exists()
