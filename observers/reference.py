"""A realistic observer population for the reference election, through the real services.

docs/rules.md: 793 international observers were accredited in 2023, 131 from 41 states and 662 from
12 organisations. The organisations' names are real; the people are drawn, seeded, as are the
domestic organisations (nationwide and regional) and the parties' observers.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from elections.models import ContestStation, Election, Party
from elections.services.staff import staff_assign
from observers import services
from observers.models import CHECKLIST, Accreditation, Note, Organisation, Visit
from stations.models import Region, Station
from stations.zones import ASTANA

# (name, seat country, observers): 662 in all.
INTERNATIONAL = [
    ("OSCE Office for Democratic Institutions and Human Rights", "Poland", 286),
    ("CIS Observer Mission", "Russia", 160),
    ("OSCE Parliamentary Assembly", "Denmark", 48),
    ("Shanghai Cooperation Organisation", "China", 36),
    ("Inter-Parliamentary Assembly of the CIS", "Russia", 30),
    ("Organization of Turkic States", "Türkiye", 24),
    ("Parliamentary Assembly of Turkic States", "Azerbaijan", 20),
    ("Collective Security Treaty Organization", "Russia", 16),
    ("Conference on Interaction and Confidence-Building Measures in Asia", "Kazakhstan", 14),
    ("Organisation of Islamic Cooperation", "Saudi Arabia", 12),
    ("Association of World Election Bodies", "South Korea", 10),
    ("Parliamentary Assembly of the Council of Europe", "France", 6),
]
# 41 states, 131 observers: 8 send four, 33 send three.
STATES = [
    "Afghanistan", "Armenia", "Azerbaijan", "Belarus", "Bulgaria", "China", "Egypt", "Estonia",
    "Finland", "Georgia", "Germany", "Hungary", "India", "Indonesia", "Iran", "Israel", "Italy",
    "Japan", "Kyrgyzstan", "Latvia", "Lithuania", "Malaysia", "Moldova", "Mongolia", "Pakistan",
    "Poland", "Qatar", "Romania", "Russia", "Saudi Arabia", "Serbia", "Slovakia", "South Korea",
    "Switzerland", "Tajikistan", "Türkiye", "Turkmenistan", "Ukraine", "United Arab Emirates",
    "United States", "Uzbekistan",
]  # fmt: skip
DOMESTIC_NATIONWIDE = [
    ("Republican Network of Independent Observers", 240),
    ("Civic Alliance of Kazakhstan", 180),
    ("Youth Election Watch", 120),
]
DOMESTIC_PER_REGION = 30  # one regional organisation in each oblast and city
PARTY_OBSERVERS = 120  # per party
GIVEN = [
    "Anna", "Mark", "Elena", "Jonas", "Aigerim", "Timur", "Sofia", "Ali", "Maria", "Omar",
    "Dana", "Arman", "Olga", "Lukas", "Saule", "Erlan", "Nadia", "Yusuf", "Ivan", "Leila",
]  # fmt: skip
FAMILY = [
    "Novak", "Schmidt", "Ivanova", "Kim", "Nurlanov", "Sadykova", "Rossi", "Tanaka", "Yilmaz",
    "Petrov", "Abenova", "Kowalski", "Haddad", "Lee", "Bekova", "Smirnov",
]  # fmt: skip


@dataclass
class Population:
    organisations: int = 0
    people: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        kinds = ", ".join(f"{kind} {count:,}" for kind, count in sorted(self.by_kind.items()))
        return f"{self.organisations} organisations, {self.people:,} accredited ({kinds})"


def reference_observers_load(election: Election, *, seed: int = 2023) -> Population:
    """Register, accredit and approve the population; a second run adds nothing."""
    population = Population()
    if Accreditation.objects.filter(election=election).exists():
        return _count(election, population)
    rng = random.Random(f"{seed}-observers")
    cec, _ = get_user_model().objects.get_or_create(username="sim-accreditation-desk")
    if not cec.assignments.exists():
        staff_assign(user=cec, role="cec")
    applied_at = datetime.combine(
        election.date - timedelta(days=10), time(12), tzinfo=ASTANA
    )  # before the deadline
    bodies: list[tuple[Organisation, int]] = []
    for name, country, people in INTERNATIONAL:
        bodies.append((_body(name, Organisation.Kind.INTERNATIONAL, country), people))
    for index, country in enumerate(STATES):
        body = _body(f"Delegation of {country}", Organisation.Kind.FOREIGN_STATE, country)
        bodies.append((body, 4 if index < 8 else 3))
    for name, people in DOMESTIC_NATIONWIDE:
        bodies.append((_accredited(name, None, cec), people))
    for region in Region.objects.exclude(kind=Region.Kind.ABROAD).order_by("position"):
        name = f"{region.name_en} Voters' Watch"
        bodies.append((_accredited(name, region, cec), DOMESTIC_PER_REGION))
    for party in Party.objects.filter(election=election).order_by("registration_order"):
        body = _body(f"{party.name} observers", Organisation.Kind.PARTY, "Kazakhstan")
        bodies.append((body, PARTY_OBSERVERS))
    for body, people in bodies:
        for _ in range(people):
            accreditation = services.accreditation_apply(
                election=election, organisation=body, role=Accreditation.Role.OBSERVER,
                full_name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                identity_document=f"N{rng.randrange(10**7, 10**8)}", at=applied_at,
            )  # fmt: skip
            if accreditation.status == Accreditation.Status.SUBMITTED:
                services.accreditation_decide(accreditation=accreditation, user=cec, approve=True)
    return _count(election, population)


def _body(name: str, kind: str, country: str) -> Organisation:
    return Organisation.objects.filter(name=name).first() or services.organisation_register(
        name=name, kind=kind, country=country, contact=f"info@{kind}.example"
    )


def _accredited(name: str, region: Region | None, cec) -> Organisation:
    """A domestic organisation with observation in its charter, accredited by the CEC."""
    existing = Organisation.objects.filter(name=name).first()
    if existing:
        return existing
    body = services.organisation_register(
        name=name, kind=Organisation.Kind.DOMESTIC, country="Kazakhstan",
        contact="info@watch.example.kz", region=region, observation_in_charter=True,
        charter_extract=ContentFile(b"%PDF-1.4 charter extract", name="charter.pdf"),
    )  # fmt: skip
    return services.organisation_decide(organisation=body, user=cec, approve=True)


def _count(election: Election, population: Population) -> Population:
    approved = Accreditation.objects.filter(election=election, status=Accreditation.Status.APPROVED)
    population.people = approved.count()
    population.organisations = approved.values("organisation").distinct().count()
    for kind in Organisation.Kind.values:
        population.by_kind[kind] = approved.filter(organisation__kind=kind).count()
    return population


# The day as observers saw it: most notes are routine, a few raise concerns, fewer violations.
SEVERITY_WEIGHTS = {"information": 80, "concern": 16, "violation": 4}
NOTE_SHARE = 0.6  # visits that end with a note
PUBLISHED_SHARE = 0.1  # notes an international organisation publishes


def reference_visits_simulate(election: Election, *, seed: int = 2023) -> tuple[int, int]:
    """Each approved observer visits one or two stations in scope on election day and files
    notes, through the services; returns (visits, notes). A second run adds nothing."""
    if Visit.objects.filter(accreditation__election=election).exists():
        return _field_counts(election)
    stations = list(
        Station.objects.filter(
            pk__in=ContestStation.objects.filter(election=election).values("station_id")
        ).select_related("region")
    )
    by_region: dict[int, list[Station]] = {}
    for station in stations:
        by_region.setdefault(station.region_id, []).append(station)
    observers = (
        Accreditation.objects.filter(
            election=election,
            status=Accreditation.Status.APPROVED,
            role=Accreditation.Role.OBSERVER,
        )
        .select_related("organisation", "election")
        .prefetch_related("regions")
    )
    for accreditation in observers:
        rng = random.Random(f"{seed}-visits-{accreditation.pk}")
        regions = [region.pk for region in accreditation.regions.all()]
        pool = [s for r in regions for s in by_region.get(r, [])] if regions else stations
        arrive = datetime.combine(election.date, time(6, 30), tzinfo=ASTANA)
        for station in rng.sample(pool, k=min(len(pool), rng.choice([1, 1, 2]))):
            arrive += timedelta(minutes=rng.randint(10, 180))
            services.visit_check_in(accreditation=accreditation, station=station, at=arrive)
            if rng.random() < NOTE_SHARE:
                _note(accreditation, station, arrive, rng)
            arrive += timedelta(minutes=rng.randint(30, 240))
            services.visit_check_out(accreditation=accreditation, at=arrive)
    return _field_counts(election)


def _note(accreditation: Accreditation, station: Station, at: datetime, rng) -> None:
    severity = rng.choices(list(SEVERITY_WEIGHTS), weights=list(SEVERITY_WEIGHTS.values()))[0]
    category = rng.choice(Note.Category.values)
    phase = Note.Phase.OPENING if at.hour < 9 else Note.Phase.VOTING
    note = services.note_file(
        accreditation=accreditation, station=station, phase=phase, category=category,
        severity=severity, at=at,
        text=f"{Note.Category(category).label} ({Note.Severity(severity).label.lower()}).",
        checklist={key: rng.random() > 0.05 for key in CHECKLIST},
    )  # fmt: skip
    international = accreditation.organisation.kind == Organisation.Kind.INTERNATIONAL
    if international and rng.random() < PUBLISHED_SHARE:
        Note.objects.filter(pk=note.pk).update(published=True)


def _field_counts(election: Election) -> tuple[int, int]:
    visits = Visit.objects.filter(accreditation__election=election).count()
    return visits, Note.objects.filter(accreditation__election=election).count()


def demo_logins(election: Election, password: str) -> dict[str, str]:
    """An OSCE/ODIHR observer's own login, and their organisation's coordinator."""
    users = get_user_model().objects
    accreditation = (
        Accreditation.objects.filter(
            election=election, organisation__name=INTERNATIONAL[0][0], user__isnull=True
        )
        .order_by("pk")
        .first()
    )
    observer, _ = users.get_or_create(username="observer")
    if accreditation and not Accreditation.objects.filter(user=observer).exists():
        accreditation.user = observer
        accreditation.save(update_fields=["user"])
    coordinator, _ = users.get_or_create(username="coordinator")
    for user in (observer, coordinator):
        user.set_password(password)
        user.save()
    Organisation.objects.get(name=INTERNATIONAL[0][0]).coordinators.add(coordinator)
    return {
        "observer": "an OSCE/ODIHR observer: /observe/ on a phone",
        "coordinator": "OSCE/ODIHR's coordinator: /observe/organisation/",
    }
