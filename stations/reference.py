"""The reference registry: regions, districts and stations built from a reference dataset.

The dataset (``stations/data/<name>.json``) gives regions, their zones, registers and station
counts; the districts, station names, addresses, commissions and the split of the register
between stations are synthetic, drawn from a fixed seed so that every run builds the same data.
Stations go through the same import service as a CSV file.
"""

import json
import random
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from django.db import models, transaction

from common.sync import assign_changes
from common.translated import in_every_language
from stations import synthetic
from stations.importing import ImportReport, ProgressCallback, stations_import
from stations.models import District, Region, Station
from stations.zones import ASTANA

DATA_DIR = Path(__file__).resolve().parent / "data"
ABROAD_CODE = "ABR"
CLOSED_SHARE = 0.03  # hospitals, military units and detention facilities
ABROAD_ZONE = ASTANA.key  # the CEC's zone; each station abroad keeps its host's own

# Cities of national significance are divided into boroughs (akimats of city districts): each
# as it is named in English, Kazakh and Russian.
CITY_DISTRICTS = {
    "AST": [("Almaty", "Алматы", "район Алматы"), ("Baikonur", "Байқоңыр", "район Байконур"),
            ("Yesil", "Есіл", "район Есиль"), ("Saryarka", "Сарыарқа", "район Сарыарка"),
            ("Nura", "Нұра", "район Нура")],
    "ALA": [("Alatau", "Алатау", "Алатауский район"), ("Almaly", "Алмалы", "Алмалинский район"),
            ("Auezov", "Әуезов", "Ауэзовский район"),
            ("Bostandyk", "Бостандық", "Бостандыкский район"),
            ("Zhetysu", "Жетісу", "Жетысуский район"), ("Medeu", "Медеу", "Медеуский район"),
            ("Nauryzbai", "Наурызбай", "Наурызбайский район"),
            ("Turksib", "Түрксіб", "Турксибский район")],
    "SHY": [("Abai", "Абай", "Абайский район"), ("Al-Farabi", "Әл-Фараби", "Аль-Фарабийский район"),
            ("Yenbekshi", "Еңбекші", "Енбекшинский район"),
            ("Karatau", "Қаратау", "Каратауский район"), ("Turan", "Тұран", "Туранский район")],
}  # fmt: skip
# The oblasts' centres, in Kazakh and Russian (the dataset names them in English).
CENTRES = {
    "Semey": ("Семей", "Семей"), "Kokshetau": ("Көкшетау", "Кокшетау"),
    "Aktobe": ("Ақтөбе", "Актобе"), "Konaev": ("Қонаев", "Конаев"), "Atyrau": ("Атырау", "Атырау"),
    "Oral": ("Орал", "Уральск"), "Taraz": ("Тараз", "Тараз"),
    "Taldykorgan": ("Талдықорған", "Талдыкорган"), "Karaganda": ("Қарағанды", "Караганда"),
    "Kostanay": ("Қостанай", "Костанай"), "Kyzylorda": ("Қызылорда", "Кызылорда"),
    "Aktau": ("Ақтау", "Актау"), "Pavlodar": ("Павлодар", "Павлодар"),
    "Petropavl": ("Петропавл", "Петропавловск"), "Turkistan": ("Түркістан", "Туркестан"),
    "Zhezkazgan": ("Жезқазған", "Жезказган"), "Oskemen": ("Өскемен", "Усть-Каменогорск"),
}  # fmt: skip

