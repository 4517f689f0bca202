import re

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_the_station_api_returns_the_station_and_its_ballots_exactly(client, station):
    response = client.get(f"/api/v1/stations/{station.pk}/")

    assert response.status_code == 200
    data = response.json()
    contests = data.pop("elections")[0].pop("contests")
    assert data == {
        "id": station.pk,
        "url": f"http://testserver/api/v1/stations/{station.pk}/",
        "region": "AKT",
        "district": station.district.name,
        "number": 14,
        "name": "School-lyceum No. 3",
        "address": "7 Abai street, Aktobe",
        "kind": "ordinary",
        "country": "KZ",
        "time_zone": "Asia/Aqtobe",
        "latitude": None,
        "longitude": None,
        "registered_voters": 1500,
        "step_free_access": True,
        "aids_visually_impaired": False,
        "aids_hearing_impaired": False,
        "chair_name": "",
        "secretary_name": "",
    }
    assert [c["name"] for c in contests] == ["Mazhilis — party lists", "Mazhilis district No. 10"]
    assert contests[1]["ballot"] == [
        {"position": 1, "kind": "candidate", "name": "Dana Omarova", "party": "Auyl"},
        {"position": 2, "kind": "candidate", "name": "Marat Seitov", "party": None},
        {"position": 3, "kind": "against_all", "name": "Against all", "party": None},
    ]


def test_the_station_api_gives_polling_hours_in_the_station_zone(client, station):
    election = client.get(f"/api/v1/stations/{station.pk}/").json()["elections"][0]

    assert election["election"] == "kz2023"
    assert (election["opens"], election["closes"]) == (
        "2023-03-19T07:00:00+05:00",
        "2023-03-19T20:00:00+05:00",
    )


def test_a_missing_station_is_a_json_404(client):
    response = client.get("/api/v1/stations/99999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No Station matches the given query."}


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ({"region": "AKT"}, 1),
        ({"region": "PAV"}, 0),
        ({"number": 14}, 1),
        ({"q": "abai aktobe"}, 1),
    ],
)
def test_the_station_list_filters(client, station, query, count):
    response = client.get("/api/v1/stations/", query)

    assert response.status_code == 200
    assert response.json()["count"] == count


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"kind": "party_list"}, ["Mazhilis — party lists"]),
        ({"kind": "single_member", "election": "kz2023"}, ["Mazhilis district No. 10"]),
        ({"election": "other"}, []),
    ],
)
def test_the_contest_list_filters(client, station, query, names):
    response = client.get("/api/v1/contests/", query)

    assert [c["name"] for c in response.json()["results"]] == names


def test_the_contests_of_a_station_can_be_listed(client, station):
    response = client.get("/api/v1/contests/", {"station": station.pk})

    assert response.json()["count"] == 2


def test_the_schema_describes_every_endpoint(client):
    response = client.get("/api/schema/")

    schema = yaml.safe_load(response.content)
    assert response.status_code == 200
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/stations/",
        "/api/v1/stations/{id}/",
        "/api/v1/contests/",
        "/api/v1/regions/",
    } <= set(schema["paths"])


def test_the_api_docs_load_their_assets_from_this_site(client):
    response = client.get("/api/docs/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in text
    # Every script and stylesheet comes from this site: no absolute address, no CDN host
    # (matched in the addresses only; the page's random CSRF token may spell anything).
    assets = re.findall(r'(?:src|href)="([^"]+)"', text)
    assert assets and all(asset.startswith("/") for asset in assets)
    assert "https://" not in text


@pytest.mark.parametrize(
    "url",
    ["/api/v1/contests/?station=1e274", "/api/v1/stations/?number=99999999999",
     "/api/v1/chain/?after=-1", "/api/v1/station-results/?station=1.5"],
)  # fmt: skip
def test_a_number_filter_the_database_cannot_hold_is_a_400_naming_it(client, url):
    response = client.get(url)

    assert response.status_code == 400
    name = url.split("?")[1].split("=")[0]
    assert name in response.json()
