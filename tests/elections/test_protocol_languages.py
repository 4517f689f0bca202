"""A protocol's stored warnings read in the language of whoever reads them, not of the clerk
who typed it."""

import pytest
from django.urls import reverse

from elections import checks
from elections.models import Protocol
from tests.clients import api_for, client_for
from tests.elections.conftest import good_numbers

pytestmark = pytest.mark.django_db
URL = "/api/v1/protocols/"
# Two ballots fewer found than issued: a warning, explained.
FEWER_FOUND = good_numbers(l5_found=598, l7_valid=588, vote_1=398)
FEWER_FOUND.explanation = "Two voters left with their ballots."
EXPECTED = {
    "en": "Ballots found (598) differ from ballots issued (600) by 2",
    "ru": "Число обнаруженных бюллетеней (598) отличается от числа выданных (600) на 2",
    "kk": "Табылған бюллетеньдер (598) берілген бюллетеньдерден (600) 2 айырмашылықта",
}


def body(night) -> dict:
    return {
        "station": night.station.pk,
        "contest": night.contest.pk,
        "numbers": FEWER_FOUND.numbers,
        "votes": {str(p): v for p, v in FEWER_FOUND.votes.items()},
        "explanation": FEWER_FOUND.explanation,
    }


def typed_in_russian(night) -> Protocol:
    for clerk in (night.clerk, night.clerk2):
        response = api_for(clerk).post(URL, body(night), format="json", HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code == 201, response.json()
    protocol = Protocol.objects.get()
    assert [w["message"] for w in protocol.warnings] == [EXPECTED["ru"]]  # as the clerk read it
    return protocol


@pytest.mark.parametrize("language", ["kk", "en"])
def test_a_warning_typed_in_russian_reads_in_the_admin_in_the_readers_language(night, language):
    protocol = typed_in_russian(night)
    url = reverse("admin:elections_protocol_change", args=[protocol.pk])

    page = client_for(night.supervisor).get(url, HTTP_ACCEPT_LANGUAGE=language)

    assert page.status_code == 200
    assert EXPECTED[language] in page.content.decode()
    assert EXPECTED["ru"] not in page.content.decode()


def test_a_finding_stored_without_its_numbers_reads_as_stored():
    old = {"code": "found_differs_from_issued", "field": "l5_found", "message": "as typed"}

    assert checks.localized(old) == "as typed"


def test_a_warning_typed_in_russian_reads_in_the_api_in_the_readers_language(night):
    protocol = typed_in_russian(night)

    for language, message in EXPECTED.items():
        shown = api_for(night.cec).get(f"{URL}{protocol.pk}/", HTTP_ACCEPT_LANGUAGE=language)

        assert shown.status_code == 200
        assert [(w["code"], w["message"]) for w in shown.json()["warnings"]] == [
            ("found_differs_from_issued", message)
        ]
