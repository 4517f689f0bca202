"""The public forensic pages of a party list: the whole contest, a region, a district; and the
per-station file that `manage.py forensics --csv` reads to print the same figures."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from common.spreadsheets import csv_lines
from elections.models import Contest
from elections.selectors import election_under_way
from forensics.analysis import DISTRICT, NATION, REGION
from forensics.charts import cumulative_curve, heatmap
from forensics.records import contest_records, csv_rows
from forensics.reports import (
    area_name,
    area_report,
    children_of,
    contest_figures,
    flagged_districts,
    signals_in,
)
from forensics.stats import benford_second_digit_mean
from stations.models import District


def _party_list(election: str, contest: str) -> Contest:
    found = election_under_way(election)
    if found is None:
        raise Http404(_("No election %(code)s has results.") % {"code": election})
    contest = get_object_or_404(
        Contest.objects.select_related("election", "region"), election=found, code=contest
    )
    if contest.kind != Contest.Kind.PARTY_LIST:
        raise Http404(_("The forensic figures are computed for party lists only."))
    return contest


def area(
    request: HttpRequest, election: str, contest: str, level: str = NATION, key: str = ""
) -> HttpResponse:
    contest = _party_list(election, contest)
    key = str(key)
    name = area_name(contest, level, key)
    if name is None:
        raise Http404(_("This contest is not voted on there."))
    report = area_report(contest, level, key)
    figures = report.figures if report else None
    context = {
        "election": contest.election,
        "contest": contest,
        "level": level,
        "key": key,
        "name": name,
        "report": report,
        "figures": figures,
        "children": children_of(contest, level, key) if report else [],
        "signals": signals_in(contest, level, key) if report else 0,
        "flagged": _named_districts(flagged_districts(contest)) if level == NATION else [],
        "benford": f"{benford_second_digit_mean():.3f}",
        "levels": {"nation": NATION, "region": REGION, "district": DISTRICT},
    }
    if figures:
        context["top_right_percent"] = 100 * figures["top_right"]
        context["heatmap"] = heatmap(figures["cells"], 50)
        context["curve"] = cumulative_curve(figures["cumulative"])
    return render(request, "forensics/area.html", context)


def _named_districts(reports) -> list[dict]:
    names = {str(d.pk): f"{d.name} ({d.region.code})" for d in District.objects.filter(
        pk__in=[int(report.key) for report in reports]).select_related("region")}  # fmt: skip
    return [{"key": r.key, "name": names.get(r.key, r.key), "figures": r.figures} for r in reports]


def figures_json(request: HttpRequest, election: str, contest: str) -> JsonResponse:
    """Every area's stored figures and every signal, with what each statistic means."""
    contest = _party_list(election, contest)
    if area_report(contest, NATION, "") is None:
        raise Http404(_("Nothing has been published for this contest here yet."))
    return JsonResponse(contest_figures(contest), json_dumps_params={"ensure_ascii": False})


def stations_csv(request: HttpRequest, election: str, contest: str) -> StreamingHttpResponse:
    """Each station's standing numbers in the command's columns, in the pages' order."""
    contest = _party_list(election, contest)
    response = StreamingHttpResponse(
        csv_lines(csv_rows(contest_records(contest))), content_type="text/csv; charset=utf-8"
    )
    name = f"{contest.election.code}-{contest.code}-forensics.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
