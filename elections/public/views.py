"""The public results site: published figures only, from the election down to each station."""

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from common.numbers import parse_whole
from elections.models import PROTOCOL_LINES, Contest, Election
from elections.public import results
from elections.public.charts import bar_chart, seat_diagram
from elections.public.open_data import (
    chain_lines,
    contest_csv,
    contest_document,
    election_csv_lines,
)
from elections.public.panels import station_panels
from elections.selectors import contest_result, election_under_way
from stations.models import Region, Station

Level = results.Level


def _election(code: str) -> Election:
    election = election_under_way(code)
    if election is None:
        raise Http404(_("No election %(code)s has results.") % {"code": code})
    return election


def _contest(election: Election, code: str) -> Contest:
    return get_object_or_404(
        Contest.objects.select_related("election", "region", "district"),
        election=election,
        code=code,
    )


def current(request: HttpRequest) -> HttpResponse:
    """/results/: the election under way."""
    election = election_under_way()
    if election is None:
        raise Http404(_("No election has started yet."))
    return HttpResponseRedirect(reverse("results:election", args=[election.code]))


def _charts(area: results.AreaResult, result) -> dict:
    bars = bar_chart(
        [(line.name, line.votes, line.percent, line.against_all) for line in area.lines]
    )
    seats = None
    if result and result.seats and any(row.seats for row in result.seats):
        seats = seat_diagram([(row.name, row.seats) for row in result.seats])
    return {"bars": bars, "seats": seats}


def election_home(request: HttpRequest, election: str) -> HttpResponse:
    """Each nationwide contest's headline, national turnout, and the regions to drill into."""
    election = _election(election)
    headlines = [
        {"item": item, **_charts(item.area, item.result)} for item in results.headlines(election)
    ]
    main = headlines[0]["item"] if headlines else None
    regions = results.contest_children(main.contest, main.area) if main else []
    context = {"election": election, "headlines": headlines, "main": main, "regions": regions}
    return render(request, "results/election.html", context)


def region_home(request: HttpRequest, election: str, region: str) -> HttpResponse:
    """A region: the nationwide contest there, and every contest of the region's own."""
    election = _election(election)
    region = get_object_or_404(Region, code=region)
    national = [
        (contest, results.contest_area(contest, Level.REGION, region.code))
        for contest in election.contests.filter(region__isnull=True).order_by("body", "kind")
    ]
    context = {
        "election": election,
        "region": region,
        "national": [(contest, area) for contest, area in national if area is not None],
        "contests": results.region_contests(election, region),
    }
    return render(request, "results/region.html", context)


def contest_area(
    request: HttpRequest, election: str, contest: str, level: str = Level.NATION, key: str = ""
) -> HttpResponse:
    """A contest in one area, with the areas one level down: the drill-down."""
    election = _election(election)
    contest = _contest(election, contest)
    area = results.contest_area(contest, level, str(key))
    if area is None:
        raise Http404(_("This contest is not voted on there."))
    context = {
        "election": election,
        "contest": contest,
        "area": area,
        "children": results.contest_children(contest, area),
        "result": contest_result(contest) if level == Level.NATION else None,
    }
    results.with_seats(area, context["result"])
    context.update(_charts(area, context["result"]))
    return render(request, "results/contest.html", context)


def station_results(request: HttpRequest, election: str, station: str) -> HttpResponse:
    """A station's published result for every contest on its ballot, with versions and hashes."""
    election = _election(election)
    region, _dash, digits = station.rpartition("-")
    number = parse_whole(digits, minimum=1)
    if number is None:
        raise Http404(_("No station %(station)s.") % {"station": station})
    station = get_object_or_404(
        Station.objects.select_related("region", "district"), region__code=region, number=number
    )
    records = results.station_records(election, station)
    published = {record.contest.pk for record in records}
    waiting = election.contests.filter(coverage__station=station).exclude(pk__in=published)
    context = {
        "election": election,
        "station": station,
        "records": records,
        "waiting": waiting.order_by("body", "kind"),
        "panels": station_panels(station, election),
    }
    return render(request, "results/station.html", context)


def contest_download(request: HttpRequest, election: str, contest: str, fmt: str) -> HttpResponse:
    """The contest's station-level file: CSV, or JSON with the ballot and every record."""
    election = _election(election)
    contest = _contest(election, contest)
    name = f"{election.code}-{contest.code}"
    if fmt == "csv":
        response = HttpResponse(contest_csv(contest), content_type="text/csv; charset=utf-8")
    else:
        response = JsonResponse(
            contest_document(contest), json_dumps_params={"ensure_ascii": False}
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def election_download(request: HttpRequest, election: str) -> StreamingHttpResponse:
    """Every contest's station rows in one CSV, streamed (tens of thousands of rows)."""
    election = _election(election)
    response = StreamingHttpResponse(
        election_csv_lines(election), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{election.code}-stations.csv"'
    return response


def chain_download(request: HttpRequest) -> HttpResponse:
    """The whole publication chain as JSON Lines; ``?after=N`` continues from record N."""
    after = parse_whole(request.GET.get("after", "0"))
    if after is None:
        return HttpResponseBadRequest(
            _("after: give the sequence number of the last record you hold, e.g. ?after=1200")
        )
    response = StreamingHttpResponse(chain_lines(after), content_type="application/jsonl")
    response["Content-Disposition"] = 'attachment; filename="publication-chain.jsonl"'
    return response


def open_data(request: HttpRequest, election: str) -> HttpResponse:
    """What each file holds, column by column, and how to check the hashes."""
    election = _election(election)
    contests = election.contests.filter(region__isnull=True).order_by("body", "kind")
    context = {"election": election, "contests": contests, "lines": list(PROTOCOL_LINES.items())}
    return render(request, "results/open_data.html", context)
