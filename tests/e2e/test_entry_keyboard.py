"""Protocol entry at 2 a.m.: the keyboard alone, live checks in the clerk's language, no English."""

import random
import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

from elections import checks
from elections.models import Contest, Election, Protocol
from elections.services.structure import ballot_lines_set, contest_cover_stations
from tests.e2e.conftest import admin_log_in
from tests.factories import CandidateFactory, ContestFactory

pytestmark = pytest.mark.e2e
PASSWORD = "pw-long-enough-1"
LOCALE = Path(__file__).resolve().parents[2] / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|\{\w*\}")
# The protocol of tests.elections.conftest.good_numbers, as the clerk reads it off the paper.
PAPER = {
    "l1_voters": 1000, "l2_received": 1000, "l3_issued": 600, "l3a_mobile": 20,
    "l3b_absentee": 5, "l4_cancelled": 400, "l5_found": 600, "l6_invalid": 10, "l7_valid": 590,
    "vote_1": 400, "vote_2": 150, "vote_3": 40,
}  # fmt: skip


def project_phrases(language: str) -> set[str]:
    """The project's own English phrases of four words or more (placeholders cut out), from
    its catalogue: any of them on a page is a message the reader was not given in their own
    language."""
    phrases = set()
    for entry in polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po")):
        for text in [entry.msgid, entry.msgid_plural]:
            for piece in PLACEHOLDER.split(text or ""):
                piece = " ".join(piece.split()).strip(" .,:;()—-")
                if len(piece.split()) >= 4:
                    phrases.add(piece)
    return phrases


def english_on(page, phrases: set[str]) -> list[str]:
    text = " ".join(page.inner_text("body").split())
    return sorted(p for p in phrases if p in text)


def live_messages(page, kind: str) -> list[str]:
    return page.locator(f"#live-checks [data-kind={kind}] li").all_inner_texts()


def server_messages(language: str, numbers: dict, night) -> tuple[list[str], list[str]]:
    """What elections/checks.py says of these numbers, in this language."""
    lines = {k: v for k, v in numbers.items() if not k.startswith("vote_")}
    votes = [v for k, v in numbers.items() if k.startswith("vote_")]
    election = Election.objects.get(pk=night.election.pk)  # its percentages as Decimals
    with translation.override(language):
        errors = checks.control_errors(lines, votes)
        warnings = checks.warnings(
            lines,
            registered_voters=night.station.registered_voters,
            register_tolerance=election.register_tolerance_percent,
            invalid_percent=election.invalid_warning_percent,
        )
    return [f.message for f in errors], [f.message for f in warnings]


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.tagName")


@pytest.fixture
def two_contests(live_night):
    """The night's station counts a second contest too, so that there is a next protocol."""
    election = live_night.election
    second = ContestFactory(
        election=election, name="Maslikhat district No. 4", number=4,
        body=Contest.Body.LOCAL_MASLIKHAT,
    )  # fmt: skip
    ballot_lines_set(
        contest=second,
        choices=[
            CandidateFactory(election=election, contest=second, full_name=name)
            for name in ["Dana Omarova", "Marat Seitov"]
        ],
    )
    contest_cover_stations(contest=second, stations=[live_night.station])
    return live_night, second


