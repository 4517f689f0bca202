import pytest

from elections.models import Protocol
from tests.e2e.conftest import admin_log_in

pytestmark = pytest.mark.e2e
PASSWORD = "pw-long-enough-1"


def type_protocol(page, live_server, votes: tuple[int, int, int]) -> None:
    page.goto(f"{live_server.url}/admin/elections/protocol/")
    page.click("text=Enter a protocol")
    page.select_option("#id_region", "KAR")
    page.fill("#id_number", "101")
    page.click("text=Show its contests")
    page.click("a.button")
    lines = {
        "l1_voters": 1000, "l2_received": 1000, "l3_issued": 600, "l3a_mobile": 20,
        "l3b_absentee": 5, "l4_cancelled": 400, "l5_found": 600, "l6_invalid": 10, "l7_valid": 590,
    }  # fmt: skip
    for name, value in lines.items():
        page.fill(f"#id_{name}", str(value))
    for position, value in enumerate(votes, start=1):
        page.fill(f"#id_vote_{position}", str(value))
    page.click("text=Save entry")


def test_two_clerks_and_a_supervisor_take_a_protocol_to_accepted_in_the_admin(
    page, live_server, live_night, screenshots
):
    admin_log_in(page, live_server, live_night.clerk, PASSWORD)
    type_protocol(page, live_server, (400, 150, 40))
    assert "saved — Awaiting second entry" in page.content()

    admin_log_in(page, live_server, live_night.clerk2, PASSWORD)
    type_protocol(page, live_server, (410, 140, 40))  # a typing slip on two lines
    assert "saved — Entries differ" in page.content()

    admin_log_in(page, live_server, live_night.supervisor, PASSWORD)
    page.goto(f"{live_server.url}/admin/elections/protocol/?queue=supervisor")
    page.click("text=KAR 101")
    page.check("input[name='choose_vote:1'][value='1']")
    page.check("input[name='choose_vote:2'][value='1']")
    page.screenshot(path=screenshots / "protocol-mismatch.png", full_page=True)
    page.click("text=Use the chosen values")

    assert "Accepted" in page.content()
    page.screenshot(path=screenshots / "protocol-accepted.png", full_page=True)
    protocol = Protocol.objects.get()
    assert protocol.status == Protocol.Status.ACCEPTED
    assert [v.votes for v in protocol.votes.all()] == [400, 150, 40]
