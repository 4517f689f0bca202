"""Filing a complaint on the page and through the API, a voter's address confirmed by the link
mailed to it, and the commission's queue and moves in the admin."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from complaints.models import Attachment, Complaint
from tests.clients import api_for, client_for

pytestmark = pytest.mark.django_db
S = Complaint.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def commits(django_capture_on_commit_callbacks, monkeypatch):
    """Each request's after-commit work (the mail) runs when the request ends, as it does
    outside the test's transaction."""
    import django.test.client

    handle = django.test.client.ClientHandler.__call__

    def committing(self, environ):
        with django_capture_on_commit_callbacks(execute=True):
            return handle(self, environ)

    monkeypatch.setattr(django.test.client.ClientHandler, "__call__", committing)
    cache.clear()  # the filing throttle's counts: each test is a new client


def contents(night, **changes) -> dict:
    values = {
        "level": "precinct", "region": "KAR", "station_number": "101",
        "complainant_kind": "voter", "complainant_name": "Aruzhan Voterova",
        "complainant_contact": "aruzhan@example.org",
        "respondent": "Precinct commission No. 101",
        "subject": "I was not on the voters' list", "subject_on": "2023-03-19",
        "facts": "I have lived at this address since 2015.",
        "claim": "Include me in the list and let me vote.",
    }  # fmt: skip
    return {**values, **changes}


def follow_link(message) -> str:
    return re.search(r"https?://\S+/complaints/follow/\S+/", message.body).group(0)


def test_a_voter_files_confirms_by_the_mailed_link_and_only_then_the_commission_sees_it(night):
    response = Client().post(reverse("complaints:file"), contents(night))

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.status, complaint.filed_by, complaint.contact_verified_at) == (
        S.FILED, None, None
    )  # fmt: skip
    assert complaint.station == night.station and complaint.region == night.station.region
    assert [m.to for m in mail.outbox] == [["aruzhan@example.org"]]
    queue = client_for(night.clerk).get(reverse("admin:complaints_complaint_changelist"))
    assert str(complaint) not in queue.content.decode()  # not confirmed: not in the queue

    link = follow_link(mail.outbox[0])
    page = Client().get(link.split("127.0.0.1:8000", 1)[-1])

    assert page.status_code == 200 and "I was not on the voters" in page.content.decode()
    complaint.refresh_from_db()
    assert complaint.contact_verified_at is not None
    queue = client_for(night.clerk).get(reverse("admin:complaints_complaint_changelist"))
    assert f"#{complaint.pk}" in queue.content.decode()


def test_a_forged_follow_link_finds_nothing(night):
    Client().post(reverse("complaints:file"), contents(night))
    assert Client().get("/complaints/follow/1:forged/").status_code == 404
    assert Complaint.objects.get().contact_verified_at is None


def test_a_filing_missing_what_the_law_requires_names_each_field_and_saves_nothing(night):
    response = Client().post(
        reverse("complaints:file"),
        contents(night, station_number="", claim="", complainant_contact="not-an-address"),
    )

    errors = response.context["form"].errors
    assert set(errors) == {"claim", "complainant_contact"}
    assert not Complaint.objects.exists() and not mail.outbox

    response = Client().post(reverse("complaints:file"), contents(night, station_number=""))
    assert response.context["form"].errors == {
        "station_number": ["a complaint to a precinct commission names its station"]
    }
    assert not Complaint.objects.exists()


def test_an_attachment_is_checked_like_a_scan_and_a_refused_one_saves_nothing(night):
    html = SimpleUploadedFile("evidence.pdf", b"<html><script>alert(1)</script>", "application/pdf")
    response = Client().post(reverse("complaints:file"), {**contents(night), "attachments": html})

    assert "attachments" in response.context["form"].errors
    assert not Complaint.objects.exists() and not Attachment.objects.exists()

    good = SimpleUploadedFile("evidence.pdf", PDF, "application/pdf")
    Client().post(reverse("complaints:file"), {**contents(night), "attachments": good})
    attachment = Attachment.objects.get()
    assert len(attachment.sha256) == 64
    # Never public: not to a stranger, not to the public reader of the register.
    assert Client().get(attachment.file.url).status_code == 404


def test_the_api_files_with_the_same_form_and_refuses_field_by_field(night):
    client = Client()
    answer = client.post("/api/v1/complaints/", contents(night), content_type="application/json")
    assert answer.status_code == 201 and answer.json()["follow"] is None  # the link goes by mail

    refused = client.post(
        "/api/v1/complaints/", contents(night, level="court", facts=""),
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"level", "facts"}
    assert Complaint.objects.count() == 1


