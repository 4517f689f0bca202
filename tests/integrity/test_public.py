"""The public side of observers' copies: the station page's section (how many copies, and whether
each matches the published record line by line), the /integrity/ page of discrepancies and
parallel counts, its open data and API (the same rows), and a copy's images public only once
its organisation publishes it. Never anyone's name."""

import csv
import io
import json

import pytest
from django.test import Client, TestCase

from common.public_cache import results_changed
from elections.services.aggregation import contest_aggregate
from elections.services.publication import protocols_publish
from integrity.checking import discrepancies_refresh
from integrity.models import Discrepancy, ProtocolCopy
from integrity.parallel import parallel_count_draw
from integrity.services import copy_submit, copy_transcribe
from tests.clients import client_for
from tests.elections.conftest import good_numbers
from tests.integrity.test_copies import Mission, photo, submit

pytestmark = pytest.mark.django_db
PAGE = "/results/night/stations/KAR-101/"


@pytest.fixture
def mission(night, django_user_model) -> Mission:
    return Mission(night, django_user_model)


def private(night, mission) -> list[str]:
    """What no public answer may hold: the observer's name and every account's username."""
    users = [mission.observer, mission.desk, night.cec, night.cec2]
    return ["Ingrid Larsen", *(user.username for user in users)]


def read(url: str) -> str:
    results_changed()  # as the next publication would: the page is built afresh
    response = Client().get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def panel_of(page: str) -> str:
    return page.split('id="protocol-copies"')[1].split("</section>")[0]


def transcribed(night, mission, data=None, **fields) -> ProtocolCopy:
    copy = submit(night, mission, data=data, **fields)
    return copy_transcribe(copy=copy, user=mission.desk, data=data or good_numbers())


def published(night, station=None, data=None) -> None:
    night.accept(station or night.station, data)
    protocols_publish()


def test_a_station_without_copies_has_no_section(night, mission):
    published(night)
    assert 'id="protocol-copies"' not in read(PAGE)


def test_a_matching_copy_is_counted_and_matches_line_by_line(night, mission):
    published(night)
    transcribed(night, mission)

    panel = panel_of(read(PAGE))

    assert "1 copy" in panel and "(observer&#x27;s certified copy: 1)" in panel
    assert "matches the published record, line by line" in panel
    assert "differs from" not in panel and "differ from" not in panel
    for secret in [*private(night, mission), mission.organisation.name]:  # unpublished copy
        assert secret not in panel


def test_a_differing_copy_shows_each_line_it_differs_on_and_an_untranscribed_one_says_so(
    night, mission
):
    published(night, data=good_numbers(vote_1=430, vote_2=120))  # rewritten at entry
    transcribed(night, mission)
    submit(night, mission, source="posted_photo")  # typed once: not transcribed yet

    panel = panel_of(read(PAGE))

    assert "2 copies" in panel and "photo of the posted protocol: 1)" in panel
    assert "2 lines differ from the published record" in panel
    assert '<th scope="row">1. Aigerim Sadykova</th><td class="num">400</td>' in panel
    assert '<td class="num">400</td><td class="num">430</td>' in panel
    assert '<td class="num">150</td><td class="num">120</td>' in panel
    assert "not transcribed yet" in panel
    assert "matches" not in panel


def test_the_integrity_page_files_and_api_give_the_same_discrepancies_and_no_names(night, mission):
    published(night, data=good_numbers(vote_1=430, vote_2=120))
    copy = transcribed(night, mission)
    discrepancies_refresh(night.station, night.contest)
    found = Discrepancy.objects.get(rule="copy_differs")
    assert found.copy == copy

    page = read("/integrity/")
    assert "An observer&#x27;s or party agent&#x27;s copy differs from the published record" in (
        page
    )
    assert "a question, not a verdict" in page
    assert "KAR-101" in page and "copy 400, published 430" in page
    counts = page.split("Discrepancies by region and rule")[1].split("</table>")[0]
    assert '<td class="num">1</td>' in counts  # one open

    listed = json.loads(read("/integrity/discrepancies.json"))["discrepancies"]
    rows = list(csv.DictReader(io.StringIO(read("/integrity/discrepancies.csv"))))
    api = json.loads(read("/api/v1/discrepancies/"))["results"]
    assert len(listed) == len(rows) == len(api) == 1
    (row,) = listed
    assert row == api[0]
    assert {**rows[0], "detail": json.loads(rows[0]["detail"]), "complaint": None} == {
        **{key: str(value) for key, value in row.items() if value is not None},
        "detail": row["detail"], "complaint": None,
    }  # fmt: skip
    assert (row["station"], row["contest"], row["rule"], row["severity"], row["status"]) == (
        "KAR-101", night.contest.code, "copy_differs", "high", "open",
    )  # fmt: skip
    assert row["detail"]["fields"]["vote:1"] == {"copy": 400, "published": 430}

    # The page's filters hold for the files and the API too.
    for query in ("region=PAV", "rule=image_reused", "status=resolved"):
        assert json.loads(read(f"/integrity/discrepancies.json?{query}"))["discrepancies"] == []
        assert json.loads(read(f"/api/v1/discrepancies/?{query}"))["results"] == []
        assert len(read(f"/integrity/discrepancies.csv?{query}").splitlines()) == 1
        assert "KAR-101" not in read(f"/integrity/?{query}").split("<h2>")[2]
    assert len(json.loads(read("/api/v1/discrepancies/?region=KAR&status=open"))["results"]) == 1

    answers = [
        read(url)
        for url in (
            PAGE, "/integrity/", "/integrity/discrepancies.json", "/integrity/discrepancies.csv",
            "/api/v1/discrepancies/", "/integrity/parallel-counts.json", "/api/v1/parallel-counts/",
        )
    ]  # fmt: skip
    for answer in answers:
        for secret in private(night, mission):
            assert secret not in answer


