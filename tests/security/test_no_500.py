"""No 500 for any input: every URL pattern Django resolves (the site's, the admin's, the API's),
read with odd path segments and odd query values by an anonymous reader, a CEC member and an
observer. Any 5xx fails, naming the URL and the exception behind it.

The odd values are those that have broken such sites: unicode digits that Python's int() and
str.isdigit() take ('²', '٣'), numbers past a database's integer columns (2**63, 10**20),
signs, spaces, exponents, directories, a NUL byte, an unpaired surrogate, very long strings.

Within a minute: a pattern's first reader (the CEC for the admin and the staff API, the
observer for the observers' pages, anyone for the rest) meets every odd value there in our own
views; the other readers, and library views (Django's admin pages for each model, the schema),
meet a sample drawn with a fixed seed, different for each pattern, so that every value still
meets every kind of view. Then the API's write endpoints get odd bodies.
"""

import random
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.regex_helper import normalize

from common.public_cache import PAGE_QUERY
from complaints.notices import follow_token
from complaints.services import complaint_register
from elections.models import ContestTally, Protocol, Publication, StationReport
from elections.services.aggregation import contest_aggregate
from elections.services.publication import protocols_publish
from observers.models import Note
from observers.services import (
    accreditation_apply,
    accreditation_decide,
    note_file,
    organisation_register,
    visit_check_in,
)
from tests.clients import api_for, client_for
from tests.complaints.test_workflow import file_confirmed
from tests.complaints.test_workflow import filing as complaint_filing
from tests.elections.conftest import Night, good_numbers
from transparency.services import log_bring_up_to_date

pytestmark = pytest.mark.django_db

ODD = [
    "²",  # str.isdigit() says yes, int() says no
    "٣",  # Arabic-Indic three: int() reads 3
    "0",
    "-1",
    "+1",
    " 1",
    "1e5",
    str(2**31),
    str(2**63),
    str(2**64),
    str(10**20),
    "9" * 5000,  # past the 4,300 digits int() converts
    "",
    "../",
    "a/b",
    "results/",  # a folder under /media/, not a file
    "\x00",  # sent as %00
    "x" * 5000,
    "AST-²",
    f"KAR-{2**64}",
    "\ud800",  # an unpaired surrogate: percent-encoded, it is not UTF-8
]
# Query parameters any view might read, tried on every pattern besides the view's own.
GENERIC_QUERY = ["page", "after", "format", "station", "region", "contest", "at", "election", "q"]
READERS = ["anonymous", "cec", "observer"]
FIRST_READERS = [
    ("/admin/", "cec"),
    ("/api/v1/protocols", "cec"),
    ("/api/v1/reports", "cec"),
    ("/observe/", "observer"),
    ("/api/v1/observers/", "observer"),
]
SAMPLE = 3  # odd values per hole for a reader who is not the pattern's first
LIBRARY_SAMPLE = 2  # and for a library view (Django's admin pages for each model, the schema)
LIBRARIES = ("django.", "rest_framework.", "drf_spectacular.", "import_export.", "django_otp.")


@dataclass(frozen=True)
class Route:
    """A URL pattern as a format string with named holes, and the view behind it."""

    template: str
    params: tuple[str, ...]
    pattern: URLPattern

    @property
    def view(self) -> str:
        return self.pattern.lookup_str

    @property
    def ours(self) -> bool:
        return not self.view.startswith(LIBRARIES)


def routes() -> list[Route]:
    """Every pattern the root URLconf resolves, the included ones (admin, API) flattened."""

    def walk(patterns, prefix: str, params: tuple) -> Iterable[Route]:
        for entry in patterns:
            (template, names), *_ = normalize(entry.pattern.regex.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + template, params + tuple(names))
            else:
                yield Route(prefix + template, params + tuple(names), entry)

    return list(walk(get_resolver().url_patterns, "/", ()))


