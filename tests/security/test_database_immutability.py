"""What is settled stays settled down to the database: a shell, a bug or psql cannot rewrite it.

Each attack is made as someone with the application's database login would make it, from
`manage.py shell` (the ORM's `save()`, `update()`, `delete()`) or with raw SQL, and each one
must be refused by the database itself (the triggers of migration 0008) with an IntegrityError
and change nothing. The same tests run on SQLite (`make test`) and on Postgres
(`make test-services`). The moves the services make (a correction superseding the version it
corrects; a protocol still awaiting its second entry taking it) still work.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from elections.models import (
    PROTOCOL_LINES,
    ElectionStatusChange,
    Protocol,
    ProtocolEntry,
    ProtocolEvent,
    ProtocolVote,
    Publication,
    StationReport,
)
from elections.services.protocols import (
    protocol_decide_correction,
    protocol_propose_correction,
)
from elections.services.publication import chain_problems, protocols_publish
from elections.services.structure import ballot_lines_set
from tests.clients import api_for, client_for
from tests.elections.conftest import good_numbers
from tests.elections.test_import_protocols import row, write
from tests.elections.test_protocol_admin import enter_url, form_data
from tests.elections.test_protocol_api import URL, body
from tests.factories import ContestFactory, ElectionFactory

pytestmark = pytest.mark.django_db

# The triggers' own words, on SQLite and on Postgres: the refusal is the database's.
BY_A_TRIGGER = "settled|append-only"
STAYS = "keeps its region, district and number"
WATCHED = [
    "elections_protocol", "elections_protocolentry", "elections_protocolvote",
    "elections_protocolevent", "elections_publication", "elections_stationreport",
    "elections_electionstatuschange",
]  # fmt: skip
LINE_RULE = "must be a whole number from 0 to 1,000,000"


def rows() -> dict[str, list]:
    """Every row of the tables the triggers guard, as the database holds them."""
    found = {}
    with connection.cursor() as cursor:
        for table in WATCHED:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608 - our own names
            found[table] = cursor.fetchall()
    return found


def sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def refused(attempt) -> None:
    """The attempt fails in the database; its savepoint rolls back and the test goes on."""
    with pytest.raises(IntegrityError, match=BY_A_TRIGGER), transaction.atomic():
        attempt()


@pytest.fixture
def settled(night):
    """Station 101 accepted and published; station 102's correction proposed and rejected."""
    accepted = night.accept(night.station)
    neighbour = night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))
    rejected = protocol_propose_correction(
        protocol=neighbour, user=night.supervisor, data=good_numbers(vote_1=310, vote_2=240),
        reason="a recount asked for",
    )  # fmt: skip
    protocol_decide_correction(
        correction=rejected, user=night.supervisor2, approve=False, comment="no grounds"
    )
    protocols_publish()
    assert chain_problems() == []
    night.accepted = Protocol.objects.get(pk=accepted.pk)
    night.rejected = Protocol.objects.get(pk=rejected.pk)
    return night


def test_a_published_record_rewritten_or_deleted_from_a_shell_is_refused(settled):
    before = rows()
    publication = Publication.objects.get(protocol=settled.accepted)
    forged = {**publication.record, "lines": {**publication.record["lines"], "l7_valid": 9999}}

    def save_forged():
        publication.record = forged
        publication.save()

    refused(save_forged)
    refused(lambda: Publication.objects.filter(pk=publication.pk).update(record=forged))
    refused(lambda: Publication.objects.update(sha256="0" * 64))
    refused(lambda: Publication.objects.get(pk=publication.pk).delete())
    refused(lambda: Publication.objects.all().delete())
    refused(lambda: sql("UPDATE elections_publication SET sha256 = %s", ["f" * 64]))
    refused(lambda: sql("DELETE FROM elections_publication WHERE id = %s", [publication.pk]))

    assert rows() == before
    assert chain_problems() == []


def test_a_protocols_history_rewritten_or_deleted_from_a_shell_is_refused(settled):
    before = rows()
    event = ProtocolEvent.objects.filter(protocol=settled.accepted).first()

    def blame_someone_else():
        event.user = settled.clerk
        event.save()

    refused(blame_someone_else)
    refused(lambda: ProtocolEvent.objects.filter(pk=event.pk).update(reason="nothing happened"))
    refused(lambda: ProtocolEvent.objects.filter(protocol=settled.rejected).delete())
    refused(lambda: sql("UPDATE elections_protocolevent SET to_status = 'returned'"))
    refused(lambda: sql("DELETE FROM elections_protocolevent WHERE id = %s", [event.pk]))

    assert rows() == before