def test_a_linked_complaint_is_named_by_its_number_and_linked_to_the_register(night, mission):
    from complaints.services import complaint_register
    from tests.complaints.test_workflow import file_confirmed, filing

    published(night, data=good_numbers(vote_1=430, vote_2=120))
    transcribed(night, mission)
    discrepancies_refresh(night.station, night.contest)
    complaint = complaint_register(
        file_confirmed(election=night.election, level="cec", filing=filing()), user=night.cec
    )
    Discrepancy.objects.update(complaint=complaint, status="complaint")

    page = read("/integrity/")
    assert f'href="/complaints/#{complaint.number}"' in page
    (row,) = json.loads(read("/api/v1/discrepancies/?status=complaint"))["results"]
    assert row["complaint"] == complaint.number


def test_a_parallel_count_beside_the_official_figures(night, mission):
    published(night)
    night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))
    night.accept(night.other_station)
    with TestCase.captureOnCommitCallbacks(execute=True):
        protocols_publish()
        contest_aggregate(contest_id=night.contest.pk)
    count = parallel_count_draw(
        organisation=mission.organisation, contest=night.contest, size=3, seed="2023-03-19"
    )
    transcribed(night, mission)
    neighbour = copy_submit(
        station=night.neighbour, contest=night.contest, user=mission.observer,
        source="certified_copy", data=good_numbers(vote_1=300, vote_2=250), images=[photo()],
    )  # fmt: skip
    copy_transcribe(copy=neighbour, user=mission.desk, data=good_numbers(vote_1=300, vote_2=250))

    (row,) = json.loads(read("/integrity/parallel-counts.json"))["parallel_counts"]
    (api,) = json.loads(read("/api/v1/parallel-counts/"))["results"]
    assert row == api
    assert (row["organisation"], row["contest"], row["seed"], row["frame_sha256"]) == (
        "Mission", night.contest.code, "2023-03-19", count.frame_sha256,
    )  # fmt: skip
    assert (row["frame_size"], row["sample_size"], row["reported"], row["denominator"]) == (
        3, 3, 2, "valid",
    )  # fmt: skip
    first = row["lines"][0]
    assert first["position"] == 1 and first["label"] == "Aigerim Sadykova"
    assert first["share"] == pytest.approx(700 / 1180)
    assert first["official"] == pytest.approx(1100 / 1770)
    assert first["low"] < first["share"] < first["high"]
    assert isinstance(first["outside"], bool)

    page = read("/integrity/")
    assert "valid ballots, Against all included" in page
    assert "2 of 3 sampled stations reported" in page
    assert count.frame_sha256 in page and "2023-03-19" in page
    assert "59.3 % ±" in page and "62.1 %" in page


def test_a_copys_image_is_public_only_once_its_organisation_publishes_it(
    night, mission, django_user_model
):
    copy = transcribed(night, mission)
    url = f"/media/{copy.images.get().image.name}"
    stranger = django_user_model.objects.create_user("stranger")

    assert url.startswith("/media/integrity/copies/")
    assert Client().get(url).status_code == 404
    assert client_for(stranger).get(url).status_code == 404
    for own in (mission.observer, mission.desk):
        assert client_for(own).get(url).status_code == 200
    published(night)
    assert url not in panel_of(read(PAGE))

    ProtocolCopy.objects.filter(pk=copy.pk).update(published=True)

    response = Client().get(url)
    assert response.status_code == 200 and response["Cache-Control"].startswith("public")
    panel = panel_of(read(PAGE))
    assert f'href="{url}"' in panel and mission.organisation.name in panel
    assert "Ingrid Larsen" not in panel
