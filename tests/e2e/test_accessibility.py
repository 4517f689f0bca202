"""The accessibility gate: axe-core's WCAG 2.1 A and AA rules on every public page, the
observers' pages and the admin's entry, review and dashboard pages, in all three languages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from elections.models import Protocol
from elections.services.protocols import protocol_submit_entry
from observers.services import accreditation_apply, accreditation_decide, organisation_register
from tests.e2e.conftest import admin_log_in
from tests.elections.conftest import good_numbers

pytestmark = pytest.mark.e2e
PASSWORD = "pw-long-enough-1"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page, axe: Axe) -> list[str]:
    """Each violated rule, with the first few elements that break it."""
    found = axe.run(page, options=RULES).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in found
    ]


@pytest.fixture
def counted(live_night, django_user_model):
    """Two stations published, one protocol whose entries differ, and an accredited observer
    who coordinates their organisation."""
    night = live_night
    night.accept(night.station)
    night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))
    for user, votes in ((night.cec, 400), (night.cec2, 410)):
        protocol_submit_entry(
            station=night.other_station, contest=night.contest, user=user,
            data=good_numbers(vote_1=votes, vote_2=150 - (votes - 400)),
        )  # fmt: skip
    observer = django_user_model.objects.create_user("observer1", password=PASSWORD)
    organisation = organisation_register(
        name="Nordic Observation Mission", kind="international", country="Norway",
        contact="mission@example.no",
    )  # fmt: skip
    organisation.coordinators.add(observer)
    accreditation = accreditation_apply(
        election=night.election, organisation=organisation, role="observer",
        full_name="Ingrid Larsen", identity_document="NO1234567", account=observer,
    )  # fmt: skip
    night.accreditation = accreditation_decide(
        accreditation=accreditation, user=night.cec, approve=True
    )
    night.observer = observer
    return night


def public_pages(night) -> list[str]:
    election, contest = night.election.code, night.contest.code
    region = night.station.region.code
    return [
        reverse("stations:finder"),
        reverse("elections:station", args=[night.station.pk]),
        reverse("elections:turnout"),
        reverse("elections:turnout-region", args=[region]),
        reverse("results:current"),
        reverse("results:election", args=[election]),
        reverse("results:open-data", args=[election]),
        reverse("results:region", args=[election, region]),
        reverse("results:station", args=[election, f"{region}-{night.station.number}"]),
        reverse("results:contest", args=[election, contest]),
        reverse("results:contest-region", args=[election, contest, region]),
        reverse("results:contest-district", args=[election, contest, night.station.district.pk]),
        reverse("observers:verify", args=[night.accreditation.code]),
        reverse("observers:login"),
        reverse("admin:login"),
    ]


@pytest.mark.parametrize("locale", ["en-US", "kk-KZ", "ru-RU"])
def test_no_page_breaks_a_wcag_rule(new_tab, live_server, counted, screenshots, locale):
    night = counted
    axe = Axe()
    page = new_tab(viewport={"width": 1280, "height": 900}, locale=locale)
    broken: dict[str, list[str]] = {}

    def check(path: str) -> None:
        answer = page.goto(f"{live_server.url}{path}")
        assert answer.status == 200, path
        assert page.locator("html").get_attribute("lang") == locale[:2], path
        if found := violations(page, axe):
            broken[path] = found

    for path in public_pages(night):
        check(path)

    page.goto(f"{live_server.url}{reverse('observers:login')}")
    page.fill("#id_username", night.observer.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    for name in ("observers:observe", "observers:note", "observers:organisation-notes"):
        check(reverse(name))

    admin_log_in(page, live_server, night.clerk, PASSWORD)
    station, contest = night.station, night.contest
    check(reverse("admin:index"))
    check(reverse("admin:elections_protocol_choose") + f"?region={station.region.code}&number=101")
    check(reverse("admin:elections_protocol_enter", args=[station.pk, contest.pk]))
    # The live checks' panel with a relation broken and a warning raised.
    for name, value in {"l2_received": 900, "l3_issued": 600, "l4_cancelled": 400}.items():
        page.fill(f"#id_{name}", str(value))
    page.fill("#id_l5_found", "590")
    assert page.locator("#live-checks [data-kind=error] li").count() == 1
    assert page.locator("#live-checks [data-kind=warning] li").count() == 1
    if found := violations(page, axe):
        broken["entry with live checks"] = found
    check(reverse("admin:elections_stationreport_report", args=[station.pk]))
    page.set_viewport_size({"width": 390, "height": 844})  # the day's reports, on a phone
    check(reverse("admin:elections_stationreport_report", args=[station.pk]))
    page.screenshot(path=screenshots / f"axe-report-phone-{locale[:2]}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    admin_log_in(page, live_server, night.supervisor, PASSWORD)
    accepted = Protocol.objects.get(station=station, is_active=True)
    check(reverse("admin:elections_protocol_changelist") + "?queue=supervisor")
    check(reverse("admin:elections_protocol_change", args=[accepted.pk]))
    check(reverse("admin:elections_protocol_progress"))
    check(reverse("admin:elections_stationreport_dashboard"))
    admin_log_in(page, live_server, night.cec, PASSWORD)
    mismatch = Protocol.objects.get(station=night.other_station, is_active=True)
    assert mismatch.status == Protocol.Status.MISMATCH
    check(reverse("admin:elections_protocol_change", args=[mismatch.pk]))
    page.screenshot(path=screenshots / f"axe-review-{locale[:2]}.png", full_page=True)

    assert not broken, "WCAG 2.1 A/AA violations:\n" + "\n".join(
        f"{path}\n  " + "\n  ".join(found) for path, found in broken.items()
    )
