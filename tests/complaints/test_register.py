"""The public register: registered complaints and their fate, and no private identity."""

import csv
import io
import json

import pytest
from django.test import Client

from complaints.services import (
    complaint_decide,
    complaint_register,
    complaint_schedule_hearing,
)
from elections.services.staff import staff_assign
from tests.complaints.test_workflow import at, file_confirmed, filing
from tests.factories import RegionFactory, StationFactory

pytestmark = pytest.mark.django_db
PRIVATE = ["Aruzhan Voterova", "aruzhan@example.org", "+7 701 555 0101", "saule@example.org"]


@pytest.fixture
def register(night):
    voter = file_confirmed(
        election=night.election, level="precinct", station=night.station,
        filing=filing(complainant_kind="voter", complainant_name="Aruzhan Voterova",
                      complainant_contact="aruzhan@example.org, +7 701 555 0101",
                      subject="I, Aruzhan Voterova, was missing from the list",
                      claim="Write to me at aruzhan@example.org"),
    )  # fmt: skip
    party = file_confirmed(
        election=night.election, level="territorial", station=night.station,
        filing=filing(complainant_kind="party", complainant_name="Auyl party",
                      complainant_contact="legal@auyl.example", subject="Observers kept away"),
    )  # fmt: skip
    observer = file_confirmed(election=night.election, level="cec", filing=filing())
    unregistered = file_confirmed(
        election=night.election, level="cec", filing=filing(subject="Not registered yet")
    )
    # The voter's complaint registered with the member's summary carrying the voter's own
    # words (the net under the summary), the party's with its standing checked.
    complaint_register(voter, user=night.clerk, at=at(2023, 3, 19, 21, 0),
                       public_subject=voter.subject, public_claim=voter.claim)  # fmt: skip
    complaint_register(party, user=night.supervisor, at=at(2023, 3, 19, 21, 0),
                       standing_confirmed=True)  # fmt: skip
    complaint_register(observer, user=night.cec, at=at(2023, 3, 19, 21, 0),
                       public_subject=observer.subject, public_claim=observer.claim)  # fmt: skip
    complaint_schedule_hearing(
        party, user=night.supervisor, at=at(2023, 3, 20, 10, 0), place="Room 4",
        link="https://meet.example.org/tec",
    )  # fmt: skip
    complaint_decide(observer, user=night.cec, outcome="dismissed", decision="Unfounded.")
    return {"voter": voter, "party": party, "observer": observer, "unregistered": unregistered}


def test_the_register_shows_registered_complaints_and_never_a_private_identity(register):
    page = Client().get("/complaints/").content.decode()
    download = Client().get("/complaints/register.csv").content.decode()
    api = Client().get("/api/v1/complaints/").content.decode()

    for text in (page, download, api):
        assert register["voter"].number in text and register["party"].number in text
        assert "Auyl party" in text  # a party is named
        assert "Not registered yet" not in text
        for private in PRIVATE + ["Saule Akhmetova"]:  # nor an observer's name
            assert private not in text, private
    assert "Room 4" in page and "https://meet.example.org/tec" in page


def test_the_register_filters_and_its_three_forms_agree(register):
    rows = list(csv.DictReader(io.StringIO(
        Client().get("/complaints/register.csv?status=decided").content.decode()
    )))  # fmt: skip
    answer = json.loads(Client().get("/api/v1/complaints/?status=decided").content)

    assert [row["number"] for row in rows] == [register["observer"].number]
    results = answer["results"] if isinstance(answer, dict) else answer
    assert [item["number"] for item in results] == [register["observer"].number]
    assert results[0]["decision_sha256"] == register["observer"].decision_sha256
    assert results[0]["complainant_name"] is None  # an observer is not named
    page = Client().get("/complaints/?level=precinct").content.decode()
    assert register["voter"].number in page and register["party"].number not in page


def test_an_overdue_complaint_says_so(register, night):
    import time_machine

    with time_machine.travel(register["party"].deadline, tick=False):
        answer = json.loads(Client().get(f"/api/v1/complaints/{register['party'].number}/").content)
    assert answer["overdue"] is True
    assert (
        json.loads(Client().get(f"/api/v1/complaints/{register['observer'].number}/").content)[
            "overdue"
        ]
        is False
    )


def test_the_register_shows_each_complaints_times_in_its_bodys_zone(night, django_user_model):
    west = StationFactory(region=RegionFactory(code="MAN", time_zone="Asia/Aqtau"), number=5)
    member = django_user_model.objects.create_user("pec-west")
    staff_assign(user=member, role="precinct", station=west)
    complaint = file_confirmed(
        election=night.election, level="precinct", station=west, filing=filing()
    )
    complaint_register(complaint, user=member, at=at(2023, 3, 1, 10, 0))

    html = Client().get("/complaints/").content.decode()

    row = html[html.index(complaint.number) :]
    assert "midnight +05" in row[: row.index("</tr>")]  # its own midnight, not Almaty's 1 a.m.


@pytest.mark.parametrize(
    "written",
    [
        "AIGERIM  NURLANOVNA ZHAKSYLYKOVA (aigerim.zh＠example.org)",
        "Zhaksylykova Aigerim",
        "Aigerim\nZhaksylykova",
        "Аigerim Zhaksylykova",  # a Cyrillic А
        "Nurlanovna\u00a0Zhaks\u200bylykova",
        "write to aigerim.zh at example.org or aigerim.zh%40example.org",
        "call +7 701 555 1234",
    ],
)
def test_a_private_complainants_name_and_contact_are_cut_however_written(night, written):
    complaint = file_confirmed(
        election=night.election, level="precinct", station=night.station,
        filing=filing(complainant_kind="voter", complainant_name="Aigerim Nurlanovna Zhaksylykova",
                      complainant_contact="aigerim.zh@example.org", subject=written,
                      claim=f"On 19.03.2023 at station 101: {written}"),
    )  # fmt: skip
    complaint_register(
        complaint, user=night.clerk, public_subject=complaint.subject, public_claim=complaint.claim
    )  # the net under a careless summary

    row = Client().get(f"/api/v1/complaints/{complaint.number}/").json()

    for text in (row["subject"], row["claim"]):
        lowered = text.lower()
        assert not any(part in lowered for part in ("aigerim", "zhaks", "nurlan", "701", "@"))
        assert "[…]" in text
    assert row["claim"].startswith("On 19.03.2023 at station 101: ")  # dates and counts stay


@pytest.mark.parametrize(
    "written",
    [
        "AselDosmagambetova",
        "Asel_Dosmagambetova",
        "Dοsmagambetοva",
        "Doѕmagambetova",
        "Asel\u2066Dosmagambetova\u034f",
        "Dosmagambetovoy",
        "Досмагамбетова",
        "asel.d @ example [dot] org",
        "asel.d@example。org",
        "asel.d собака example.org",
        "+7–701–555–12–34",
        "8_701_555_12_34",
    ],
)
def test_the_net_under_the_summary_catches_joined_declined_and_transliterated_names(night, written):
    complaint = file_confirmed(
        election=night.election, level="precinct", station=night.station,
        filing=filing(complainant_kind="voter", complainant_name="Asel Dosmagambetova",
                      complainant_contact="asel.d@example.org", subject=written),
    )  # fmt: skip
    complaint_register(complaint, user=night.clerk, public_subject=written, public_claim="x")

    subject = Client().get(f"/api/v1/complaints/{complaint.number}/").json()["subject"]

    assert "[…]" in subject
    assert not any(part in subject.lower() for part in ("dosmag", "досмаг", "701", "asel.d"))
