"""Plausible Kazakh place and person names for the reference election's synthetic data.

Every generator takes the caller's seeded ``random.Random`` so that the reference data is the
same on every run and every machine.
"""

import random
from typing import TypeVar

T = TypeVar("T")

# Stems and endings of Kazakh toponyms: Ak+su, Kara+tobe, Sary+bulak ...
PLACE_STEMS = [
    "Ak", "Kara", "Sary", "Kok", "Zhana", "Kyzyl", "Ulken", "Kishi", "Altyn", "Kumis",
    "Bes", "Zhety", "Shubar", "Tas", "Kos", "Baian", "Orta", "Tal", "Karagai", "Koktal",
]  # fmt: skip
PLACE_ENDINGS = [
    "su", "tobe", "bulak", "kol", "zhar", "tau", "kum", "agash", "terek", "uzek",
    "kain", "oba", "tal", "sai", "kudyk", "ozek", "adyr", "zhol", "kent", "dala",
]  # fmt: skip
# The same stems and endings in Kazakh and in Russian spelling: Aksu, Ақсу, Аксу.
CYRILLIC = {
    "Ak": ("Ақ", "Ак"), "Kara": ("Қара", "Кара"), "Sary": ("Сары", "Сары"), "Kok": ("Көк", "Кок"),
    "Zhana": ("Жаңа", "Жана"), "Kyzyl": ("Қызыл", "Кызыл"), "Ulken": ("Үлкен", "Улькен"),
    "Kishi": ("Кіші", "Киши"), "Altyn": ("Алтын", "Алтын"), "Kumis": ("Күміс", "Кумис"),
    "Bes": ("Бес", "Бес"), "Zhety": ("Жеті", "Жеты"), "Shubar": ("Шұбар", "Шубар"),
    "Tas": ("Тас", "Тас"), "Kos": ("Қос", "Кос"), "Baian": ("Баян", "Баян"),
    "Orta": ("Орта", "Орта"), "Tal": ("Тал", "Тал"), "Karagai": ("Қарағай", "Карагай"),
    "Koktal": ("Көктал", "Коктал"),
    "su": ("су", "су"), "tobe": ("төбе", "тобе"), "bulak": ("бұлақ", "булак"),
    "kol": ("көл", "коль"), "zhar": ("жар", "жар"), "tau": ("тау", "тау"), "kum": ("құм", "кум"),
    "agash": ("ағаш", "агаш"), "terek": ("терек", "терек"), "uzek": ("өзек", "узек"),
    "kain": ("қайың", "каин"), "oba": ("оба", "оба"), "tal": ("тал", "тал"), "sai": ("сай", "сай"),
    "kudyk": ("құдық", "кудук"), "ozek": ("өзек", "озек"), "adyr": ("адыр", "адыр"),
    "zhol": ("жол", "жол"), "kent": ("кент", "кент"), "dala": ("дала", "дала"),
}  # fmt: skip
STREETS = [
    "Abai", "Kunaev", "Tole Bi", "Kabanbai Batyr", "Dostyk", "Respublika", "Satpaev",
    "Baitursynov", "Auezov", "Zheltoksan", "Seifullin", "Zhambyl", "Bokeikhan", "Mailin",
    "Momyshuly", "Kenesary", "Abylai Khan", "Al-Farabi", "Tauelsizdik", "Beibitshilik",
    "Makhambet", "Shokan Ualikhanov", "Ybyrai Altynsarin", "Kurmangazy", "Azattyk",
]  # fmt: skip
MALE_NAMES = [
    "Nurlan", "Yerlan", "Askar", "Daulet", "Marat", "Serik", "Bolat", "Arman", "Timur",
    "Kairat", "Yerzhan", "Azamat", "Baurzhan", "Dauren", "Ruslan", "Sanzhar", "Olzhas",
    "Almas", "Zhanibek", "Murat", "Aidos", "Talgat", "Nursultan", "Yerbol", "Galym",
]  # fmt: skip
FEMALE_NAMES = [
    "Aigerim", "Gulnara", "Saule", "Aliya", "Dana", "Zhanar", "Aizhan", "Madina", "Assel",
    "Dinara", "Gaukhar", "Karlygash", "Meruyert", "Ainur", "Botagoz", "Laura", "Saltanat",
    "Zarina", "Kamila", "Elmira", "Akmaral", "Balzhan", "Togzhan", "Aruzhan", "Moldir",
]  # fmt: skip
SURNAME_STEMS = [
    "Akhmet", "Bekmukhamed", "Zhaksybek", "Yermek", "Zhumabai", "Ismail", "Kassym", "Mukhtar",
    "Omar", "Rakhim", "Sarsen", "Tulegen", "Utemis", "Khamit", "Shaikhy", "Yessen", "Baimukhan",
    "Kenzhe", "Amir", "Seitkali", "Nurpeis", "Abdrakhman", "Tokhtar", "Suleimen", "Iskak",
]  # fmt: skip


def place_name(rng: random.Random) -> str:
    return place_names(rng)["en"]


def place_names(rng: random.Random) -> dict[str, str]:
    """A place's name in English, Kazakh and Russian (the same draw as ``place_name``)."""
    stem, ending = rng.choice(PLACE_STEMS), rng.choice(PLACE_ENDINGS)
    (stem_kk, stem_ru), (ending_kk, ending_ru) = CYRILLIC[stem], CYRILLIC[ending]
    return {"en": stem + ending, "kk": stem_kk + ending_kk, "ru": stem_ru + ending_ru}


def unique_place_names(
    rng: random.Random, count: int, *, taken: set[str] | None = None
) -> list[dict[str, str]]:
    """Draw ``count`` places with distinct names, none of them in ``taken`` (English names);
    each as its names in every language."""
    seen = set(taken or ())
    names: list[dict[str, str]] = []
    while len(names) < count:
        name = place_names(rng)
        if name["en"] not in seen:
            seen.add(name["en"])
            names.append(name)
    return names


def person_name(rng: random.Random, *, female: bool) -> str:
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    surname = rng.choice(SURNAME_STEMS) + ("ova" if female else "ov")
    return f"{first} {surname}"


def street_address(rng: random.Random, settlement: str) -> str:
    return f"{rng.randint(1, 180)} {rng.choice(STREETS)} street, {settlement}"


def split_total(total: int, weights: list[float]) -> list[int]:
    """Split an integer total in proportion to weights, by largest remainders (sums exactly)."""
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    parts = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (parts[i] - shares[i], i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def contiguous_groups(items: list[T], weights: list[int], count: int) -> list[list[T]]:
    """Cut items, in order, into ``count`` non-empty runs of about equal total weight."""
    if not 1 <= count <= len(items):
        raise ValueError(f"cannot cut {len(items)} items into {count} groups")
    groups: list[list[T]] = []
    remaining = sum(weights)
    start = 0
    for left in range(count, 0, -1):
        target, taken, end = remaining / left, 0, start
        # Take at least one item, leave at least one for each group still to come.
        while end < len(items) - (left - 1) and (
            end == start or taken + weights[end] / 2 <= target
        ):
            taken += weights[end]
            end += 1
        if left == 1:
            end = len(items)
            taken = remaining
        groups.append(items[start:end])
        remaining -= taken
        start = end
    return groups