class World:
    """A small, real election being counted: two stations published, one waiting, a report, an
    observer who checked in and filed a note, and staff in every role."""

    def __init__(self, django_user_model):
        self.night = night = Night(django_user_model)
        night.accept(night.station)
        night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))
        with TestCase.captureOnCommitCallbacks(execute=True):
            protocols_publish()
            contest_aggregate(contest_id=night.contest.pk)
            log_bring_up_to_date()  # the transparency log's tree and a checkpoint of 2
        organisation = organisation_register(
            name="Observers Abroad", kind="international", country="Norway", contact="a@b.no"
        )
        self.observer = django_user_model.objects.create_user("observer-1")
        self.accreditation = accreditation_decide(
            accreditation=accreditation_apply(
                election=night.election, organisation=organisation, role="observer",
                full_name="Aliya Nurova", identity_document="N12345678", account=self.observer,
            ),
            user=night.cec, approve=True,
        )  # fmt: skip
        visit_check_in(accreditation=self.accreditation, station=night.station)
        note_file(
            accreditation=self.accreditation, station=night.station, phase="counting",
            category="seal", severity="information", text="All in order.",
        )  # fmt: skip
        self.complaint = complaint_register(
            file_confirmed(election=night.election, level="cec", filing=complaint_filing()),
            user=night.cec,
        )

    def readers(self) -> dict[str, Client]:
        clients = {
            "anonymous": Client(),
            "cec": client_for(self.night.cec),
            "observer": client_for(self.observer),
        }
        for client in clients.values():
            client.raise_request_exception = False  # a 500 is an answer to report, with others
        return clients

    def real(self, route: Route, name: str) -> str:
        """An existing value for the hole ``name``: the page it names is there to be read."""
        night, path = self.night, route.template
        if path.startswith("/admin/"):
            return self._in_admin(path, name)
        if path.startswith("/api/v1/") and name in ("pk", "code"):
            resource = path.removeprefix("/api/v1/").split("/")[0].split(".")[0]
            rows = {
                "regions": night.station.region.code,
                "contests": night.contest.pk,
                "protocols": Protocol.objects.order_by("pk").first().pk,
                "reports": getattr(StationReport.objects.order_by("pk").first(), "pk", 1),
                "results": ContestTally.objects.order_by("pk").first().pk,
                "station-results": Publication.objects.order_by("pk").first().pk,
                "notes": Note.objects.order_by("pk").first().pk,
            }
            return str(rows.get(resource, night.station.pk))
        if name == "key":  # a region's code or a district's id
            return (
                night.station.region.code if "/regions/" in path else str(night.station.district_id)
            )
        if name == "code":
            if path.startswith("/verify/"):
                return self.accreditation.code
            return night.station.region.code if path.startswith("/turnout/") else "en"
        return str(
            {
                "format": "json",
                "sequence": 1,
                "election": night.election.code,
                "contest": night.contest.code,
                "region": night.station.region.code,
                "station": f"{night.station.region.code}-{night.station.number}",
                "fmt": "csv",
                "name": "records",  # a table of the data package
                "pk": night.station.pk,
                "path": "scans/nothing.pdf",
                "number": self.complaint.number,
                "token": follow_token(self.complaint),
                "index": 0,  # the transparency log's leaves and checkpoints (/api/v1/log/)
                "size": 2,
                "old": 1,
                "new": 2,
            }[name]
        )

    def _in_admin(self, path: str, name: str) -> str:
        night = self.night
        fixed = {
            "app_label": "stations",
            "url": "nowhere/",
            "content_type_id": ContentType.objects.get_for_model(night.station).pk,
            "station_id": night.station.pk,
            "contest_id": night.contest.pk,
            "id": night.cec.pk,
        }
        if name in fixed:
            return str(fixed[name])
        for model in admin.site._registry:
            if path.startswith(f"/admin/{model._meta.app_label}/{model._meta.model_name}/"):
                row = model._default_manager.order_by("pk").first()
                return str(row.pk if row else 1)
        return str(night.station.pk)


