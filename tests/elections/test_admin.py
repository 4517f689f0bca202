import pytest
from django.urls import reverse

from elections.models import Election, PartyList
from elections.services.structure import election_change_status, party_list_set
from tests.factories import (
    CandidateFactory,
    ContestFactory,
    ElectionFactory,
    PartyFactory,
    PartyListContestFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "admin:elections_election_changelist",
        "admin:elections_contest_changelist",
        "admin:elections_candidate_changelist",
        "admin:elections_partylist_changelist",
        "admin:elections_party_changelist",
    ],
)
def test_election_pages_need_a_staff_login(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_contests_can_be_filtered_by_body_kind_and_region(staff_client, station):
    response = staff_client.get(reverse("admin:elections_contest_changelist"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "By body" in text and "By kind" in text
    filtered = staff_client.get(
        reverse("admin:elections_contest_changelist"), {"kind": "party_list"}
    )
    assert "Mazhilis — party lists" in filtered.content.decode()
    assert "Mazhilis district No. 10" not in filtered.content.decode()


def test_a_contest_shows_its_ballot_lines_and_stations_inline(staff_client, station):
    contest = station.contests.get(name_en="Mazhilis district No. 10")

    response = staff_client.get(reverse("admin:elections_contest_change", args=[contest.pk]))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Dana Omarova" in text and "Marat Seitov" in text
    assert "School-lyceum No. 3" in text


def list_form(party_list: PartyList, candidates) -> dict[str, str]:
    data = {
        "contest": party_list.contest_id,
        "party": party_list.party_id,
        "entries-TOTAL_FORMS": str(len(candidates)),
        "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "1000",
    }
    for index, candidate in enumerate(candidates):
        data[f"entries-{index}-position"] = str(index + 1)
        data[f"entries-{index}-candidate"] = str(candidate.pk)
    return data


@pytest.fixture
def party_list():
    contest = PartyListContestFactory(seats=10)
    party = PartyFactory(election=contest.election, short_name="AMANAT")
    women = [CandidateFactory(election=contest.election, party=party, sex="F") for _ in range(3)]
    return party_list_set(contest=contest, party=party, candidates=women)


def test_the_party_list_form_shows_the_quota(staff_client, party_list):
    response = staff_client.get(reverse("admin:elections_partylist_change", args=[party_list.pk]))

    text = response.content.decode()
    assert "3 of 3 candidates (100.0 %) are women, under 29 or persons with disabilities" in text
    assert "at most 13 names" in text


def test_a_list_below_the_quota_is_refused_on_the_form_and_nothing_is_saved(
    staff_client, party_list
):
    election = party_list.contest.election
    men = [CandidateFactory(election=election, party=party_list.party) for _ in range(10)]

    response = staff_client.post(
        reverse("admin:elections_partylist_change", args=[party_list.pk]),
        list_form(party_list, men),
    )

    assert response.status_code == 200
    assert "quota: 0 of 10 candidates (0.0 %) are women" in response.content.decode()
    assert party_list.entries.count() == 3


def test_a_valid_list_is_saved_through_the_form(staff_client, party_list):
    election = party_list.contest.election
    people = [CandidateFactory(election=election, party=party_list.party, sex="F")] + [
        CandidateFactory(election=election, party=party_list.party) for _ in range(2)
    ]
    url = reverse("admin:elections_partylist_change", args=[party_list.pk])

    response = staff_client.post(url, list_form(party_list, people))

    assert response.status_code == 302
    assert [e.candidate for e in party_list.entries.order_by("position")] == people


def test_ballots_and_lists_cannot_be_edited_once_polling_starts(staff_client, party_list):
    election_change_status(election=party_list.contest.election, to_status="polling", user=None)

    response = staff_client.get(reverse("admin:elections_partylist_change", args=[party_list.pk]))
    refused = staff_client.post(
        reverse("admin:elections_partylist_change", args=[party_list.pk]),
        list_form(party_list, []),
    )

    assert 'name="entries-0-candidate"' not in response.content.decode()
    assert refused.status_code == 403
    assert party_list.entries.count() == 3


def test_the_status_action_moves_an_election_and_records_who(staff_client):
    election = ElectionFactory()

    response = staff_client.post(
        reverse("admin:elections_election_changelist"),
        {"action": "advance_status", "_selected_action": [election.pk]},
        follow=True,
    )

    election.refresh_from_db()
    assert election.status == Election.Status.POLLING
    assert election.status_changes.get().user.username == "clerk"
    assert "now polling" in response.content.decode()


def test_the_rebuild_ballot_action_is_refused_once_frozen(staff_client):
    contest = ContestFactory()
    CandidateFactory(election=contest.election, contest=contest, full_name="Aliya Omarova")
    election_change_status(election=contest.election, to_status="polling", user=None)

    response = staff_client.post(
        reverse("admin:elections_contest_changelist"),
        {"action": "rebuild_ballot", "_selected_action": [contest.pk]},
        follow=True,
    )

    assert "ballots are frozen once an election leaves setup" in response.content.decode()
    assert not contest.ballot_lines.exists()
