"""The register's counts by body addressed, status and outcome: on its page as a table and an
SVG chart, and as JSON, from the register's own public rows and its filters."""

import json

import pytest
from django.test import Client

from complaints.register import register_counts
from complaints.services import (
    complaint_decide,
    complaint_register,
    complaint_suspend,
    complaint_withdraw,
)
from tests.complaints.test_workflow import file_confirmed, filing

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(night):
    """Two precinct complaints (one dismissed), a territorial one upheld and one suspended, a
    CEC one withdrawn by its complainant, a court case, and one never registered."""

    def registered(level, body, **arguments):
        complaint = file_confirmed(election=night.election, level=level, **arguments)
        return complaint_register(complaint, user=body)

    precinct = [
        registered("precinct", night.clerk, station=night.station, filing=filing())
        for _ in range(2)
    ]
    complaint_decide(precinct[0], user=night.clerk, outcome="dismissed", decision="Unfounded.")
    territorial = [
        registered("territorial", night.supervisor, station=night.station, filing=filing())
        for _ in range(2)
    ]
    complaint_decide(territorial[0], user=night.supervisor, outcome="upheld", decision="Yes.")
    complaint_suspend(territorial[1], user=night.supervisor, court_case="2-100/2023")
    cec = registered("cec", night.cec, filing=filing(), user=night.auditor)
    complaint_withdraw(cec, user=night.auditor)
    registered("court", night.cec, filing=filing(), court="district", court_case="3-7/2023")
    file_confirmed(election=night.election, level="cec", filing=filing())  # not registered
    return night


def test_the_counts_come_from_one_aggregate_query(counted, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = register_counts()

    assert counts["total"] == 6  # the unregistered filing is not in the register
    levels = counts["levels"]
    assert list(levels) == ["precinct", "territorial", "cec", "court"]
    assert levels["precinct"]["total"] == 2
    assert levels["precinct"]["statuses"]["decided"] == 1
    assert levels["precinct"]["statuses"]["registered"] == 1
    assert levels["precinct"]["outcomes"] == {
        "upheld": 0, "partly_upheld": 0, "dismissed": 1, "not_considered": 0
    }  # fmt: skip
    assert levels["territorial"]["outcomes"]["upheld"] == 1
    assert levels["territorial"]["statuses"]["suspended"] == 1
    assert levels["cec"]["statuses"]["withdrawn"] == 1
    assert levels["court"]["statuses"]["registered"] == 1
    assert "filed" not in counts["statuses"]  # no registered complaint is merely filed
    assert counts["statuses"]["decided"] == 2 and counts["outcomes"]["dismissed"] == 1


def test_the_json_gives_the_same_counts_with_the_registers_filters(counted):
    answer = json.loads(Client().get("/complaints/counts.json").content)
    assert answer == {"filters": {}, **register_counts()}

    precinct = json.loads(Client().get("/complaints/counts.json?level=precinct").content)
    assert precinct["filters"] == {"level": "precinct"}
    assert precinct["total"] == 2 and precinct["levels"]["territorial"]["total"] == 0
    decided = json.loads(Client().get("/complaints/counts.json?status=decided").content)
    assert decided["total"] == 2
    assert decided["outcomes"] == {
        "upheld": 1, "partly_upheld": 0, "dismissed": 1, "not_considered": 0
    }  # fmt: skip
    # A station's complaints are its region's; the CEC's and the court's name none.
    region = json.loads(Client().get("/complaints/counts.json?region=KAR").content)
    assert region["total"] == 4 and region["levels"]["cec"]["total"] == 0
    assert json.loads(Client().get("/complaints/counts.json?region=PAV").content)["total"] == 0


def test_the_register_page_shows_the_counts_as_a_table_and_an_accessible_chart(counted):
    page = Client().get("/complaints/").content.decode()

    assert 'id="counts-table"' in page
    assert "<svg" in page and 'role="img"' in page and 'aria-describedby="counts-table"' in page
    assert "<title" in page and "Precinct commission: Registered 1, Decided 1" in page
    assert "<script" not in page.split('id="counts"')[1].split("</section>")[0]
    assert "/complaints/counts.json" in page


def test_with_nothing_registered_the_table_has_zeros_and_no_chart(night):
    page = Client().get("/complaints/").content.decode()
    assert 'id="counts-table"' in page and "<svg" not in page
