"""No one decides on their own work: the attacks of issue 15, replayed through the admin pages.

A supervisor who typed an entry of a round does not resolve its mismatch, accept it on review or
return it; a correction's proposer does not approve it; coordinators of an organisation (who
read its observers' unpublished notes) are appointed by the CEC's accreditation desk only; and
once the results are certified a published result changes only by a recorded legal decision.
Each refusal is checked in the database afterwards: nothing changed, no history written.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from elections.models import Protocol, ProtocolEntry, ProtocolEvent
from elections.services.protocols import protocol_propose_correction, protocol_submit_entry
from elections.services.publication import chain_problems, protocols_publish
from elections.services.structure import election_change_status
from observers.models import AccreditationEvent, Note
from observers.services import note_file
from tests.clients import api_for, client_for
from tests.elections.conftest import good_numbers
from tests.elections.test_protocol_admin import form_data
from tests.observers.test_accreditation import ON_THE_DAY, World

pytestmark = pytest.mark.django_db


def detail(protocol: Protocol) -> str:
    return reverse("admin:elections_protocol_change", args=[protocol.pk])


def said(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def state(protocol: Protocol) -> tuple:
    """Everything a decision would change: the protocol, its votes, entries and history."""
    protocol = Protocol.objects.get(pk=protocol.pk)
    return (
        protocol.status, protocol.numbers(), protocol.decided_by_id, protocol.decision_comment,
        list(protocol.votes.values_list("ballot_line_id", "votes")),
        list(ProtocolEntry.objects.filter(protocol=protocol).values_list("round", "error_fields")),
        ProtocolEvent.objects.filter(protocol=protocol).count(),
        Protocol.objects.filter(station=protocol.station, contest=protocol.contest).count(),
    )  # fmt: skip


def enter(night, user, data=None, station=None) -> Protocol:
    return protocol_submit_entry(
        station=station or night.station, contest=night.contest, user=user,
        data=data or good_numbers(),
    )  # fmt: skip


# --- decisions on one's own entry -------------------------------------------------------------


@pytest.mark.parametrize("supervisor_typed", [1, 2])
def test_a_supervisor_who_typed_an_entry_cannot_resolve_the_mismatch_in_their_own_favour(
    night, supervisor_typed
):
    theirs, other = good_numbers(), good_numbers(vote_1=410, vote_2=140)
    typists = [(night.supervisor, theirs), (night.clerk2, other)]
    for user, data in typists if supervisor_typed == 1 else typists[::-1]:
        protocol = enter(night, user, data)
    assert protocol.status == Protocol.Status.MISMATCH
    before = state(protocol)
    mine = {"choose_vote:1": supervisor_typed, "choose_vote:2": supervisor_typed}

    response = client_for(night.supervisor).post(
        detail(protocol), {"action": "resolve", **mine, "comment": "mine is right"}
    )
    returned = client_for(night.supervisor).post(
        detail(protocol), {"action": "return", "comment": "type it again"}
    )

    assert response.status_code == 200
    assert said(response) == [
        f"user: you made entry {supervisor_typed} of this protocol; a supervisor who did not "
        "type it must resolve its mismatch"
    ]
    assert "must return it" in said(returned)[0]
    assert state(protocol) == before  # no one charged with an error, nothing agreed, no event
    # Another supervisor may, and the clerk whose reading lost is charged with it.
    client_for(night.supervisor2).post(detail(protocol), {"action": "resolve", **mine})
    errors = dict(
        ProtocolEntry.objects.filter(protocol=protocol).values_list("user", "error_fields")
    )
    assert Protocol.objects.get(pk=protocol.pk).status == Protocol.Status.ACCEPTED
    assert errors == {night.supervisor.pk: [], night.clerk2.pk: ["vote:1", "vote:2"]}


def test_a_supervisor_who_entered_a_quarantined_protocol_cannot_accept_or_return_it(night):
    night.accept(night.neighbour)  # the same district: identical votes are a quarantine flag
    enter(night, night.supervisor)
    protocol = enter(night, night.clerk2)
    assert protocol.quarantined
    before = state(protocol)

    client = client_for(night.supervisor)
    accepted = client.post(detail(protocol), {"action": "accept", "comment": "I typed it; fine"})
    returned = client.post(detail(protocol), {"action": "return", "comment": "start again"})

    assert said(accepted) == [
        "user: you made entry 1 of this protocol; a supervisor who did not type it must accept it"
    ]
    assert said(returned) == [
        "user: you made entry 1 of this protocol; a supervisor who did not type it must return it"
    ]
    assert state(protocol) == before
    assert client_for(night.supervisor2).post(
        detail(protocol), {"action": "accept", "comment": "Checked the neighbour's paper"}
    ).status_code == 302  # fmt: skip
    assert Protocol.objects.get(pk=protocol.pk).decided_by == night.supervisor2


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_proposer_cannot_decide_on_their_own_correction(night, decision):
    original = night.accept(night.station)
    protocols_publish()
    proposed = client_for(night.supervisor).post(
        detail(original),
        {**form_data(good_numbers(vote_1=390, vote_2=160)), "action": "correct",
         "reason": "Recount"},
    )  # fmt: skip
    assert proposed.status_code == 302
    correction = Protocol.objects.get(supersedes=original)
    before = (state(original), state(correction))

    response = client_for(night.supervisor).post(
        detail(correction), {"action": decision, "comment": "my own, so fine"}
    )

    assert said(response) == [
        "user: a correction is approved by a supervisor other than the one who proposed it"
    ]
    assert (state(original), state(correction)) == before
    assert Protocol.objects.get(pk=original.pk).is_active
    assert protocols_publish() == [] and chain_problems() == []


# --- coordinators of an organisation ----------------------------------------------------------


class BrowserForm(HTMLParser):
    """What a browser would send back from the page's form, untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data) -> None:
        if self._textarea:
            self.data[self._textarea] = [self.data[self._textarea][0] + data]

    def handle_endtag(self, tag) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None