# Host countries of the stations abroad: ISO code, name, and (city, IANA zone) per station.
ABROAD_STATIONS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("RU", "Russia", [("Moscow", "Europe/Moscow"), ("Saint Petersburg", "Europe/Moscow"),
                      ("Kazan", "Europe/Moscow"), ("Omsk", "Asia/Omsk"),
                      ("Astrakhan", "Europe/Astrakhan")]),
    ("US", "United States", [("Washington", "America/New_York"), ("New York", "America/New_York"),
                             ("San Francisco", "America/Los_Angeles")]),
    ("CN", "China", [("Beijing", "Asia/Shanghai"), ("Shanghai", "Asia/Shanghai"),
                     ("Urumqi", "Asia/Shanghai")]),
    ("DE", "Germany", [("Berlin", "Europe/Berlin"), ("Frankfurt", "Europe/Berlin")]),
    ("TR", "Türkiye", [("Ankara", "Europe/Istanbul"), ("Istanbul", "Europe/Istanbul")]),
    ("UZ", "Uzbekistan", [("Tashkent", "Asia/Tashkent"), ("Samarkand", "Asia/Samarkand")]),
    ("AE", "United Arab Emirates", [("Abu Dhabi", "Asia/Dubai"), ("Dubai", "Asia/Dubai")]),
    ("IN", "India", [("New Delhi", "Asia/Kolkata"), ("Mumbai", "Asia/Kolkata")]),
    ("SA", "Saudi Arabia", [("Riyadh", "Asia/Riyadh"), ("Jeddah", "Asia/Riyadh")]),
    ("MN", "Mongolia", [("Ulaanbaatar", "Asia/Ulaanbaatar"), ("Ölgii", "Asia/Hovd")]),
    ("KG", "Kyrgyzstan", [("Bishkek", "Asia/Bishkek")]),
    ("TJ", "Tajikistan", [("Dushanbe", "Asia/Dushanbe")]),
    ("TM", "Turkmenistan", [("Ashgabat", "Asia/Ashgabat")]),
    ("AZ", "Azerbaijan", [("Baku", "Asia/Baku")]),
    ("GE", "Georgia", [("Tbilisi", "Asia/Tbilisi")]),
    ("AM", "Armenia", [("Yerevan", "Asia/Yerevan")]),
    ("BY", "Belarus", [("Minsk", "Europe/Minsk")]),
    ("MD", "Moldova", [("Chișinău", "Europe/Chisinau")]),
    ("GB", "United Kingdom", [("London", "Europe/London")]),
    ("FR", "France", [("Paris", "Europe/Paris")]),
    ("IT", "Italy", [("Rome", "Europe/Rome")]),
    ("ES", "Spain", [("Madrid", "Europe/Madrid")]),
    ("NL", "Netherlands", [("The Hague", "Europe/Amsterdam")]),
    ("BE", "Belgium", [("Brussels", "Europe/Brussels")]),
    ("AT", "Austria", [("Vienna", "Europe/Vienna")]),
    ("CH", "Switzerland", [("Bern", "Europe/Zurich")]),
    ("PL", "Poland", [("Warsaw", "Europe/Warsaw")]),
    ("CZ", "Czechia", [("Prague", "Europe/Prague")]),
    ("HU", "Hungary", [("Budapest", "Europe/Budapest")]),
    ("SE", "Sweden", [("Stockholm", "Europe/Stockholm")]),
    ("FI", "Finland", [("Helsinki", "Europe/Helsinki")]),
    ("NO", "Norway", [("Oslo", "Europe/Oslo")]),
    ("LT", "Lithuania", [("Vilnius", "Europe/Vilnius")]),
    ("LV", "Latvia", [("Riga", "Europe/Riga")]),
    ("EE", "Estonia", [("Tallinn", "Europe/Tallinn")]),
    ("BG", "Bulgaria", [("Sofia", "Europe/Sofia")]),
    ("RO", "Romania", [("Bucharest", "Europe/Bucharest")]),
    ("GR", "Greece", [("Athens", "Europe/Athens")]),
    ("RS", "Serbia", [("Belgrade", "Europe/Belgrade")]),
    ("HR", "Croatia", [("Zagreb", "Europe/Zagreb")]),
    ("IL", "Israel", [("Tel Aviv", "Asia/Jerusalem")]),
    ("EG", "Egypt", [("Cairo", "Africa/Cairo")]),
    ("IR", "Iran", [("Tehran", "Asia/Tehran")]),
    ("QA", "Qatar", [("Doha", "Asia/Qatar")]),
    ("KW", "Kuwait", [("Kuwait City", "Asia/Kuwait")]),
    ("JO", "Jordan", [("Amman", "Asia/Amman")]),
    ("OM", "Oman", [("Muscat", "Asia/Muscat")]),
    ("PK", "Pakistan", [("Islamabad", "Asia/Karachi")]),
    ("AF", "Afghanistan", [("Kabul", "Asia/Kabul")]),
    ("KR", "South Korea", [("Seoul", "Asia/Seoul")]),
    ("JP", "Japan", [("Tokyo", "Asia/Tokyo")]),
    ("MY", "Malaysia", [("Kuala Lumpur", "Asia/Kuala_Lumpur")]),
    ("SG", "Singapore", [("Singapore", "Asia/Singapore")]),
    ("TH", "Thailand", [("Bangkok", "Asia/Bangkok")]),
    ("VN", "Vietnam", [("Hanoi", "Asia/Ho_Chi_Minh")]),
    ("ID", "Indonesia", [("Jakarta", "Asia/Jakarta")]),
    ("AU", "Australia", [("Canberra", "Australia/Sydney")]),
    ("CA", "Canada", [("Ottawa", "America/Toronto")]),
    ("BR", "Brazil", [("Brasília", "America/Sao_Paulo")]),
    ("MX", "Mexico", [("Mexico City", "America/Mexico_City")]),
    ("ZA", "South Africa", [("Pretoria", "Africa/Johannesburg")]),
    ("ET", "Ethiopia", [("Addis Ababa", "Africa/Addis_Ababa")]),
]  # fmt: skip

