"""Names as data: each reader sees a contest's name in their language; the published files keep
the English one, whatever language the worker or command that wrote them ran in."""

import json

import pytest
from django.test import Client
from django.utils import translation

from elections.tasks import sweep

pytestmark = pytest.mark.django_db


def page(url: str, language: str) -> str:
    response = Client().get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_a_reader_sees_names_in_their_language_and_the_files_keep_english(
    night, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    night.contest.name_kk, night.contest.name_ru = "№ 3 сайлау округі", "Избирательный округ № 3"
    night.contest.save()
    night.accept(night.station)
    with translation.override("kk"):  # as a worker or a command run in Kazakh
        sweep()  # publishes in the process, totals, writes the snapshot files

    pointer = json.loads(
        (tmp_path / "results/night" / night.contest.code / "current.json").read_text()
    )
    document = json.loads((tmp_path / pointer["json"]).read_text())
    assert document["contest"]["name"] == "District No. 3"
    assert [line["name"] for line in document["ballot"]][-1] == "Against all"

    kazakh, russian, english = (page("/results/night/", code) for code in ("kk", "ru", "en"))
    assert "№ 3 сайлау округі" in kazakh and "District No. 3" not in kazakh
    assert "Избирательный округ № 3" in russian and "District No. 3" not in russian
    assert "District No. 3" in english


def test_a_name_missing_in_a_language_is_shown_in_english(night):
    night.contest.name_kk = ""
    night.contest.save()
    with translation.override("kk"):
        assert night.contest.name == "District No. 3"
    with translation.override("ru-ru"):  # a regional variant reads its language's
        night.contest.name_ru = "Округ № 3"
        assert night.contest.name == "Округ № 3"


def test_an_administrator_types_each_languages_name_on_one_form(staff_client, night):
    from django.urls import reverse

    district = night.station.district
    url = reverse("admin:stations_district_change", args=[district.pk])
    html = staff_client.get(url).content.decode()
    for code in ("en", "kk", "ru"):
        assert f'name="name_{code}"' in html and f"Name [{code}]" in html

    form = {
        "region": district.region_id, "code": district.code, "kind": district.kind,
        "name_en": "Oktyabr district", "name_kk": "Октябрь ауданы", "name_ru": "",
        "commission_name": "",
    }  # fmt: skip
    response = staff_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    district.refresh_from_db()
    assert (district.name_kk, district.name_ru) == ("Октябрь ауданы", "")
    with translation.override("ru"):
        assert district.name == "Oktyabr district"  # none in Russian: the English one