@pytest.mark.parametrize("locale", ["kk-KZ", "ru-RU"])
def test_a_clerk_enters_a_protocol_from_the_keyboard_in_their_own_language(
    new_tab, live_server, two_contests, screenshots, locale
):
    night, second = two_contests
    language = locale[:2]
    phrases = project_phrases(language)
    untranslated = {}  # page → the English phrases on it; asserted last, after the whole walk
    page = new_tab(viewport={"width": 1280, "height": 900}, locale=locale)

    def passed(name: str) -> None:
        page.screenshot(path=screenshots / f"entry-{language}-{name}.png", full_page=True)
        assert page.locator("html").get_attribute("lang") == language
        if found := english_on(page, phrases):
            untranslated[name] = found

    page.goto(f"{live_server.url}/admin/login/")
    passed("login")
    admin_log_in(page, live_server, night.clerk, PASSWORD)
    passed("index")
    page.goto(f"{live_server.url}/admin/elections/protocol/enter/?region=KAR&number=101")
    passed("choose")
    page.goto(
        f"{live_server.url}/admin/elections/protocol/enter/{night.station.pk}/{night.contest.pk}/"
    )

    # The cursor waits on line 1; Tab walks the paper's order.
    assert focused(page) == "id_l1_voters"
    order = list(PAPER)
    for name in order:
        assert focused(page) == f"id_{name}"
        if name == "l4_cancelled":
            page.keyboard.type("300")  # a slip: 600 + 300 is not the 1,000 received
            wrong = dict(PAPER, l4_cancelled=300)
            errors, _ = server_messages(language, wrong, night)
            live = live_messages(page, "error")
            # Shown before saving, as the server will word it: received ≠ issued + cancelled.
            assert live == errors and len(errors) == 1
            if live == server_messages("en", wrong, night)[0]:
                untranslated["live check"] = live
            passed("live-check")
            page.keyboard.press("Backspace")
            page.keyboard.press("Backspace")
            page.keyboard.press("Backspace")
        page.keyboard.type(str(PAPER[name]))
        if name != order[-1]:
            page.keyboard.press("Tab")
    assert live_messages(page, "error") == [] and live_messages(page, "warning") == []
    assert page.locator("#live-checks [data-kind=ok]").is_visible()
    passed("typed")
    if language == "ru":  # on through the explanation, the remarks and the scan to Save
        for name in ("id_explanation", "id_remarks", "id_scan", "save"):
            page.keyboard.press("Tab")
            assert focused(page) == name
    page.keyboard.press("Enter")  # saves: from the last count (kk) or on Save (ru)

    page.wait_for_selector("#next-protocol")
    protocol = Protocol.objects.get(station=night.station, contest=night.contest)
    assert protocol.status == Protocol.Status.AWAITING_SECOND
    passed("saved")
    # No second-entry button for the protocol this clerk typed first: only the other contest's.
    buttons = page.locator("table a.button")
    assert buttons.count() == 1
    assert buttons.get_attribute("href").endswith(f"/enter/{night.station.pk}/{second.pk}/")
    # The next protocol of the station is one key away.
    assert focused(page) == "next-protocol"
    page.keyboard.press("Enter")
    page.wait_for_selector("#id_l1_voters")
    assert page.url.endswith(f"/enter/{night.station.pk}/{second.pk}/")
    assert focused(page) == "id_l1_voters"
    passed("next")

    assert not untranslated, f"English of the project's own in {language}: {untranslated}"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_live_checks_say_what_the_server_will_say(new_tab, live_server, live_night, language):
    page = new_tab(viewport={"width": 1280, "height": 900}, locale=language)
    admin_log_in(page, live_server, live_night.clerk, PASSWORD)
    page.goto(
        f"{live_server.url}/admin/elections/protocol/enter/"
        f"{live_night.station.pk}/{live_night.contest.pk}/"
    )
    chance = random.Random(18)
    cases = [dict(PAPER)]
    cases += [dict(PAPER, **{name: PAPER[name] + 1}) for name in PAPER]  # each line off by one
    cases += [
        {name: chance.choice([0, 1, 9, 600, 1000, 1234, 99999]) for name in PAPER}
        for _ in range(25)
    ]
    cases.append(dict(PAPER, l6_invalid=300, l7_valid=300, l1_voters=1200, l5_found=600))
    cases.append(dict(PAPER, l6_invalid=21, l5_found=400))  # 5.25 %: a tie, rounded to even
    seen = set()
    for numbers in cases:
        page.evaluate(
            """numbers => {
                for (const [name, value] of Object.entries(numbers)) {
                    document.getElementById("id_" + name).value = String(value);
                }
                const first = document.getElementById("id_l1_voters");
                first.dispatchEvent(new Event("input", {bubbles: true}));
            }""",
            numbers,
        )
        errors, warnings = server_messages(language, numbers, live_night)
        assert live_messages(page, "error") == errors, numbers
        assert live_messages(page, "warning") == warnings, numbers
        ok = page.locator("#live-checks [data-kind=ok]").is_visible()
        assert ok == (not errors and not warnings)
        seen.update(page.locator("#live-checks li").evaluate_all("l => l.map(i => i.dataset.code)"))
    # Every relation and warning was broken at least once.
    assert seen == {
        "received_balance", "found_balance", "valid_balance", "issued_over_list",
        "l3a_mobile_over_issued", "l3b_absentee_over_issued", "found_differs_from_issued",
        "many_invalid", "list_differs_from_register",
    }  # fmt: skip


def test_the_scan_stands_beside_the_fields_on_the_second_entry_and_in_review(
    page, live_server, live_night, screenshots
):
    from dataclasses import replace

    from elections.services.protocols import protocol_submit_entry
    from tests.elections.conftest import good_numbers
    from tests.files import png

    night = live_night
    first = replace(good_numbers(), scan=png("protocol.png"))
    protocol_submit_entry(
        station=night.station, contest=night.contest, user=night.clerk, data=first
    )

    admin_log_in(page, live_server, night.clerk2, PASSWORD)
    page.goto(
        f"{live_server.url}/admin/elections/protocol/enter/{night.station.pk}/{night.contest.pk}/"
    )
    beside(page, ".entry > form", ".entry > .scan img")
    assert page.locator("#id_l1_voters").input_value() == ""  # blind: nothing of the first entry
    page.screenshot(path=screenshots / "entry-second-with-scan.png", full_page=True)

    admin_log_in(page, live_server, night.supervisor, PASSWORD)
    protocol = Protocol.objects.get(station=night.station, contest=night.contest)
    page.goto(f"{live_server.url}/admin/elections/protocol/{protocol.pk}/change/")
    beside(page, ".layout > div:first-child", ".layout > .scan img")
    history = page.locator("table").last.inner_text()
    assert "first entry\t– → Awaiting second entry" in history  # labels, not status codes
    page.screenshot(path=screenshots / "review-with-scan.png", full_page=True)


def beside(page, fields: str, scan: str) -> None:
    """The scan is shown (the image loaded) to the right of the fields, their tops level."""
    image = page.locator(scan)
    assert image.evaluate("i => i.complete && i.naturalWidth") == 1
    left, right = page.locator(fields).bounding_box(), image.bounding_box()
    assert right["x"] >= left["x"] + left["width"]
    assert abs(right["y"] - left["y"]) < 120
