"""The public integrity page and its open data: discrepancies (CSV, JSON) and organisations'
parallel counts (JSON), each from the row functions of integrity/open_data.py."""

import io
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from common.spreadsheets import csv_writer
from elections.models import BallotLine
from forensics.reports import worth_a_look
from integrity import rules
from integrity.models import Discrepancy
from integrity.open_data import (
    COLUMNS,
    FILTERS,
    detail_summary,
    discrepancy_counts,
    discrepancy_row,
    parallel_row,
    public_discrepancies,
    public_parallel_counts,
    rule_meaning,
)
from integrity.pvt import VALID
from stations.models import Region

PAGE_ROWS = 500  # discrepancies on the page; the files and the API have them all


def _chosen(request: HttpRequest) -> dict[str, str]:
    return {name: request.GET.get(name, "") for name in FILTERS}


def integrity(request: HttpRequest) -> HttpResponse:
    chosen = _chosen(request)
    discrepancies = list(public_discrepancies(**chosen)[:PAGE_ROWS])
    labels: dict[int, dict[int, str]] = {}
    for line in BallotLine.objects.filter(
        contest__in={d.contest_id for d in discrepancies}
    ).select_related("party", "candidate"):
        labels.setdefault(line.contest_id, {})[line.position] = line.label
    rows = [
        {
            "discrepancy": d,
            "row": discrepancy_row(d),
            "meaning": rule_meaning(d.rule),
            "summary": detail_summary(d, labels.get(d.contest_id)),
        }
        for d in discrepancies
    ]
    statuses = Discrepancy.Status.choices
    counts = [
        {**cell, "meaning": rule_meaning(cell["rule"]),
         "cells": [cell["statuses"].get(value, 0) for value, _label in statuses]}
        for cell in discrepancy_counts(**chosen)
    ]  # fmt: skip
    return render(
        request,
        "integrity/integrity.html",
        {
            "chosen": chosen,
            "filtered": any(chosen.values()),
            "regions": Region.objects.all(),
            "rules": rules.RULES,
            "statuses": statuses,
            "counts": counts,
            "rows": rows,
            "more": len(discrepancies) == PAGE_ROWS,
            "parallel": [_parallel_display(parallel_row(c)) for c in public_parallel_counts()],
            "valid": VALID,
            "worth_a_look": worth_a_look(chosen["region"]),
        },
    )


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


def _parallel_display(row: dict) -> dict:
    """A parallel count's row with its shares as percentages, for the page."""
    return {
        **row,
        "lines": [
            {
                **line,
                "share_percent": _percent(line["share"]),
                "margin_percent": _percent(line["margin"]),
                "official_percent": _percent(line["official"]),
            }
            for line in row["lines"]
        ],
    }


def discrepancies_csv(request: HttpRequest) -> HttpResponse:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(COLUMNS)
    for discrepancy in public_discrepancies(**_chosen(request)):
        row = discrepancy_row(discrepancy)
        row["detail"] = json.dumps(row["detail"], ensure_ascii=False, sort_keys=True)
        writer.writerow([row[name] for name in COLUMNS])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="discrepancies.csv"'
    return response


def discrepancies_json(request: HttpRequest) -> JsonResponse:
    chosen = _chosen(request)
    return JsonResponse(
        {
            "filters": {name: value for name, value in chosen.items() if value},
            "discrepancies": [discrepancy_row(d) for d in public_discrepancies(**chosen)],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def parallel_counts_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"parallel_counts": [parallel_row(count) for count in public_parallel_counts()]},
        json_dumps_params={"ensure_ascii": False},
    )