def test_an_account_holder_files_through_the_api_and_follows_at_once(night):
    answer = api_for(night.clerk).post(
        "/api/v1/complaints/",
        contents(night, level="territorial", complainant_kind="member"),
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    complaint = Complaint.objects.get()
    assert complaint.filed_by == night.clerk and complaint.contact_verified_at is not None
    assert complaint.complainant_kind == "member"
    assert answer.json()["follow"].endswith("/")


def test_a_member_cannot_claim_another_standing(night):
    answer = api_for(night.clerk).post(
        "/api/v1/complaints/", contents(night, complainant_kind="voter"), format="json"
    )
    assert answer.status_code == 400 and "complainant_kind" in answer.json()["errors"]


def test_filings_without_an_account_are_limited_per_client(night, settings):
    settings.COMPLAINTS_FILING_RATE = "2/hour"
    client = Client()
    codes = [
        client.post(
            "/api/v1/complaints/", contents(night), content_type="application/json"
        ).status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]
    assert Complaint.objects.count() == 2


# --- the commission's queue and moves ----------------------------------------------------------


def filed_by_voter(night, **changes) -> Complaint:
    Client().post(reverse("complaints:file"), contents(night, **changes))
    complaint = Complaint.objects.latest("pk")
    Client().get(follow_link(mail.outbox[-1]).split("127.0.0.1:8000", 1)[-1])
    return complaint


SUMMARY = {"public_subject": "A voter missing from the list", "public_claim": "Include them."}


def move(user, complaint: Complaint, action: str, **fields):
    page = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    summary = SUMMARY if action == "register" else {}  # what the register shows of it
    return client_for(user).post(page, {"action": action, **summary, **fields})


def test_the_territorial_member_registers_hears_and_decides_in_the_admin_in_the_bodys_time(night):
    complaint = filed_by_voter(night, level="territorial")

    assert move(night.supervisor, complaint, "register").status_code == 302
    move(night.supervisor, complaint, "hearing", hearing_at="2023-03-20T10:00",
         hearing_place="Room 4, akimat", hearing_link="https://meet.example.org/tec")  # fmt: skip
    complaint.refresh_from_db()
    assert complaint.status == S.UNDER_REVIEW
    assert (
        complaint.hearing_at.isoformat() == "2023-03-20T04:00:00+00:00"
    )  # 10:00 in Almaty (UTC+6 then)
    move(
        night.supervisor,
        complaint,
        "decide",
        outcome="dismissed",
        decision="Observers stood 3 m away.",
    )

    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome, complaint.decided_by) == (
        S.DECIDED, "dismissed", night.supervisor
    )  # fmt: skip
    actions = [event.action for event in complaint.events.all()]
    assert actions == ["filed", "contact confirmed", "registered", "hearing scheduled", "decided"]
    subjects = [message.subject.split(": ", 1)[1] for message in mail.outbox]
    assert subjects == ["filed", "registered", "hearing", "decided"]
    assert "Decision: Dismissed" in mail.outbox[-1].body


def test_another_commission_does_not_see_the_complaint_and_a_bad_move_is_refused(night):
    complaint = filed_by_voter(night, level="territorial")
    page = reverse("admin:complaints_complaint_change", args=[complaint.pk])

    assert client_for(night.outsider).get(page).status_code in (403, 404)
    assert move(night.cec, complaint, "register").status_code == 404  # the CEC is not addressed

    response = move(night.supervisor, complaint, "decide", outcome="upheld", decision="Yes.")
    assert response.status_code == 200  # deciding is not open to a filing not yet registered
    complaint.refresh_from_db()
    assert complaint.status == S.FILED


def test_the_queue_is_most_urgent_first(night):
    first = filed_by_voter(night, level="territorial", subject="first")
    second = filed_by_voter(night, level="territorial", subject="second")
    third = filed_by_voter(night, level="territorial", subject="third")
    move(night.supervisor, second, "register")
    move(night.supervisor, first, "register")

    page = client_for(night.supervisor).get(reverse("admin:complaints_complaint_changelist"))
    html = page.content.decode()
    second.refresh_from_db()
    first.refresh_from_db()
    order = sorted([third, second, first], key=lambda c: html.index(f">{c}<"))
    assert order == [third, second, first]  # waiting to be registered, then by deadline


def test_the_admin_has_no_generic_page_that_writes_a_complaint(night):
    complaint = filed_by_voter(night, level="territorial")
    client = client_for(night.supervisor)
    for url in (
        "/admin/complaints/complaint/add/",
        f"/admin/complaints/complaint/{complaint.pk}/delete/",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"status": "decided"}).status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == S.FILED


# --- what the red team found ------------------------------------------------------------------


def test_a_follow_link_is_the_complaints_own_random_key_not_a_signature(night):
    Client().post(reverse("complaints:file"), contents(night))
    complaint = Complaint.objects.get()
    for forged in (f"{complaint.pk}-", f"{complaint.pk}-{'A' * 32}", "abc", "1-{}", "99999-x"):
        assert Client().get(f"/complaints/follow/{forged}/").status_code == 404
    complaint.refresh_from_db()
    assert complaint.contact_verified_at is None


def test_whoever_filed_a_complaint_takes_no_part_in_deciding_it(night):
    api_for(night.clerk).post(
        "/api/v1/complaints/", contents(night, complainant_kind="member"), format="json"
    )
    complaint = Complaint.objects.get()

    assert move(night.clerk, complaint, "register").status_code == 200  # refused, shown
    complaint.refresh_from_db()
    assert complaint.status == S.FILED
    assert move(night.clerk2, complaint, "register").status_code == 302