# Each change an attacker made through the generic change form, now tried from a shell.
REWRITES = {
    "L1": ("l1_voters", lambda night, protocol: 2000),
    "L6": ("l6_invalid", lambda night, protocol: 99),
    "status back to awaiting": ("status", lambda night, protocol: "awaiting_second"),
    "status back to review": ("status", lambda night, protocol: "review"),
    "in or out of the count": ("is_active", lambda night, protocol: not protocol.is_active),
    "to another station": ("station", lambda night, protocol: night.other_station),
    "another decider": ("decided_by", lambda night, protocol: night.clerk),
    "another proposer": ("proposed_by", lambda night, protocol: night.clerk2),
    "a legal basis invented": ("legal_basis", lambda night, protocol: "Court ruling 1/2023"),
    "another version": ("version", lambda night, protocol: 7),
}


@pytest.mark.parametrize("how", ["save", "update", "sql"])
@pytest.mark.parametrize("change", REWRITES, ids=list(REWRITES))
def test_a_settled_protocol_rewritten_from_a_shell_is_refused(settled, change, how):
    name, value_of = REWRITES[change]
    field = Protocol._meta.get_field(name)
    before = rows()
    for protocol in (settled.accepted, settled.rejected):
        value = value_of(settled, protocol)

        def save(protocol=protocol, value=value):
            setattr(protocol, name, value)
            protocol.save()

        attempt = {
            "save": save,
            "update": lambda protocol=protocol, value=value: Protocol.objects.filter(
                pk=protocol.pk
            ).update(**{name: value}),
            "sql": lambda protocol=protocol, value=value: sql(
                f"UPDATE elections_protocol SET {field.column} = %s WHERE id = %s",  # noqa: S608
                [getattr(value, "pk", value), protocol.pk],
            ),
        }[how]
        refused(attempt)

    assert rows() == before
    assert chain_problems() == []


def test_a_settled_protocol_deleted_from_a_shell_is_refused(settled):
    before = rows()

    refused(lambda: Protocol.objects.get(pk=settled.rejected.pk).delete())  # with its votes
    refused(lambda: sql("DELETE FROM elections_protocol WHERE id = %s", [settled.accepted.pk]))
    refused(lambda: sql("DELETE FROM elections_protocol WHERE id = %s", [settled.rejected.pk]))

    assert rows() == before
    assert chain_problems() == []


def test_a_vote_of_an_accepted_version_added_changed_or_deleted_from_a_shell_is_refused(settled):
    before = rows()
    vote = ProtocolVote.objects.filter(protocol=settled.accepted).first()
    # A ballot line this version has no vote for, so only the trigger stands in the way.
    elsewhere = ContestFactory(election=ElectionFactory(code="elsewhere"))
    [stray] = ballot_lines_set(contest=elsewhere, choices=[])

    def more_votes():
        vote.votes += 1000
        vote.save()

    refused(more_votes)
    refused(lambda: ProtocolVote.objects.filter(protocol=settled.accepted).update(votes=0))
    refused(lambda: ProtocolVote.objects.filter(pk=vote.pk).delete())
    refused(
        lambda: ProtocolVote.objects.create(protocol=settled.accepted, ballot_line=stray, votes=5)
    )
    refused(lambda: ProtocolVote.objects.filter(protocol=settled.rejected).update(votes=1))
    refused(lambda: sql("UPDATE elections_protocolvote SET votes = votes + 1"))
    refused(lambda: sql("DELETE FROM elections_protocolvote WHERE id = %s", [vote.pk]))
    refused(
        lambda: sql(
            "INSERT INTO elections_protocolvote (protocol_id, ballot_line_id, votes) "
            "VALUES (%s, %s, %s)",
            [settled.accepted.pk, stray.pk, 5],
        )
    )

    assert rows() == before
    assert chain_problems() == []


