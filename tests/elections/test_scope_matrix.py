"""Who may do what, where: every role against every sensitive page and API operation, on a
station of their own and on another's. One table: an operation per row, a role per column.

Own and other: the precinct clerk's station KAR 101 and PAV 7 in another region (for the
observer: a station in the region they are accredited for, and one outside it).
"""

import dataclasses

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from complaints.services import complaint_register
from elections.services.aggregation import contest_aggregate
from elections.services.protocols import protocol_submit_entry
from elections.services.publication import protocols_publish
from observers.models import Accreditation
from observers.services import (
    accreditation_apply,
    accreditation_decide,
    note_file,
    note_publish,
    organisation_register,
    visit_check_in,
)
from tests.clients import api_token, sign_in
from tests.complaints.test_workflow import file_confirmed
from tests.complaints.test_workflow import filing as complaint_filing
from tests.elections.conftest import good_numbers
from tests.elections.test_protocol_api import body

pytestmark = pytest.mark.django_db
NOTE = {"phase": "voting", "category": "other", "severity": "information", "text": "Calm"}

ROLES = ["anonymous", "public", "observer", "coordinator", "precinct", "territorial", "CEC",
         "auditor"]  # fmt: skip
# Operation → per role above, "status on own scope/status on another's". "public" is a
# signed-in member of the public with an API token; 302 is "sign in first". A station outside
# one's area is a 404 (it does not exist for them), a thing one's role may not do a 403.
# Operations, in order (the last changes the protocols the others read):
#   protocol API   GET /api/v1/protocols/<id>/         scan      an unpublished scan (/media/)
#   protocol page  the admin's review page             register  the accreditation register
#   photo          an observer's photo (/media/)       appoint   the admin's add-assignment page
#   me             GET /api/v1/observers/me/           note      POST /api/v1/observers/notes/
#   org notes      /observe/organisation/              enter     POST /api/v1/protocols/
#   complaints     the public complaints register (the same page for everyone)
# A table, unwrapped (see pyproject.toml):
# fmt: off
MATRIX = {
    #                anonymous  public     observer   coordinator precinct  territorial CEC      auditor
    "protocol API":  ("401/401", "404/404", "404/404", "404/404", "200/404", "200/404", "200/200", "200/200"),
    "protocol page": ("302/302", "302/302", "302/302", "302/302", "200/404", "200/404", "200/200", "200/200"),
    "scan":          ("404/404", "404/404", "404/404", "404/404", "200/404", "200/404", "200/200", "200/200"),
    "register":      ("302/302", "302/302", "302/302", "302/302", "403/403", "403/403", "200/200", "403/403"),
    "photo":         ("404/404", "404/404", "404/404", "404/404", "404/404", "404/404", "200/200", "404/404"),
    "appoint":       ("302/302", "302/302", "302/302", "302/302", "403/403", "403/403", "200/200", "403/403"),
    "me":            ("401/401", "403/403", "200/200", "403/403", "403/403", "403/403", "403/403", "403/403"),
    "note":          ("401/401", "403/403", "201/404", "403/403", "403/403", "403/403", "403/403", "403/403"),
    "org notes":     ("302/302", "404/404", "404/404", "200/200", "404/404", "404/404", "404/404", "404/404"),
    "complaints":    ("200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200"),
    "enter":         ("401/401", "404/404", "404/404", "404/404", "201/404", "201/404", "201/201", "403/403"),
}
# fmt: on


@dataclasses.dataclass
class World:
    night: object
    users: dict
    protocols: dict  # own/other → a first entry with its scan, awaiting the second
    photo_url: str


@pytest.fixture
def world(night, django_user_model) -> World:
    protocols = {}
    for scope, station in (("own", night.station), ("other", night.other_station)):
        scanned = dataclasses.replace(
            good_numbers(), scan=SimpleUploadedFile("scan.pdf", b"%PDF-1")
        )
        protocols[scope] = protocol_submit_entry(
            station=station, contest=night.contest, user=night.cec2, data=scanned
        )
    organisation = organisation_register(
        name="Mission", kind="international", country="Norway", contact="mission@example.no"
    )
    observer = django_user_model.objects.create_user("observer-1")
    accreditation = accreditation_apply(
        election=night.election, organisation=organisation, role="observer",
        full_name="Ingrid Larsen", identity_document="NO1234567", account=observer,
        regions=[night.station.region], photo=SimpleUploadedFile("me.jpg", b"\xff\xd8\xff"),
    )  # fmt: skip
    accreditation_decide(accreditation=accreditation, user=night.cec, approve=True)
    coordinator = django_user_model.objects.create_user("coordinator-1")
    organisation.coordinators.add(coordinator)
    users = {
        "anonymous": None, "public": django_user_model.objects.create_user("reader"),
        "observer": observer, "coordinator": coordinator, "precinct": night.clerk,
        "territorial": night.supervisor, "CEC": night.cec, "auditor": night.auditor,
    }  # fmt: skip
    return World(night, users, protocols, f"/media/{accreditation.photo.name}")