def change_organisation(user, organisation, **changes):
    """Open the organisation's admin change page as ``user`` and save it with ``changes``."""
    client = client_for(user)
    url = reverse("admin:observers_organisation_change", args=[organisation.pk])
    page = client.get(url)
    if page.status_code != 200:  # not in the register this commission keeps
        return client.post(url, {**changes, "_save": "Save"})
    form = BrowserForm()
    form.feed(page.content.decode())
    return client.post(url, {**form.data, **changes, "_save": "Save"})


@pytest.fixture
def world(django_user_model) -> World:
    """An international mission's observer has filed a note, not published, in the north."""
    world = World(django_user_model)
    account = django_user_model.objects.create_user("observer-1")
    world.accreditation = world.observer(regions=[world.north], account=account)
    note_file(
        accreditation=world.accreditation, station=world.station, phase="counting",
        category="protocol_not_posted", severity="violation",
        text="The chairman took the protocol home", at=ON_THE_DAY,
    )  # fmt: skip
    return world


def reads_the_notes(user) -> bool:
    """Whether the user can read the organisation's unpublished notes, anywhere."""
    client = client_for(user)
    page, export = (
        client.get("/observe/organisation/"),
        client.get("/observe/organisation/?format=csv"),
    )
    api = api_for(user).get("/api/v1/observers/notes/")
    seen = [
        page.status_code == 200 and "took the protocol home" in page.content.decode(),
        export.status_code == 200 and "took the protocol home" in export.content.decode(),
        api.status_code == 200 and api.json()["count"] > 0,
    ]
    assert len(set(seen)) == 1, seen  # every door answers alike
    return seen[0]


@pytest.mark.parametrize(
    ("area", "refusal"),
    [
        # Not even listed: a territorial commission keeps only its own region's register.
        ("nationwide", None),
        ("their region", "coordinators are appointed only by the CEC's accreditation desk"),
    ],
)  # fmt: skip
def test_a_territorial_member_cannot_make_themselves_coordinator(world, area, refusal):
    organisation = world.accreditation.organisation
    if area == "their region":  # the north commission accredits a northern organisation
        organisation.region = world.north
        organisation.save(update_fields=["region"])
    member = world.north_commission
    history = AccreditationEvent.objects.count()

    response = change_organisation(
        member, organisation, contact=organisation.contact, coordinators=[str(member.pk)]
    )

    if refusal is None:
        assert response.status_code in (302, 404)  # "no such organisation" for them
    else:
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["coordinators"] == [refusal]
    assert list(organisation.coordinators.all()) == []
    assert AccreditationEvent.objects.count() == history
    assert not reads_the_notes(member)
    assert not Note.objects.get().published


def test_the_cec_desk_appoints_a_coordinator_who_then_reads_the_notes(world):
    """The same page, used by the accreditation desk: the rule refuses a role, not the page."""
    member = world.north_commission
    organisation = world.accreditation.organisation

    response = change_organisation(
        world.cec, organisation, contact=organisation.contact, coordinators=[str(member.pk)]
    )

    assert response.status_code == 302
    assert list(organisation.coordinators.all()) == [member]
    assert AccreditationEvent.objects.filter(reason="changed: coordinators").count() == 1
    assert reads_the_notes(member)


# --- after certification ----------------------------------------------------------------------

LEGAL_BASIS = "Supreme Court decision 3-12/2023 of 28 March 2023"


@pytest.fixture
def certified(night):
    """Station 101 accepted and published, a correction of 102 proposed, then certified."""
    night.original = night.accept(night.station)
    neighbour = night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))
    night.pending = protocol_propose_correction(
        protocol=neighbour, user=night.supervisor, data=good_numbers(vote_1=310, vote_2=240),
        reason="a late recount",
    )  # fmt: skip
    protocols_publish()
    election_change_status(election=night.election, to_status="certified", user=night.cec)
    return night


def propose(night, **fields):
    return client_for(night.supervisor).post(
        detail(night.original),
        {**form_data(good_numbers(vote_1=390, vote_2=160)), "action": "correct",
         "reason": "Recount", **fields},
    )  # fmt: skip


def test_after_certification_an_ordinary_correction_is_refused(certified):
    before = state(certified.original)

    response = propose(certified)

    assert response.status_code == 200
    assert said(response) == [
        f"legal_basis: {certified.election} is certified; its results change only by a court's "
        "or commission's decision: give its reference (body, number, date)"
    ]
    assert state(certified.original) == before
    assert not Protocol.objects.filter(supersedes=certified.original).exists()


def test_after_certification_a_correction_proposed_before_is_not_approved(certified):
    before = state(certified.pending)

    response = client_for(certified.supervisor2).post(
        detail(certified.pending), {"action": "approve", "comment": "fine"}
    )

    assert said(response)[0].startswith(f"legal_basis: {certified.election} is certified")
    assert state(certified.pending) == before
    assert protocols_publish() == []


def test_after_certification_a_correction_on_a_legal_decision_is_published_with_it(certified):
    assert propose(certified, legal_basis=LEGAL_BASIS).status_code == 302
    correction = Protocol.objects.get(supersedes=certified.original)
    approved = client_for(certified.supervisor2).post(
        detail(correction), {"action": "approve", "comment": "As the court ordered"}
    )

    assert approved.status_code == 302
    [record] = protocols_publish()
    assert record.protocol == correction
    assert (record.record["legal_basis"], record.record["reason"]) == (LEGAL_BASIS, "Recount")
    assert record.record["replaces_sha256"] == certified.original.publication.sha256
    assert chain_problems() == []