def test_the_registering_member_names_the_member_complained_of_who_then_takes_no_part(night):
    complaint = filed_by_voter(night)
    move(night.clerk2, complaint, "register", respondent_user=night.clerk.pk)
    complaint.refresh_from_db()
    assert complaint.respondent_user == night.clerk

    response = move(night.clerk, complaint, "decide", outcome="dismissed", decision="Not me.")
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == S.REGISTERED


def test_a_station_names_its_own_district(night):
    other = night.other_station.district
    answer = Client().post(
        "/api/v1/complaints/", contents(night, level="territorial", district=str(other.pk)),
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 400 and set(answer.json()["errors"]) == {"district"}
    assert not Complaint.objects.exists()


def test_account_holders_are_limited_too(night, settings):
    settings.COMPLAINTS_FILING_RATE = "2/hour"
    client = api_for(night.clerk)
    codes = [
        client.post(
            "/api/v1/complaints/", contents(night, complainant_kind="member"), format="json"
        ).status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]


@pytest.mark.parametrize("value", [{"a": 1}, [1], 1.5, True])
def test_a_json_value_of_the_wrong_type_is_refused_by_name(night, value):
    answer = Client().post(
        "/api/v1/complaints/", contents(night, subject_on=value), content_type="application/json"
    )
    assert answer.status_code == 400 and answer.json()["errors"] == {
        "subject_on": ["give text or a whole number"]
    }


def test_a_number_for_a_date_is_no_date(night):
    answer = Client().post(
        "/api/v1/complaints/", contents(night, subject_on=20230319),
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 400 and set(answer.json()["errors"]) == {"subject_on"}


def test_free_text_and_the_day_have_their_bounds(night):
    answer = Client().post(
        "/api/v1/complaints/",
        contents(night, facts="x" * 4001, subject_on="9999-12-31"),
        content_type="application/json",
    )
    assert answer.status_code == 400 and set(answer.json()["errors"]) == {"facts", "subject_on"}


# --- what the second pass found -----------------------------------------------------------------


def test_odd_follow_links_and_bodies_are_refused_never_a_500(night):
    for token in ("19²-x", "1-é", "١-x"):
        assert Client().get(f"/complaints/follow/{token}/").status_code == 404
    for body in ("[1, 2]", '"text"'):
        answer = Client().post("/api/v1/complaints/", body, content_type="application/json")
        assert answer.status_code == 400


def test_the_member_the_respondent_names_is_kept_out_from_the_filing(night):
    complaint = filed_by_voter(night, respondent=f"{night.clerk.username}, member of PEC 101")
    assert complaint.respondent_user == night.clerk
    assert move(night.clerk, complaint, "register").status_code == 200  # refused
    complaint.refresh_from_db()
    assert complaint.status == S.FILED


def test_the_register_shows_the_members_summary_of_a_private_complaint(night):
    complaint = filed_by_voter(night, subject="I, Aruzhan Voterova, was missing from the list")
    form = (
        client_for(night.clerk2)
        .get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
        .content.decode()
    )
    assert "Voterova" not in form.split('name="public_subject"', 1)[1].split("</textarea>")[0]
    move(night.clerk2, complaint, "register", public_subject="Missing from the voters' list",
         public_claim="To be included")  # fmt: skip
    complaint.refresh_from_db()

    row = Client().get(f"/api/v1/complaints/{complaint.number}/").json()
    assert (row["subject"], row["claim"]) == ("Missing from the voters' list", "To be included")


def test_a_partys_name_is_published_once_its_standing_is_checked(night):
    complaint = filed_by_voter(night, complainant_kind="party", complainant_name="Auyl party")
    move(night.clerk2, complaint, "register")
    complaint.refresh_from_db()
    assert (
        Client().get(f"/api/v1/complaints/{complaint.number}/").json()["complainant_name"] is None
    )

    other = filed_by_voter(night, complainant_kind="party", complainant_name="Auyl party")
    move(night.clerk2, other, "register", standing_confirmed="on")
    other.refresh_from_db()
    assert Client().get(f"/api/v1/complaints/{other.number}/").json()["complainant_name"] == (
        "Auyl party"
    )


def test_a_long_decision_is_refused_and_one_within_the_limit_does_not_stall_the_register(night):
    import time

    complaint = filed_by_voter(night)
    move(night.clerk2, complaint, "register")
    too_long = move(night.clerk2, complaint, "decide", outcome="dismissed", decision="D" * 20_001)
    assert too_long.status_code == 200
    move(night.clerk2, complaint, "decide", outcome="dismissed", decision="a.b@" * 5_000)
    complaint.refresh_from_db()
    assert complaint.status == S.DECIDED

    started = time.monotonic()
    assert Client().get("/api/v1/complaints/").status_code == 200
    assert time.monotonic() - started < 2
