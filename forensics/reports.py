"""Reading the stored figures for the pages: an area's report (recomputed first when the log
has moved on and tasks run in the process; queued for a worker otherwise), its child areas,
and how many of its stations are worth a look."""

from django.db.models import QuerySet

from elections.models import Contest
from forensics.about import ABOUT
from forensics.analysis import DISTRICT, NATION, REGION
from forensics.models import AreaReport, StationSignal
from forensics.services import contests_behind, queue_refresh
from forensics.signals import signal_labels
from stations.models import District, Region, Station


def area_name(contest: Contest, level: str, key: str) -> str | None:
    """The area's name if the contest is voted on there; None otherwise."""
    if level == NATION:
        return str(contest.name)
    stations = contest.coverage.all()
    if level == REGION:
        region = Region.objects.filter(code=key).first()
        found = region and stations.filter(station__region=region).exists()
        return str(region.name) if found else None
    district = District.objects.filter(pk=int(key)).select_related("region").first()
    found = district and stations.filter(station__district=district).exists()
    return f"{district.name} ({district.region.code})" if found else None


def area_report(contest: Contest, level: str, key: str) -> AreaReport | None:
    if contests_behind().filter(pk=contest.pk).exists():
        queue_refresh(contest.pk)  # in the process: done on return; else the stored one, older
    return AreaReport.objects.filter(contest=contest, level=level, key=key).first()


def children_of(contest: Contest, level: str, key: str) -> list[dict]:
    """The next level's areas with their integer-percentage figures and flags."""
    if level == NATION:
        reports = AreaReport.objects.filter(contest=contest, level=REGION)
        names = {region.code: str(region.name) for region in Region.objects.all()}
        child = REGION
    elif level == REGION:
        districts = District.objects.filter(region__code=key)
        names = {str(district.pk): str(district.name) for district in districts}
        reports = AreaReport.objects.filter(contest=contest, level=DISTRICT, key__in=names)
        child = DISTRICT
    else:
        return []
    return [
        {"level": child, "key": report.key, "name": names.get(report.key, report.key),
         "figures": report.figures}
        for report in sorted(reports, key=lambda report: names.get(report.key, report.key))
    ]  # fmt: skip


def contest_figures(contest: Contest) -> dict:
    """The download: what the figures mean, then every area's and every signal."""
    reports = AreaReport.objects.filter(contest=contest).order_by("level", "key")
    signals = StationSignal.objects.filter(contest=contest).select_related("station__region")
    first = reports.first()
    return {
        "election": contest.election.code,
        "contest": contest.code,
        "publications_up_to": first.publications_up_to if first else 0,
        "seed": first.seed if first else None,
        "replicates": first.replicates if first else None,
        "about": ABOUT,
        "areas": [report.figures for report in reports],
        "signals": [
            {"station": f"{row.station.region.code}-{row.station.number}", "turnout": row.turnout,
             "share": row.share, "signals": row.signals}
            for row in signals.order_by("station__region__code", "station__number")
        ],
    }  # fmt: skip


def flagged_districts(contest: Contest) -> QuerySet[AreaReport]:
    return AreaReport.objects.filter(contest=contest, level=DISTRICT, figures__flagged=True)


def signals_in(contest: Contest, level: str, key: str) -> int:
    rows = StationSignal.objects.filter(contest=contest)
    if level == REGION:
        rows = rows.filter(station__region__code=key)
    elif level == DISTRICT:
        rows = rows.filter(station__district_id=int(key))
    return rows.count()


SIGNALS_SHOWN = 500  # on the integrity page; the admin's review list has them all


def worth_a_look(region: str = "") -> list[dict]:
    """The stations with a signal, every party list of the elections under way, for the
    integrity page: each with its signals in words and a link to its results."""
    rows = StationSignal.objects.select_related("station__region", "contest__election")
    if region:
        rows = rows.filter(station__region__code=region)
    labels = signal_labels()
    return [
        {"station": f"{row.station.region.code}-{row.station.number}", "contest": row.contest,
         "election": row.contest.election.code, "turnout": row.turnout, "share": row.share,
         "closed": row.station.kind == Station.Kind.CLOSED,
         "signals": [labels[name] for name in row.signals]}
        for row in rows.order_by("station__region__code", "station__number", "contest__code")[
            :SIGNALS_SHOWN
        ]
    ]  # fmt: skip
