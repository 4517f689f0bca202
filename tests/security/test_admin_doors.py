"""Every door the admin registers, tried by every role: no write around a workflow's services.

The walk takes every model the admin site registers, every role (the superuser too), an existing
row of each under canonical and non-canonical ids, and the generic pages Django gives a model
(add, change, delete, history, the object's own address, the list's bulk delete). Each page is
fetched as a browser would, then posted back with every field it offered changed, as an attacker
would. It fails on any 5xx, on any non-canonical id that reaches an object, and on any change
to a workflow's rows or to structure frozen with the ballots that no service recorded.
"""

import hashlib
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.utils import timezone

from elections.models import Protocol, StationReport
from elections.services.protocols import protocol_propose_correction, protocol_submit_entry
from elections.services.publication import chain_problems, protocols_publish
from observers.models import Accreditation, Note, Organisation, Visit
from tests.clients import client_for
from tests.elections.conftest import good_numbers

pytestmark = pytest.mark.django_db

# Rows that belong to a workflow, and structure that results are counted against (frozen once
# the election leaves setup): no generic page may change any of them.
GUARDED_TABLES = [
    "elections_protocol", "elections_protocolentry", "elections_protocolvote",
    "elections_protocolevent", "elections_publication", "elections_contesttally",
    "elections_stationreport", "elections_electionstatuschange", "elections_election",
    "elections_contest", "elections_conteststation", "elections_ballotline", "elections_party",
    "elections_candidate", "elections_partylist", "elections_partylistentry",
    "observers_organisation", "observers_organisation_coordinators", "observers_accreditation",
    "observers_accreditation_regions", "observers_visit", "observers_note",
    "observers_accreditationevent",
]  # fmt: skip
# A change here is legitimate only if its service wrote the history row beside it.
SERVICE_HISTORY = "observers_accreditationevent"
SERVICE_WRITTEN = {
    "observers_organisation", "observers_organisation_coordinators", "observers_accreditation",
    SERVICE_HISTORY,
}  # fmt: skip
GENERIC_PAGES = ["{id}/change/", "{id}/delete/", "{id}/history/", "{id}/"]


def _fingerprints() -> dict[str, str]:
    """One hash of every row of each guarded table."""
    found = {}
    with connection.cursor() as cursor:
        for table in GUARDED_TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608 - our own names
            found[table] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return found