def fill(route: Route, values: dict[str, str]) -> str:
    quoted = {name: quote(value, safe="", errors="surrogatepass") for name, value in values.items()}
    return route.template % quoted


def with_query(path: str, query: dict[str, str]) -> str:
    return f"{path}?{urlencode(query, errors='surrogatepass')}"


class QueryNames(HTMLParser):
    """The query parameters a page itself offers: those of its links and of its GET forms."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self._get_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and "?" in (found.get("href") or ""):
            self.names |= {key for key, _ in parse_qsl(urlsplit(found["href"]).query)}
        elif tag == "form":
            self._get_form = (found.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self._get_form and found.get("name"):
            self.names.add(found["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._get_form = False


def query_names(route: Route, page: str) -> set[str]:
    """What the view reads from the query string: the API's filters and paging, the pages'
    own links and forms, the public cache's list, and the generic names."""
    names = set(GENERIC_QUERY) | set(PAGE_QUERY.get(route.pattern.name or "", ()))
    view = getattr(route.pattern.callback, "cls", None)
    if view is not None:
        filterset = getattr(view, "filterset_class", None)
        names |= set(filterset.base_filters) if filterset else set()
        names |= set(getattr(view, "filterset_fields", None) or ())
        names |= {"page_size", "ordering", "search"}
    parser = QueryNames()
    parser.feed(page)
    return names | parser.names


def first_reader(route: Route) -> str:
    """Who reads the pattern's pages in earnest: staff the admin and the staff API, observers
    their own pages, anyone the rest."""
    return next(
        (reader for prefix, reader in FIRST_READERS if route.template.startswith(prefix)),
        "anonymous",
    )


def odd(seed: str, reader: str, route: Route) -> list[str]:
    """Every odd value for the pattern's first reader in our own views; a fixed sample for the
    other readers and for library views; one value for a reader who only meets the door (sign
    in, or 403/404: not staff, no accreditation)."""
    first = first_reader(route)
    if reader == first and route.ours:
        return ODD
    door_only = first != "anonymous" and reader != first
    count = 1 if door_only else SAMPLE if route.ours else LIBRARY_SAMPLE
    return random.Random(f"{seed}/{reader}").sample(ODD, count)


def fuzz(
    world: World, reader: str, urls_for, *, read_pages: bool = False, answers: dict | None = None
) -> list[str]:
    """GET, as ``reader``, every URL that ``urls_for(route, path, first, page)`` gives for each
    route (``path``: the route's real page, ``page``: its HTML when ``read_pages`` and the
    reader is its first); return those answered with a 5xx. ``answers`` collects the status
    of each URL by the route's template, the URL's last."""
    client, failed = world.readers()[reader], []
    answers = {} if answers is None else answers
    for route in routes():
        path = fill(route, {name: world.real(route, name) for name in route.params})
        first = first_reader(route) == reader
        page = ""
        if read_pages and first and route.ours:
            answer = client.get(path)
            if "html" in answer.get("Content-Type", ""):
                page = answer.content.decode(errors="replace")
        for url in urls_for(route, path, first, page):
            response = client.get(url)
            answers.setdefault(route.template, {})[url] = response.status_code
            if response.status_code >= 500:
                exc = (getattr(response, "exc_info", None) or (None, None))[1]
                failed.append(f"{url[:160]!r}: {response.status_code} {exc!r}"[:400])
    return failed


@pytest.fixture
def world(django_user_model) -> World:
    return World(django_user_model)