def answer(world: World, operation: str, user, scope: str) -> int:
    night, protocol = world.night, world.protocols[scope]
    station = night.station if scope == "own" else night.other_station
    page, api = Client(), APIClient()
    if user is not None:
        sign_in(page, user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    where = {"region": station.region.code, "number": station.number}
    do = {
        "protocol API": lambda: api.get(f"/api/v1/protocols/{protocol.pk}/"),
        "protocol page": lambda: page.get(f"/admin/elections/protocol/{protocol.pk}/change/"),
        "scan": lambda: page.get(f"/media/{protocol.scan.name}"),
        "register": lambda: page.get("/admin/observers/accreditation/"),
        "photo": lambda: page.get(world.photo_url),
        "appoint": lambda: page.get("/admin/elections/assignment/add/"),
        "me": lambda: api.get("/api/v1/observers/me/"),
        "note": lambda: api.post("/api/v1/observers/notes/", {**NOTE, **where}, format="json"),
        "org notes": lambda: page.get("/observe/organisation/"),
        "complaints": lambda: page.get("/complaints/"),
        "enter": lambda: api.post(
            "/api/v1/protocols/", body(night, station=station), format="json"
        ),
    }[operation]
    return do().status_code


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_exactly_what_its_column_says(world, role):
    user, column = world.users[role], ROLES.index(role)

    differences = []
    for operation, row in MATRIX.items():  # in order: "enter" last
        got = f"{answer(world, operation, user, 'own')}/{answer(world, operation, user, 'other')}"
        if got != row[column]:
            differences.append(f"{operation}: expected {row[column]}, got {got}")

    assert not differences, f"{role}:\n" + "\n".join(differences)


def test_no_public_answer_carries_an_identity_document_or_a_contact(world):
    """Every page and file the public can reach, after a night with an observer's visit, a
    published note and a voter's complaint: the observer's document number, the organisation's
    contact, the voter's name and contact never show."""
    night = world.night
    accreditation = Accreditation.objects.get(user=world.users["observer"])
    visit_check_in(accreditation=accreditation, station=night.station)
    note = note_file(
        accreditation=accreditation, station=night.station, phase="counting", category="other",
        severity="information", text="Count was orderly",
    )  # fmt: skip
    note_publish(note=note, user=world.users["coordinator"])
    voters = file_confirmed(
        election=night.election, level="precinct", station=night.station,
        filing=complaint_filing(complainant_kind="voter", complainant_name="Aruzhan Voterova",
                                complainant_contact="aruzhan@example.org"),
    )  # fmt: skip
    complaint_register(voters, user=night.clerk)  # the station's own commission
    for scope in ("own", "other"):
        protocol_submit_entry(
            station=world.protocols[scope].station, contest=night.contest, user=night.cec,
            data=good_numbers(),
        )  # fmt: skip
    protocols_publish()
    contest_aggregate(contest_id=night.contest.pk)
    election, station = night.election.code, night.station
    public = [
        "/results/", f"/results/{election}/", f"/results/{election}/open-data/",
        f"/results/{election}/stations.csv", f"/results/{election}/regions/{station.region.code}/",
        f"/results/{election}/stations/{station.region.code}-{station.number}/",
        f"/results/{election}/contests/{night.contest.code}/", "/results/chain.jsonl",
        f"/verify/{accreditation.code}/", "/api/v1/results/", "/api/v1/station-results/",
        "/api/v1/chain/", f"/api/v1/stations/{station.pk}/", "/api/v1/contests/", "/",
        "/complaints/", "/complaints/register.csv", "/api/v1/complaints/",
        f"/api/v1/complaints/{voters.number}/",
    ]  # fmt: skip

    answers = {path: Client().get(path, follow=True) for path in public}  # /results/ redirects

    assert {path: r.status_code for path, r in answers.items()} == dict.fromkeys(public, 200)
    assert "Count was orderly" in answers[public[5]].text  # the published note does show
    for path, response in answers.items():
        text = b"".join(response.streaming_content) if response.streaming else response.content
        secrets = ("NO1234567", "mission@example.no", "observer-1", "Aruzhan Voterova",
                   "aruzhan@example.org")  # fmt: skip
        for secret in secrets:
            assert secret.encode() not in text, f"{secret} in {path}"