ORDINARY_SITES = [
    "Secondary school No. {n}", "School-lyceum No. {n}", "School-gymnasium No. {n}",
    "Basic school No. {n}", "House of Culture", "Polytechnic college", "Sports complex",
    "Village club", "Rural district akimat", "Music school No. {n}", "Youth centre",
]  # fmt: skip
CLOSED_SITES = [
    "City hospital No. {n}", "Regional clinical hospital", "Maternity hospital No. {n}",
    "Military unit {m}", "Pre-trial detention centre", "Tuberculosis dispensary",
]  # fmt: skip


@cache
def load_dataset(name: str) -> dict[str, Any]:
    path = DATA_DIR / f"{name}.json"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in DATA_DIR.glob("*.json")))
        raise FileNotFoundError(f"no reference dataset {name!r}; known: {known}")
    return json.loads(path.read_text(encoding="utf-8"))


def reference_stations_load(*, name: str, progress: ProgressCallback | None = None) -> ImportReport:
    """Build the dataset's regions, districts and stations; a second run changes nothing."""
    data = load_dataset(name)
    rng = random.Random(f"{name}/stations")
    with transaction.atomic():
        regions = _upsert_regions(data)
        rows = list(_station_rows(data, regions, rng))
        return stations_import(rows=enumerate(rows, start=1), progress=progress)


def _upsert_regions(data: dict[str, Any]) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for position, item in enumerate(data["regions"], start=1):
        regions[item["code"]] = upsert(
            Region,
            {"code": item["code"]},
            **in_every_language("name", item["name"]),
            kind=item["kind"],
            time_zone=item["timezone"],
            position=position,
        )
    regions[ABROAD_CODE] = upsert(
        Region,
        {"code": ABROAD_CODE},
        **in_every_language(
            "name",
            {
                "en": "Stations abroad",
                "kk": "Шетелдегі сайлау учаскелері",
                "ru": "Избирательные участки за рубежом",
            },
        ),  # fmt: skip
        kind=Region.Kind.ABROAD,
        time_zone=ABROAD_ZONE,
        position=len(data["regions"]) + 1,
    )
    return regions


def upsert(model: type[models.Model], lookup: dict[str, Any], **values: Any) -> Any:
    """Get or create a row by ``lookup`` and save it only when a value differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    if assign_changes(obj, values):
        obj.save()
    return obj


Names = dict[str, str]  # a name in each language: {"en": …, "kk": …, "ru": …}


def _districts(region: Region, item: dict[str, Any], rng: random.Random) -> list[tuple[Names, str]]:
    """Return (names, kind) of each district: boroughs of a city, or an oblast's centre first."""
    if region.kind == Region.Kind.CITY:
        return [
            ({"en": f"{en} district", "kk": f"{kk} ауданы", "ru": ru}, District.Kind.CITY_DISTRICT)
            for en, kk, ru in CITY_DISTRICTS[region.code]
        ]
    centre = item["admin_centre"]
    rural = synthetic.unique_place_names(rng, item["local_maslikhats_estimate"] - 1, taken={centre})
    kk, ru = CENTRES[centre]
    return [({"en": centre, "kk": kk, "ru": ru}, District.Kind.CITY)] + [
        ({"en": f"{n['en']} district", "kk": f"{n['kk']} ауданы", "ru": f"район {n['ru']}"},
         District.Kind.DISTRICT)
        for n in rural
    ]  # fmt: skip