class FormFields(HTMLParser):
    """The fields of the page's POST forms, as a browser would send them, each one changed."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._options: list[str] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            value = attrs.get("value") or ""
            self.fields[name] = value if name == "csrfmiddlewaretoken" else _changed(value)
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._options.append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = "changed by the walk"

    def handle_endtag(self, tag) -> None:
        if tag == "select" and self._select is not None:
            # Another choice than the first: a different station, status, proposer, ...
            choices = [value for value in self._options if value]
            self.fields[self._select] = choices[-1] if choices else ""
            self._select = None


def _changed(value: str) -> str:
    if value.isdigit():
        return str(int(value) + 7)
    return f"{value}x" if value else "1"


@pytest.fixture
def rows(night):
    """A row of every workflow model: published, awaiting its second entry, a correction."""
    accepted = night.accept(night.station)
    protocols_publish()
    protocol_submit_entry(
        station=night.neighbour, contest=night.contest, user=night.cec, data=good_numbers()
    )  # fmt: skip
    protocol_propose_correction(
        protocol=accepted, user=night.supervisor, data=good_numbers(vote_1=399, vote_2=151),
        reason="a typo",
    )  # fmt: skip
    StationReport.objects.create(
        election=night.election, station=night.station, user=night.clerk, kind="closed",
        at=timezone.now(),
    )  # fmt: skip
    organisation = Organisation.objects.create(
        name="Watch", kind="domestic", country="Kazakhstan", contact="watch@example.kz"
    )
    accreditation = Accreditation.objects.create(
        election=night.election, organisation=organisation, role="observer",
        full_name="Aliya Nurova", identity_document="N1", status="approved",
    )  # fmt: skip
    Visit.objects.create(accreditation=accreditation, station=night.station, arrived=timezone.now())
    Note.objects.create(
        accreditation=accreditation, station=night.station, phase="counting", category="other",
        severity="info", text="calm",
    )  # fmt: skip
    return night


def _roles(night, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-root-12345")
    return {
        "superuser": root, "cec": night.cec, "territorial": night.supervisor,
        "precinct": night.clerk, "auditor": night.auditor,
    }  # fmt: skip


def _ids(pk: int) -> list[str]:
    return [str(pk), f"+{pk}", f"%20{pk}", f"0{pk}"]


def test_no_admin_page_writes_a_workflow_row_for_any_role_or_id(rows, django_user_model):
    roles = _roles(rows, django_user_model)
    chain_before = chain_problems()
    tried, failures = 0, []
    for model in admin.site._registry:
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        sample = model._default_manager.order_by("pk").first()
        for role, user in roles.items():
            client = client_for(user)
            ids = _ids(sample.pk) if sample is not None else []
            pages = [base, "add/", *(page.format(id=i) for i in ids for page in GENERIC_PAGES)]
            for page in pages:
                url = page if page.startswith("/") else base + page
                before = _fingerprints()
                got = client.get(url)
                form = FormFields()
                form.feed(got.content.decode(errors="replace"))
                posted = client.post(url, {**form.fields, "_save": "Save", "post": "yes"})
                tried += 2
                after = _fingerprints()
                changed = {table for table in GUARDED_TABLES if before[table] != after[table]}
                through_a_service = changed <= SERVICE_WRITTEN and SERVICE_HISTORY in changed
                if changed and not through_a_service:
                    failures.append(f"{role} POST {url} changed {sorted(changed)}")
                for method, response in (("GET", got), ("POST", posted)):
                    if response.status_code >= 500:
                        failures.append(f"{role} {method} {url}: {response.status_code}")
                canonical = sample is not None and f"/{sample.pk}/" in url
                odd_id = ids and not canonical and url not in (base, base + "add/")
                if odd_id and got.status_code == 200:
                    failures.append(f"{role} GET {url}: a non-canonical id found the row")
        # The list's bulk delete, for every role.
        if sample is not None:
            for role, user in roles.items():
                before = _fingerprints()
                client_for(user).post(base, {"action": "delete_selected", "_selected_action":
                                             [sample.pk], "post": "yes"})  # fmt: skip
                changed = {t for t in GUARDED_TABLES if before[t] != _fingerprints()[t]}
                if changed:
                    failures.append(f"{role} bulk delete on {base} changed {sorted(changed)}")
    assert tried > 1000  # every model, role, id and page was walked
    assert failures == []
    assert chain_problems() == chain_before


def test_every_workflow_model_is_read_only_in_the_admin():
    """The generic add and delete pages do not even exist for a workflow's rows."""
    from common.admin import WorkflowAdmin

    workflow = [Protocol, StationReport, Visit, Note]
    for model in workflow:
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, WorkflowAdmin), model
        names = {pattern.name for pattern in model_admin.get_urls()}
        meta = model._meta
        assert f"{meta.app_label}_{meta.model_name}_add" not in names
        assert f"{meta.app_label}_{meta.model_name}_delete" not in names
    registered = {m._meta.label for m in admin.site._registry}
    for label in ("elections.ProtocolEntry", "elections.ProtocolVote", "elections.Publication",
                  "elections.ProtocolEvent", "elections.ContestTally"):  # fmt: skip
        assert apps.get_model(label)
        assert label not in registered  # no admin page at all: read through the protocol's page


def test_a_supervisor_cannot_rewrite_a_published_protocol_through_plus_969(rows):
    """The attack as reported: the generic change form reached under a non-canonical id."""
    published = Protocol.objects.get(station=rows.station, status="accepted")
    before = (published.numbers(), published.status, published.station_id)
    client = client_for(rows.supervisor)
    for spelling in (f"+{published.pk}", f"%20{published.pk}", f"0{published.pk}"):
        url = f"/admin/elections/protocol/{spelling}/change/"
        assert client.get(url).status_code == 404
        response = client.post(url, {"l1_voters": "2000", "l6_invalid": "99", "status":
                                     "accepted", "station": rows.other_station.pk})  # fmt: skip
        assert response.status_code == 404
    published.refresh_from_db()
    assert (published.numbers(), published.status, published.station_id) == before
    assert chain_problems() == []
