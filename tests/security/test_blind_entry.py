"""Blind means blind: until both entries of a round are in, only its author sees an entry.

The first clerk types numbers no page would show by chance (votes 4321, L1 9876, …); then the
second clerk, a supervisor, the CEC and the auditor look wherever they can (the protocol's page,
the admin list and its filters, the entry form, the history, the API's list and detail, the
logs), and none of those numbers may be there. Once the round is in, a supervisor sees both
entries; after a return, the next round is as blind as the first.
"""

import logging
import re

import pytest
from django.urls import reverse

from common.events import JsonFormatter
from elections.models import Protocol
from elections.services.protocols import EntryData, protocol_return, protocol_submit_entry
from stations.models import Station
from tests.clients import api_for, client_for
from tests.elections.test_protocol_admin import enter_url, form_data

pytestmark = pytest.mark.django_db

REGISTER = 9870  # station 101's register, so that an L1 of 9,876 raises no warning


def typed(l5_found=6543, l6_invalid=101, votes=(4321, 1987, 134), **lines) -> EntryData:
    """A consistent protocol of numbers that appear nowhere else on a page."""
    numbers = {
        "l1_voters": 9876, "l2_received": 8765, "l3_issued": 6543, "l3a_mobile": 1234,
        "l3b_absentee": 2345, "l4_cancelled": 2222, "l5_found": l5_found,
        "l6_invalid": l6_invalid, "l7_valid": sum(votes), **lines,
    }  # fmt: skip
    return EntryData(numbers=numbers, votes=dict(enumerate(votes, 1)))


FIRST = typed()  # what clerk 1 types
OTHER = typed(votes=(4312, 1996, 134))  # clerk 2 reads two votes differently
# Agreed but held for review: 6,540 ballots found of 6,543 issued needs an explanation.
REVIEWED = typed(l5_found=6540, l6_invalid=98)
REVIEWED.explanation = "Three voters left with their ballots"
ROUND_TWO = typed(l1_voters=9871, votes=(4111, 2197, 134))  # the re-entry, typed afresh


def marks(data: EntryData, *others: EntryData) -> set[int]:
    """The values of ``data`` that no other entry here shares, four digits or more: found on a
    page, they can only have come from it."""
    shared = {v for other in others for v in [*other.numbers.values(), *other.votes.values()]}
    values = [*data.numbers.values(), *data.votes.values()]
    return {v for v in values if v not in shared and v >= 1000}


def shown(text: str, values: set[int]) -> set[int]:
    """Which of the values appear in the text as numbers (9876 or 9,876), not inside a token."""
    found = set()
    for value in values:
        spellings = "|".join(re.escape(s) for s in {str(value), f"{value:,}"})
        if re.search(rf"(?<![\w,.])(?:{spellings})(?![\w,]|\.\d)", text):
            found.add(value)
    return found


@pytest.fixture
def desk(night):
    Station.objects.filter(pk=night.station.pk).update(registered_voters=REGISTER)
    night.station.refresh_from_db()
    return night


def enter(night, user, data: EntryData) -> Protocol:
    return protocol_submit_entry(station=night.station, contest=night.contest, user=user, data=data)


def pages(night, user, protocol: Protocol) -> dict[str, str]:
    """Everything the user can read about the protocol, page by page."""
    client, api = client_for(user), api_for(user)
    admin = {
        "detail": reverse("admin:elections_protocol_change", args=[protocol.pk]),
        "history": reverse("admin:elections_protocol_history", args=[protocol.pk]),
        "list": reverse("admin:elections_protocol_changelist"),
        "queue": reverse("admin:elections_protocol_changelist") + "?queue=second",
        "progress": reverse("admin:elections_protocol_progress"),
        "entry form": enter_url(night),
    }
    found = {}
    for name, url in admin.items():
        response = client.get(url)
        if response.status_code == 200:
            found[name] = response.content.decode()
    for name, url in (("API list", "/api/v1/protocols/"),
                      ("API detail", f"/api/v1/protocols/{protocol.pk}/")):  # fmt: skip
        response = api.get(url)
        assert response.status_code == 200, (name, response.status_code)
        found[name] = response.content.decode()
    assert "detail" in found and "API detail" in found  # the user can see the protocol at all
    return found


