"""/log/: the latest checkpoint, the log's keys, the witnesses and their cosignatures."""

from django.db.models import Max, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from transparency import keys
from transparency.models import Checkpoint, Cosignature, Witness

RECENT = 20  # checkpoints listed with their cosignatures


def page(request: HttpRequest) -> HttpResponse:
    recent = list(Checkpoint.objects.order_by("-size")[:RECENT])
    cosignatures: dict[int, list[Cosignature]] = {c.pk: [] for c in recent}
    rows = Cosignature.objects.filter(checkpoint__in=recent).select_related("witness")
    for cosignature in rows.order_by("witness__name"):
        cosignatures[cosignature.checkpoint_id].append(cosignature)
    # Every key that has signed a checkpoint, with the first and last it signed: a rotated key
    # stays listed for the checkpoints it signed.
    used = (
        Checkpoint.objects.values("verifier_key")
        .annotate(first=Min("time"), last=Max("time"), smallest=Min("size"), largest=Max("size"))
        .order_by("first")
    )
    context = {
        "latest": recent[0] if recent else None,
        "latest_note": recent[0].note if recent else "",
        "checkpoints": [(c, cosignatures[c.pk]) for c in recent],
        "key": keys.published_key(),
        "keys": list(used),
        "witnesses": Witness.objects.select_related("organisation").order_by("name"),
        "total": Checkpoint.objects.count(),
    }
    return render(request, "transparency/log.html", context)