@pytest.mark.parametrize("reader", READERS)
def test_odd_path_segments_never_make_a_page_fail(world, reader):
    def urls(route: Route, path: str, first: bool, page: str) -> Iterable[str]:
        real = {name: world.real(route, name) for name in route.params}
        if first:
            yield path
        for name in route.params:
            for value in odd(f"{route.template}/{name}", reader, route):
                yield fill(route, {**real, name: value})

    answers: dict[str, dict[str, int]] = {}
    failed = fuzz(world, reader, urls, answers=answers)
    assert not failed, "\n".join(failed)
    # Not a walk of 404s: each reader's own pages, with real ids, were read.
    night, protocol = world.night, Protocol.objects.order_by("pk").first()
    real_pages = {
        "anonymous": [
            "/results/night/",
            "/results/night/stations/KAR-101/",
            f"/results/night/contests/{night.contest.code}/districts/{night.station.district_id}/",
            "/results/chain.jsonl",
            "/results/night/datapackage.json",
            "/results/night/data/records.csv",
            "/results/night/nist-1500-100.json",
            f"/stations/{night.station.pk}/",
            "/api/v1/chain/1/",
            "/api/v1/log/proof/inclusion/0/2",
            "/api/v1/log/proof/consistency/1/2",
        ],
        "cec": [f"/admin/elections/protocol/{protocol.pk}/change/", "/api/v1/protocols/"],
        "observer": ["/observe/", "/api/v1/observers/notes/"],
    }[reader]
    read = {url: status for urls in answers.values() for url, status in urls.items()}
    assert {url: read.get(url) for url in real_pages} == dict.fromkeys(real_pages, 200)


@pytest.mark.parametrize("reader", READERS)
def test_odd_query_values_never_make_a_page_fail(world, reader):
    def urls(route: Route, path: str, first: bool, page: str) -> Iterable[str]:
        names = sorted(query_names(route, page))
        # Every name odd at once, then each alone (a view may stop at the first bad one).
        for value in odd(f"{route.template}?", reader, route):
            yield with_query(path, dict.fromkeys(names, value))
        if first and route.ours:
            for name in names:
                yield with_query(
                    path, {name: random.Random(f"{route.template}?{name}").choice(ODD)}
                )

    failed = fuzz(world, reader, urls, read_pages=True)
    assert not failed, "\n".join(failed)


# --- the API's write endpoints ----------------------------------------------------------------

# Whole bodies that are not what any endpoint reads.
ODD_BODIES = [
    b"[" * 100_000,  # deeper than Python's JSON decoder recurses
    b'{"a":' * 100_000,
    b"\xff\xfe\x00\x01",  # not UTF-8
    b"",
    b"null",
    b"[]",
    b'"x"',
    b"1e999",
    b"{",
    b'{"station": NaN}',
]
# The same, as a form would send them.
ODD_FORMS = [
    b"station=%C2%B2&contest=%D9%A3&number=18446744073709551616&region=%00",
    b"\xff\xfe=\xff&numbers=%5B",
    b"q=" + b"x" * 3_000_000,  # past DATA_UPLOAD_MAX_MEMORY_SIZE
]
# Values no number field takes; no text, dict, date or choice field either, with the rest below.
NOT_A_COUNT = [2**64, 2**63, 10**20, 1e308, -1, 1.5, "²", "٣", "1e5", " +1", True, None, [], {}]
NOT_TEXT = [None, [], {}, {"a": [[[]]]}]
NOT_A_DICT = [None, [], "x", 1, [[1]]]
NOT_A_CHOICE = [None, [], {}, 2**64, "\x00", "x" * 5000]


@dataclass(frozen=True)
class Endpoint:
    url: str
    body: dict  # a body the endpoint takes, or refuses only for the state it finds
    odd: dict[str, list]  # field path ("numbers.l1_voters") → values it must refuse
    required: tuple[str, ...] = ()  # the paths a body must have