def _upsert_districts(region: Region, named: list[tuple[Names, str]]) -> list[District]:
    return [
        upsert(
            District,
            {"region": region, "code": f"{region.code.lower()}-{position:02d}"},
            **in_every_language("name", names),
            kind=kind,
            commission_name=f"{names['en']} territorial election commission",
        )
        for position, (names, kind) in enumerate(named, start=1)
    ]


def _station_rows(
    data: dict[str, Any], regions: dict[str, Region], rng: random.Random
) -> Iterator[dict[str, Any]]:
    for item in data["regions"]:
        region = regions[item["code"]]
        districts = _upsert_districts(region, _districts(region, item, rng))
        # The oblast centre holds about a third of the stations; the rest share the remainder.
        weights = [rng.uniform(0.7, 1.3) for _ in districts]
        if region.kind == Region.Kind.OBLAST:
            weights[0] = sum(weights[1:]) / 2
        per_district = synthetic.split_total(item["stations_estimate"] - len(districts), weights)
        yield from _domestic_rows(region, districts, per_district, item["register_estimate"], rng)
    yield from _abroad_rows(data["register"]["abroad"], regions[ABROAD_CODE], rng)


def _domestic_rows(
    region: Region,
    districts: list[District],
    per_district: list[int],
    register: int,
    rng: random.Random,
) -> Iterator[dict[str, Any]]:
    rows = []
    for district, extra in zip(districts, per_district, strict=True):
        # A borough's stations are in its city; a rural district's in its villages.
        town = {District.Kind.CITY: district.name_en, District.Kind.CITY_DISTRICT: region.name_en}
        for _ in range(extra + 1):  # every district has at least one station
            closed = rng.random() < CLOSED_SHARE
            site = rng.choice(CLOSED_SITES if closed else ORDINARY_SITES)
            settlement = town.get(district.kind) or f"{synthetic.place_name(rng)} village"
            rows.append(
                {
                    "region": region.code,
                    "district": district.name_en,  # files name districts in English
                    "number": len(rows) + 1,
                    "name": site.format(n=rng.randint(1, 120), m=rng.randint(10000, 99999)),
                    "address": synthetic.street_address(rng, settlement),
                    "kind": Station.Kind.CLOSED if closed else Station.Kind.ORDINARY,
                    "step_free_access": rng.random() < 0.6,
                    "aids_visually_impaired": rng.random() < 0.35,
                    "aids_hearing_impaired": rng.random() < 0.2,
                    "chair_name": synthetic.person_name(rng, female=rng.random() < 0.6),
                    "secretary_name": synthetic.person_name(rng, female=rng.random() < 0.7),
                    # Closed stations serve a ward or a unit: a few hundred voters at most.
                    "_weight": rng.uniform(0.05, 0.25) if closed else rng.uniform(0.4, 1.6),
                }
            )
    for row, voters in zip(
        rows, synthetic.split_total(register, [r.pop("_weight") for r in rows]), strict=True
    ):
        row["registered_voters"] = voters
        yield row


def _abroad_rows(register: int, region: Region, rng: random.Random) -> Iterator[dict[str, Any]]:
    kk, ru = Locale("kk").territories, Locale("ru").territories  # CLDR's names of countries
    named = [
        ({"en": country, "kk": kk[code], "ru": ru[code]}, District.Kind.COUNTRY)
        for code, country, _ in ABROAD_STATIONS
    ]
    districts = _upsert_districts(region, named)
    # The first city of a country holds the embassy; the others are consulates.
    sites = [
        (district, code, city, zone, "Embassy" if index == 0 else "Consulate General")
        for district, (code, _, cities) in zip(districts, ABROAD_STATIONS, strict=True)
        for index, (city, zone) in enumerate(cities)
    ]
    voters = synthetic.split_total(register, [rng.uniform(0.3, 1.7) for _ in sites])
    for number, (site, count) in enumerate(zip(sites, voters, strict=True), start=1):
        district, code, city, zone, mission = site
        yield {
            "region": region.code,
            "district": district.name_en,
            "number": number,
            "name": f"{mission} of Kazakhstan in {city}",
            "address": f"{synthetic.street_address(rng, city)}, {district.name_en}",
            "registered_voters": count,
            "kind": Station.Kind.ABROAD,
            "country": code,
            "time_zone": zone,
            "step_free_access": True,
            "chair_name": synthetic.person_name(rng, female=rng.random() < 0.4),
            "secretary_name": synthetic.person_name(rng, female=rng.random() < 0.6),
        }
