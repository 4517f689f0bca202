import pytest
from django.urls import reverse

from elections.models import Protocol
from tests.clients import client_for
from tests.elections.conftest import good_numbers
from tests.factories import ElectionFactory

pytestmark = pytest.mark.django_db


def form_data(data=None) -> dict[str, str]:
    data = data or good_numbers()
    fields = {name: str(value) for name, value in data.numbers.items()}
    fields.update({f"vote_{p}": str(v) for p, v in data.votes.items()})
    fields["explanation"] = data.explanation
    return fields


def enter_url(night, station=None) -> str:
    return reverse(
        "admin:elections_protocol_enter", args=[(station or night.station).pk, night.contest.pk]
    )


def test_a_clerk_finds_the_station_and_its_contests(night):
    response = client_for(night.clerk).get(
        reverse("admin:elections_protocol_choose"), {"region": "KAR", "number": 101}
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "District No. 3" in text and "First entry" in text
    assert enter_url(night) in text


def test_two_clerks_enter_the_protocol_in_the_admin_and_it_is_accepted(night):
    first = client_for(night.clerk).post(enter_url(night), form_data())
    assert first.status_code == 302
    second_page = client_for(night.clerk2).get(enter_url(night))
    assert "Second entry" in second_page.content.decode()
    assert 'value="590"' not in second_page.content.decode()  # blind: nothing of entry 1 shown

    client_for(night.clerk2).post(enter_url(night), form_data())

    protocol = Protocol.objects.get()
    assert protocol.status == Protocol.Status.ACCEPTED
    assert [v.votes for v in protocol.votes.all()] == [400, 150, 40]


def test_the_entry_form_shows_each_broken_relation_beside_its_line(night):
    response = client_for(night.clerk).post(
        enter_url(night), form_data(good_numbers(l2_received=1200, l4_cancelled=250))
    )

    assert response.status_code == 200
    assert (
        "Ballots received (1,200) must equal issued (600) + cancelled (250) = 850"
        in response.content.decode()
    )
    assert not Protocol.objects.exists()


def test_a_supervisor_settles_a_mismatch_side_by_side(night):
    client_for(night.clerk).post(enter_url(night), form_data())
    client_for(night.clerk2).post(enter_url(night), form_data(good_numbers(vote_1=410, vote_2=140)))
    protocol = Protocol.objects.get()
    supervisor = client_for(night.supervisor)
    url = reverse("admin:elections_protocol_change", args=[protocol.pk])

    page = supervisor.get(url).content.decode()
    assert 'name="choose_vote:1"' in page and 'name="choose_vote:2"' in page
    assert 'name="choose_l1_voters"' not in page  # only the differing fields are asked

    response = supervisor.post(
        url, {"action": "resolve", "choose_vote:1": "1", "choose_vote:2": "1"}
    )

    assert response.status_code == 302
    protocol.refresh_from_db()
    assert protocol.status == Protocol.Status.ACCEPTED


def test_the_review_queue_lists_what_needs_a_supervisor(night):
    client_for(night.clerk).post(enter_url(night), form_data())
    client_for(night.clerk2).post(enter_url(night), form_data(good_numbers(vote_1=410, vote_2=140)))

    response = client_for(night.supervisor).get(
        reverse("admin:elections_protocol_changelist"), {"queue": "supervisor"}
    )

    assert "KAR 101" in response.content.decode()


def test_a_clerk_cannot_decide_and_an_outsider_sees_nothing(night):
    client_for(night.clerk).post(enter_url(night), form_data())
    client_for(night.clerk2).post(enter_url(night), form_data(good_numbers(vote_1=410)))
    url = reverse("admin:elections_protocol_change", args=[Protocol.objects.get().pk])

    assert (
        client_for(night.clerk).post(url, {"action": "return", "comment": "x"}).status_code == 403
    )
    assert client_for(night.outsider).get(url).status_code == 404
    assert client_for(night.outsider).get(enter_url(night)).status_code == 404
    listing = client_for(night.outsider).get(reverse("admin:elections_protocol_changelist"))
    assert "KAR 101" not in listing.content.decode()


def test_the_progress_page_counts_expected_and_accepted_protocols(night):
    client_for(night.clerk).post(enter_url(night), form_data())
    client_for(night.clerk2).post(enter_url(night), form_data())

    response = client_for(night.cec).get(reverse("admin:elections_protocol_progress"))

    text = response.content.decode()
    assert response.status_code == 200
    # Karaganda: 2 stations × 1 contest expected, 1 received and accepted, 1 outstanding.
    assert (
        "<td>2</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td><td>1</td>"
        in text.replace("\n", "")
    )


def test_the_cec_assigns_a_clerk_who_can_then_enter_for_that_station(night, django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer", password="pw-long-enough-1")

    response = client_for(night.cec).post(
        reverse("admin:elections_assignment_add"),
        {"user": newcomer.pk, "role": "precinct", "station": night.station.pk},
    )

    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.is_staff and newcomer.groups.filter(name="Precinct commission").exists()
    assert client_for(newcomer).get(enter_url(night)).status_code == 200
    assert client_for(newcomer).get(enter_url(night, night.other_station)).status_code == 404


def test_an_assignment_that_does_not_fit_its_role_is_refused_on_the_form(night, django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer", password="pw-long-enough-1")

    response = client_for(night.cec).post(
        reverse("admin:elections_assignment_add"), {"user": newcomer.pk, "role": "precinct"}
    )

    assert response.status_code == 200
    assert "A precinct assignment needs a station" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "moved"), [("cec", True), ("auditor", False), ("supervisor", False)]
)
def test_only_the_cec_moves_an_election_to_its_next_status(night, who, moved):
    election = ElectionFactory()
    user = {"cec": night.cec, "auditor": night.auditor, "supervisor": night.supervisor}[who]

    client_for(user).post(
        reverse("admin:elections_election_changelist"),
        {"action": "advance_status", "_selected_action": [election.pk]},
    )

    election.refresh_from_db()
    assert (election.status == "polling") is moved