def endpoints(world: World) -> list[tuple[str, Endpoint]]:
    """Each write endpoint with the user who writes there."""
    night = world.night
    counts = dict.fromkeys(good_numbers().numbers, NOT_A_COUNT)
    entry = {
        "station": night.other_station.pk,
        "contest": night.contest.pk,
        "numbers": good_numbers().numbers,
        "votes": {"1": 400, "2": 150, "3": 40},
        "explanation": "",
        "remarks": "",
    }
    entry_odd = {
        "station": NOT_A_COUNT, "contest": NOT_A_COUNT, "numbers": NOT_A_DICT,
        **{f"numbers.{name}": values for name, values in counts.items()},
        "votes": NOT_A_DICT, "votes.1": NOT_A_COUNT, "explanation": NOT_TEXT, "remarks": NOT_TEXT,
    }  # fmt: skip
    needed = ("station", "contest", "numbers", "numbers.l6_invalid", "votes")
    station = {"region": night.station.region.code, "number": night.station.number}
    place = {"region": NOT_A_CHOICE, "number": NOT_A_COUNT}
    return [
        ("cec", Endpoint("/api/v1/protocols/", entry, entry_odd, needed)),
        (
            "cec",
            Endpoint(
                "/api/v1/protocols/batch/",
                {"entries": [entry]},
                {
                    "entries": NOT_A_DICT,
                    "entries.0": NOT_A_DICT,
                    **{f"entries.0.{path}": values for path, values in entry_odd.items()},
                },
                ("entries", *[f"entries.0.{path}" for path in needed]),
            ),
        ),  # fmt: skip
        (
            "clerk",
            Endpoint(
                "/api/v1/reports/",
                {
                    "election": night.election.code,
                    "station": night.station.pk,
                    "kind": "counting_started",
                    "at": "2023-03-19T20:00:00+06:00",
                    "voters": 10,
                },
                {
                    "election": NOT_A_CHOICE,
                    "station": NOT_A_COUNT,
                    "kind": NOT_A_CHOICE,
                    "at": [*NOT_A_CHOICE, 2**64, "²", "9999-99-99T99:99"],
                    "hour": NOT_A_CHOICE[1:],
                    "voters": NOT_A_COUNT[:-3],
                    "decision": NOT_TEXT[1:],
                    "late_reason": NOT_TEXT[1:],
                },
                ("election", "station", "kind", "at"),
            ),
        ),  # fmt: skip
        ("observer", Endpoint("/api/v1/observers/visits/", station, place, ("region", "number"))),
        (
            "observer",
            Endpoint(
                "/api/v1/observers/notes/",
                {
                    **station,
                    "phase": "counting",
                    "category": "seal",
                    "severity": "information",
                    "text": "The seal was intact.",
                    "checklist": {"ballot_boxes_sealed": True},
                },
                {
                    **place,
                    "phase": NOT_A_CHOICE,
                    "category": NOT_A_CHOICE,
                    "severity": NOT_A_CHOICE,
                    "text": NOT_TEXT,
                    "checklist": NOT_A_DICT,
                    "checklist.ballot_boxes_sealed": NOT_TEXT,
                },
                ("region", "number", "phase", "category", "severity", "text"),
            ),
        ),  # fmt: skip
    ]


def replaced(body, path: str, value):
    """``body`` with the value at ``path`` ("entries.0.numbers.l1_voters") replaced."""
    head, _, rest = path.partition(".")
    key = int(head) if isinstance(body, list) else head
    copy = list(body) if isinstance(body, list) else dict(body)
    copy[key] = replaced(body[key], rest, value) if rest else value
    return copy


def without(body, path: str):
    """``body`` without the key at ``path``."""
    head, _, rest = path.partition(".")
    if isinstance(body, list):
        return [without(item, rest) if str(i) == head else item for i, item in enumerate(body)]
    if not rest:
        return {key: value for key, value in body.items() if key != head}
    return {**body, head: without(body[head], rest)}


def written() -> dict[str, int]:
    """Rows of every table an API write could add to."""
    from elections.models import ProtocolEntry, ProtocolEvent, ProtocolVote
    from observers.models import Visit

    models = [Protocol, ProtocolEntry, ProtocolVote, ProtocolEvent, StationReport, Visit, Note]
    return {model.__name__: model.objects.count() for model in models}