def test_an_entry_of_an_accepted_version_added_changed_or_deleted_from_a_shell_is_refused(
    settled,
):
    before = rows()
    entry = ProtocolEntry.objects.filter(protocol=settled.accepted).first()

    def charge_the_clerk():
        entry.error_fields = ["l7_valid"]
        entry.save()

    refused(charge_the_clerk)
    refused(lambda: ProtocolEntry.objects.filter(pk=entry.pk).update(l1_voters=2000))
    refused(lambda: ProtocolEntry.objects.filter(pk=entry.pk).update(user=settled.clerk))
    refused(lambda: ProtocolEntry.objects.filter(protocol=settled.accepted).delete())
    refused(
        lambda: ProtocolEntry.objects.create(
            protocol=settled.accepted,
            cycle=2,
            round=1,
            user=settled.clerk,
            votes={"1": 1, "2": 1, "3": 1},
            **good_numbers().numbers,
        )  # fmt: skip
    )
    refused(lambda: sql("UPDATE elections_protocolentry SET l6_invalid = 0"))
    refused(lambda: sql("DELETE FROM elections_protocolentry WHERE id = %s", [entry.pk]))

    assert rows() == before


def test_a_station_report_or_an_election_status_change_rewritten_or_deleted_is_refused(day):
    report = day.report("opened", "07:00")
    change = ElectionStatusChange.objects.filter(election=day.election).first()
    before = rows()

    def backdate():
        report.at = day.at("06:00")
        report.save()

    refused(backdate)
    refused(lambda: StationReport.objects.filter(pk=report.pk).update(created=report.at))
    refused(lambda: StationReport.objects.filter(pk=report.pk).delete())
    refused(lambda: sql("UPDATE elections_stationreport SET late_reason = 'none'"))
    refused(lambda: sql("DELETE FROM elections_stationreport"))

    def pin_it_on_someone():
        change.user = day.clerk
        change.save()

    refused(pin_it_on_someone)
    refused(lambda: ElectionStatusChange.objects.filter(pk=change.pk).delete())
    refused(lambda: sql("UPDATE elections_electionstatuschange SET reason = 'routine'"))
    refused(lambda: sql("DELETE FROM elections_electionstatuschange"))

    assert rows() == before


def test_a_correction_approved_in_the_admin_still_supersedes_the_version_it_corrects(settled):
    """The one move a settled version makes, made by the services, is not refused."""
    original = settled.accepted
    numbers, votes = original.numbers(), [v.votes for v in original.votes.all()]
    detail = "admin:elections_protocol_change"
    proposed = client_for(settled.supervisor).post(
        reverse(detail, args=[original.pk]),
        {**form_data(good_numbers(vote_1=390, vote_2=160)), "action": "correct",
         "reason": "Recount ordered by the territorial commission"},
    )  # fmt: skip
    assert proposed.status_code == 302
    correction = Protocol.objects.get(supersedes=original, status="correction")

    approved = client_for(settled.supervisor2).post(
        reverse(detail, args=[correction.pk]), {"action": "approve", "comment": "Seen the recount"}
    )

    assert approved.status_code == 302
    original.refresh_from_db()
    correction.refresh_from_db()
    assert (original.status, original.is_active) == ("superseded", False)
    assert (correction.status, correction.is_active) == ("accepted", True)
    assert original.numbers() == numbers  # the old version keeps what it was decided with
    assert [v.votes for v in original.votes.all()] == votes
    [record] = protocols_publish()
    assert record.protocol == correction
    assert record.record["replaces_sha256"] == original.publication.sha256
    assert chain_problems() == []


def test_a_protocol_awaiting_its_second_entry_is_not_frozen(night):
    """Only what is settled is final: an open protocol still changes and takes its entry."""
    assert client_for(night.clerk).post(enter_url(night), form_data()).status_code == 302
    protocol = Protocol.objects.get()

    sql("UPDATE elections_protocol SET remarks = 'seal number 55' WHERE id = %s", [protocol.pk])
    second = api_for(night.clerk2).post(URL, body(night), format="json")

    assert second.status_code == 201 and second.json()["status"] == "accepted"
    protocol.refresh_from_db()
    assert protocol.remarks == "seal number 55"
    assert [v.votes for v in protocol.votes.all()] == [400, 150, 40]
    protocols_publish()
    assert chain_problems() == []