def leaks(found: dict[str, str], values: set[int]) -> dict[str, set[int]]:
    return {name: hits for name, text in found.items() if (hits := shown(text, values))}


VIEWERS = ["clerk2", "supervisor", "cec", "auditor"]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_nobody_but_its_author_reads_an_entry_awaiting_the_second(desk, viewer):
    assert client_for(desk.clerk).post(enter_url(desk), form_data(FIRST)).status_code == 302
    protocol = Protocol.objects.get()
    assert protocol.status == Protocol.Status.AWAITING_SECOND

    assert leaks(pages(desk, getattr(desk, viewer), protocol), marks(FIRST)) == {}


def test_the_first_clerk_sees_their_own_entry(desk):
    protocol = enter(desk, desk.clerk, FIRST)

    found = pages(desk, desk.clerk, protocol)

    assert shown(found["detail"], marks(FIRST)) == marks(FIRST)  # the search finds them


@pytest.mark.parametrize("lookup", ["entries__votes__1", "entries__l1_voters", "votes__votes"])
def test_the_admin_list_filtered_on_an_entrys_numbers_does_not_answer_whether_they_match(
    desk, lookup
):
    """Guessing through the list's filters: the right value and a wrong one answer alike."""
    protocol = enter(desk, desk.clerk, FIRST)
    right = {"entries__votes__1": 4321, "entries__l1_voters": 9876, "votes__votes": 4321}[lookup]
    client, listing = client_for(desk.clerk2), reverse("admin:elections_protocol_changelist")

    answers = [client.get(listing, {lookup: value}) for value in (right, right + 1)]

    assert answers[0].status_code == answers[1].status_code
    link = reverse("admin:elections_protocol_change", args=[protocol.pk])
    assert (link in answers[0].content.decode()) == (link in answers[1].content.decode())
    api = api_for(desk.clerk2)
    found = [api.get("/api/v1/protocols/", {lookup: value}).json()["count"] for value in (right, 1)]
    assert found[0] == found[1]


def test_no_log_line_carries_an_entrys_numbers(desk, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="saylau.events")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(desk.clerk).post(enter_url(desk), form_data(FIRST))
        api_for(desk.clerk2).get("/api/v1/protocols/")

    lines = [JsonFormatter().format(record) for record in caplog.records]
    assert any('"protocol.status"' in line for line in lines)  # the entry was logged
    assert shown("\n".join(lines), marks(FIRST)) == set()


@pytest.mark.parametrize(("second", "status"), [(OTHER, "mismatch"), (FIRST, "accepted")])
def test_once_both_entries_are_in_a_supervisor_sees_both(desk, second, status):
    enter(desk, desk.clerk, FIRST)
    protocol = enter(desk, desk.clerk2, second)
    assert protocol.status == status

    page = client_for(desk.supervisor).get(
        reverse("admin:elections_protocol_change", args=[protocol.pk])
    )

    text = page.content.decode()
    assert len(page.context["entries"]) == 2
    assert "Entry 1 (clerk1)" in text and "Entry 2 (clerk2)" in text
    assert shown(text, marks(FIRST) | marks(second)) == marks(FIRST) | marks(second)


def test_after_a_return_the_next_round_shows_nothing_of_the_last_or_of_its_first_entry(desk):
    enter(desk, desk.clerk, REVIEWED)
    protocol = enter(desk, desk.clerk2, REVIEWED)
    assert protocol.status == Protocol.Status.REVIEW  # agreed, held for the explanation
    protocol_return(protocol=protocol, user=desk.supervisor, reason="Ask for the original")
    last_round = marks(REVIEWED, ROUND_TWO)

    # Whoever types the re-entry finds nothing of what was agreed or typed before.
    for typist in (desk.cec, desk.cec2):
        assert leaks(pages(desk, typist, protocol), last_round) == {}
    enter(desk, desk.cec, ROUND_TWO)
    second_clerk = pages(desk, desk.cec2, protocol)

    assert leaks(second_clerk, last_round | marks(ROUND_TWO, REVIEWED)) == {}
    protocol.refresh_from_db()
    assert protocol.numbers() == dict.fromkeys(protocol.numbers())  # nothing agreed to hint at
    assert not protocol.votes.exists() and not protocol.warnings and not protocol.explanation