def refusal(response, *, naming: str | None) -> str | None:
    """Why the answer is not a clear refusal in JSON naming ``naming`` (None when it is one).
    A batch answers 200 with each entry's own status."""
    if not response.get("Content-Type", "").startswith("application/json"):
        return f"{response.status_code} {response.get('Content-Type')} instead of JSON"
    body = response.json()
    if response.status_code == 200 and isinstance(body, dict) and "results" in body:
        statuses = [item["status"] for item in body["results"]]
        if not all(400 <= status < 500 for status in statuses):
            return f"batch statuses {statuses}"
    elif not 400 <= response.status_code < 500:
        return f"status {response.status_code}"
    if not body:
        return "an empty answer"
    return None if naming is None or naming in response.content.decode() else f"{body}"


def test_odd_bodies_are_refused_by_every_api_write_naming_the_field(world):
    night = world.night
    users = {"cec": night.cec, "clerk": night.clerk, "observer": world.observer}
    before = written()
    problems = []
    for who, endpoint in endpoints(world):
        client = api_for(users[who])
        client.raise_request_exception = False
        for raw, content_type in [
            *[(raw, "application/json") for raw in ODD_BODIES],
            *[(raw, "application/x-www-form-urlencoded") for raw in ODD_FORMS],
        ]:
            response = client.post(endpoint.url, raw, content_type=content_type)
            if why := refusal(response, naming=None):
                problems.append(f"{who} POST {endpoint.url} {raw[:20]!r}: {why}")
        for path, values in endpoint.odd.items():
            for value in values:
                body = replaced(endpoint.body, path, value)
                response = client.post(endpoint.url, body, format="json")
                field = path.split(".")[-1]
                if why := refusal(response, naming=field):
                    problems.append(f"{who} POST {endpoint.url} {path}={value!r:.40}: {why}")
        for path in endpoint.required:
            response = client.post(endpoint.url, without(endpoint.body, path), format="json")
            if why := refusal(response, naming=path.split(".")[-1]):
                problems.append(f"{who} POST {endpoint.url} without {path}: {why}")
    assert not problems, "\n".join(problems)
    assert written() == before  # nothing saved, not even half an entry

    # The bodies were refused for what was changed in them: unchanged, they are taken.
    entry = endpoints(world)[0][1].body
    taken = api_for(night.cec).post("/api/v1/protocols/", entry, format="json")
    assert taken.status_code == 201, taken.content


def test_a_nul_character_anywhere_in_a_request_is_refused_before_any_view(world):
    """Postgres refuses NUL in any text it compares, so each of these was a 500 there."""
    night, before = world.night, written()
    anonymous, observer = Client(), client_for(world.observer)
    answers = {
        "path": anonymous.get(f"/verify/{quote(chr(0))}/"),
        "API path": anonymous.get("/api/v1/regions/%00/"),
        "query": anonymous.get("/api/v1/stations/?region=%00"),
        "form": observer.post("/observe/note/", {"region": "\x00", "number": "101"}),
        "JSON": api_for(night.clerk).post(
            "/api/v1/reports/", {"election": "\x00", "station": night.station.pk}, format="json"
        ),
    }
    assert {where: answer.status_code for where, answer in answers.items()} == {
        "path": 404, "API path": 404, "query": 400, "form": 400, "JSON": 400,
    }  # fmt: skip
    assert answers["API path"].json()["detail"].startswith("Not found: /api/v1/regions/")
    assert answers["query"].json() == {"detail": "region: a NUL character (%00)"}
    assert answers["JSON"].json() == {"detail": "election: a NUL character (\\u0000)"}
    assert written() == before


def test_a_coordinator_publishing_a_note_by_an_odd_id_gets_a_404_and_publishes_nothing(world):
    world.accreditation.organisation.coordinators.add(world.observer)
    client = client_for(world.observer)
    client.raise_request_exception = False

    answers = [
        client.post("/observe/organisation/", {"publish": value}).status_code
        for value in ["²", "٣", "x", "", str(2**64), "9" * 5000]
    ]

    assert answers == [404] * 6
    assert not Note.objects.filter(published=True).exists()
