"""Observers' own pages, coordinators' view of their notes, and what the public sees."""

import csv
import io

import pytest
import time_machine
from django.test import Client

from common.public_cache import results_changed
from elections.services.structure import election_change_status
from observers.models import Note
from observers.services import note_file, visit_check_in
from tests.clients import client_for
from tests.elections.test_results_pages import page
from tests.observers.test_accreditation import ON_THE_DAY

pytestmark = pytest.mark.django_db


@time_machine.travel(ON_THE_DAY, tick=False)
def test_an_observer_logs_in_checks_in_files_a_note_and_checks_out(world, observer):
    client = Client()
    response = client.post(
        "/observe/login/", {"username": "observer-1", "password": "pw-long-enough-1"}
    )
    assert response.status_code == 302 and response["Location"] == "/observe/"

    response = client.post("/observe/", {"check_in": "1", "region": "TUR", "number": "22"})
    assert "outside the regions of your accreditation" in response.text  # refused, shown
    response = client.post("/observe/", {"check_in": "1", "region": "AKM", "number": "11"})
    assert response.status_code == 302
    page = client.get("/observe/").text
    assert "At station 11" in page

    form = client.get("/observe/note/")
    assert form.context["form"]["number"].value() == 11  # defaults to where they are
    response = client.post(
        "/observe/note/",
        {"region": "AKM", "number": "11", "phase": "voting", "category": "overcrowding",
         "severity": "concern", "text": "A queue of 200 in a small room",
         "check_secret_vote_possible": "no"},
    )  # fmt: skip
    assert response.status_code == 302
    note = Note.objects.get()
    assert note.checklist == {"secret_vote_possible": False}
    client.post("/observe/", {"check_out": "1"})
    assert "Check in at a station" in client.get("/observe/").text


def test_someone_without_an_accreditation_gets_no_observer_page(world, django_user_model):
    django_user_model.objects.create_user("nobody", password="pw-long-enough-1")
    client = Client()
    client.post("/observe/login/", {"username": "nobody", "password": "pw-long-enough-1"})
    assert client.get("/observe/").status_code == 404
    assert Client().get("/observe/")["Location"].startswith("/observe/login/")


def test_a_coordinator_sees_and_exports_only_their_organisations_notes(
    world, observer, django_user_model
):
    note_file(
        accreditation=observer, station=world.station, phase="counting",
        category="protocol_not_posted", severity="violation", text="No copy posted",
        at=ON_THE_DAY,
    )  # fmt: skip
    other = world.observer(full_name="Someone Else")
    note_file(
        accreditation=other, station=world.station, phase="voting", category="other",
        severity="information", text="Calm", at=ON_THE_DAY,
    )  # fmt: skip
    coordinator = django_user_model.objects.create_user("coordinator")
    observer.organisation.coordinators.add(coordinator)

    client = client_for(coordinator)
    page = client.get("/observe/organisation/").text
    assert "No copy posted" in page and "Calm" not in page
    rows = list(csv.DictReader(io.StringIO(client.get("/observe/organisation/?format=csv").text)))
    assert [(r["observer"], r["station"], r["severity"]) for r in rows] == [
        ("Aliya Nurova", "11", "violation")
    ]
    assert client_for(world.cec).get("/observe/organisation/").status_code == 404


def test_the_public_sees_counts_per_station_but_no_names_or_text(
    world, observer, django_user_model
):
    visit_check_in(accreditation=observer, station=world.station, at=ON_THE_DAY)
    note_file(
        accreditation=observer, station=world.station, phase="voting", category="secrecy",
        severity="violation", text="Ballots marked in the open", at=ON_THE_DAY,
    )  # fmt: skip
    election_change_status(election=world.election, to_status="polling", user=None)

    html = page("/results/obs/stations/AKM-11/")

    assert "1 accredited observer visited this station (1 visit)" in html
    assert "Ballots marked in the open" not in html and "Aliya Nurova" not in html
    coordinator = django_user_model.objects.create_user("coordinator")
    observer.organisation.coordinators.add(coordinator)
    note = Note.objects.get()
    assert (
        client_for(world.cec).post("/observe/organisation/", {"publish": note.pk}).status_code
        == 404
    )
    client_for(coordinator).post("/observe/organisation/", {"publish": note.pk})
    note.refresh_from_db()
    assert note.published  # the organisation publishes its note
    results_changed()  # as the next publication would
    assert "Ballots marked in the open" in page("/results/obs/stations/AKM-11/")
