"""The public station page's complaints section: the station's registered complaints and their
fate, and a recount ordered shown beside the version it caused; nothing private."""

import pytest
from django.test import Client

from complaints.services import complaint_decide, complaint_enter_recount, complaint_register
from elections.services.protocols import protocol_decide_correction
from elections.services.publication import protocols_publish
from tests.complaints.test_workflow import file_confirmed, filing
from tests.elections.conftest import good_numbers

pytestmark = pytest.mark.django_db
PAGE = "/results/night/stations/KAR-101/"
PRIVATE = ["Aruzhan Voterova", "aruzhan@example.org", "+7 701 555 0101"]


def station_page() -> str:
    response = Client().get(PAGE)
    assert response.status_code == 200
    return response.content.decode()


def voters_complaint(night, **arguments):
    return file_confirmed(
        election=night.election, station=night.station,
        filing=filing(complainant_kind="voter", complainant_name="Aruzhan Voterova",
                      complainant_contact="aruzhan@example.org, +7 701 555 0101"),
        **arguments,
    )  # fmt: skip


def test_a_station_without_registered_complaints_has_no_complaints_section(night):
    voters_complaint(night, level="precinct")  # filed, not registered: not public yet
    elsewhere = file_confirmed(
        election=night.election, level="precinct", station=night.other_station, filing=filing()
    )
    complaint_register(elsewhere, user=night.outsider)

    page = station_page()
    assert 'id="complaints"' not in page and elsewhere.number not in page


def test_the_stations_complaints_are_listed_with_their_decision_and_no_private_identity(night):
    complaint = complaint_register(voters_complaint(night, level="precinct"), user=night.clerk)
    complaint_decide(complaint, user=night.clerk, outcome="dismissed", decision="Unfounded.")
    party = file_confirmed(
        election=night.election, level="territorial", station=night.station,
        filing=filing(complainant_kind="party", complainant_name="Auyl party"),
    )  # fmt: skip
    complaint_register(party, user=night.supervisor, standing_confirmed=True)

    page = station_page()
    panel = page.split('id="complaints"')[1].split("</section>")[0]
    assert complaint.number in panel and party.number in panel
    assert "Dismissed" in panel and "Decided" in panel and "Registered" in panel
    assert f'datetime="{complaint.decided_at.astimezone(night.station.zone).isoformat()}"' in panel
    assert f"/complaints/?region=KAR&amp;level=precinct#{complaint.number}" in panel
    assert "Auyl party" in panel  # a party is named, a voter never
    for private in PRIVATE:
        assert private not in page, private


def test_a_recount_ordered_is_shown_beside_the_version_it_caused(
    night, django_capture_on_commit_callbacks
):
    original = night.accept(night.station)
    protocols_publish()
    complaint = file_confirmed(
        election=night.election, level="territorial", station=night.station,
        contest=night.contest, protocol=original, filing=filing(),
    )  # fmt: skip
    complaint_register(complaint, user=night.supervisor)
    complaint_decide(
        complaint, user=night.supervisor, outcome="upheld", remedy="recount",
        decision="The count was not watched; the ballots are recounted.",
    )  # fmt: skip
    panel = station_page().split('id="complaints"')[1].split("</section>")[0]
    assert complaint.number in panel and "The recount has not been entered yet." in panel

    # A second member of the territorial commission enters the recount; the first approves it.
    # The page, served from the public cache, is built afresh once the change commits.
    with django_capture_on_commit_callbacks(execute=True):
        correction = complaint_enter_recount(
            complaint, user=night.supervisor2, data=good_numbers(vote_1=390, vote_2=160)
        )
    panel = station_page().split('id="complaints"')[1].split("</section>")[0]
    assert f"version {original.version}." in panel
    assert f"The recount is version {correction.version} (Correction awaiting approval)" in panel

    with django_capture_on_commit_callbacks(execute=True):
        protocol_decide_correction(correction=correction, user=night.supervisor, approve=True)
        protocols_publish()
    page = station_page()
    panel = page.split('id="complaints"')[1].split("</section>")[0]
    assert correction.version == original.version + 1
    assert f"The recount is version {correction.version} (Accepted)" in panel
    assert complaint.decision_sha256 in panel
    # The page's own list of published versions has the new one, citing the complaint.
    assert (
        f"Version {correction.version}" in page
        and complaint.number in page.split('id="complaints"')[0]
    )