def test_an_accepted_version_retired_from_a_shell_without_a_correction_is_refused(settled):
    """accepted → superseded is the correction's move: alone, it would drop a station's result
    from the totals with no new version, no event and nothing in the chain to show it."""
    before = rows()
    accepted = settled.accepted

    refused(
        lambda: Protocol.objects.filter(pk=accepted.pk).update(status="superseded", is_active=False)
    )
    refused(
        lambda: sql(
            "UPDATE elections_protocol SET status = 'superseded', is_active = %s WHERE id = %s",
            [False, accepted.pk],
        )
    )

    assert rows() == before
    assert chain_problems() == []


# --- numbers a protocol can hold -------------------------------------------------------------

HUGE = [2**62, 1_000_001]


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize("line", ["l1_voters", "l6_invalid"])
def test_a_line_too_big_for_any_station_is_refused_on_the_entry_page(night, line, value):
    response = client_for(night.clerk).post(enter_url(night), {**form_data(), line: str(value)})

    assert response.status_code == 200
    assert response.context["form"].errors[line] == [f"{PROTOCOL_LINES[line]} {LINE_RULE}"]
    assert not Protocol.objects.exists() and not ProtocolEntry.objects.exists()


@pytest.mark.parametrize("value", HUGE)
def test_a_vote_too_big_for_any_station_is_refused_on_the_entry_page(night, value):
    response = client_for(night.clerk).post(enter_url(night), {**form_data(), "vote_1": value})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "line 1 (Aigerim Sadykova) needs a whole number of votes from 0 to 1,000,000"
    ]
    assert not Protocol.objects.exists() and not ProtocolEntry.objects.exists()


@pytest.mark.parametrize("value", HUGE)
def test_a_line_or_vote_too_big_for_any_station_is_refused_by_the_api(night, value):
    api = api_for(night.clerk)
    line = body(night)
    line["numbers"] = {**line["numbers"], "l7_valid": value}
    vote = body(night)
    vote["votes"] = {**vote["votes"], "2": value}

    answers = [api.post(URL, line, format="json"), api.post(URL, vote, format="json")]
    batch = api.post(f"{URL}batch/", {"entries": [line, vote]}, format="json")

    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json()["errors"]["l7_valid"] == [f"{PROTOCOL_LINES['l7_valid']} {LINE_RULE}"]
    assert answers[1].json()["errors"]["votes"] == [
        "line 2 (Bolat Omarov) needs a whole number of votes from 0 to 1,000,000"
    ]
    assert [r["status"] for r in batch.json()["results"]] == [400, 400]
    assert not Protocol.objects.exists() and not ProtocolEntry.objects.exists()


def test_a_line_too_big_for_any_station_is_refused_by_import_protocols(night, tmp_path):
    path = write(tmp_path, [row(night), row(night, station=night.neighbour, l3b_absentee=2**62)])
    err = StringIO()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_protocols", str(path), "--user", "super1", stdout=StringIO(), stderr=err
        )

    assert f"line 3: l3b_absentee: {PROTOCOL_LINES['l3b_absentee']} {LINE_RULE}" in err.getvalue()
    assert not Protocol.objects.exists() and not ProtocolEntry.objects.exists()


def test_a_counted_station_moved_from_a_shell_is_refused(settled):
    # Its votes are totalled by its district and its records name it by region and number:
    # once a version is settled, moving it would move votes with nothing in the log.
    other = settled.other_station
    station = type(settled.station).objects.filter(pk=settled.station.pk)
    for change in ({"district_id": other.district_id}, {"region_id": other.region_id},
                   {"number": 999}):  # fmt: skip
        with pytest.raises(IntegrityError, match=STAYS), transaction.atomic():
            station.update(**change)
    station.update(name="Renamed school No. 5")  # what the records do not rest on may change
    assert station.get().district_id == settled.station.district_id


def test_a_station_not_yet_counted_may_still_move(night):
    night.station.number = 999
    night.station.save()
    assert type(night.station).objects.get(pk=night.station.pk).number == 999


def test_an_import_that_would_move_a_counted_station_is_refused_and_saves_nothing(
    settled, tmp_path
):
    station = settled.station
    path = tmp_path / "moved.csv"
    path.write_text(
        "region,district,number,name,address,registered_voters\n"
        f"{station.region.code},Somewhere else,{station.number},{station.name},"
        f"{station.address},{station.registered_voters}\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match="problem"):
        call_command("import_stations", str(path), stdout=StringIO(), stderr=StringIO())

    station.refresh_from_db()
    assert station.district_id == settled.station.district_id
    assert not type(station.district).objects.filter(name_en="Somewhere else").exists()
