"""Public pages of the observers app: checking a badge at the station's door."""

import segno
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from observers.models import Accreditation


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """What a precinct chair needs to admit someone: never their document or contacts."""
    accreditation = get_object_or_404(
        Accreditation.objects.select_related("organisation", "election").prefetch_related(
            "regions"
        ),
        code=code.upper(),
    )
    return render(request, "observers/verify.html", {"accreditation": accreditation})


def badge_qr(request: HttpRequest, accreditation: Accreditation) -> str:
    """The badge's QR code, as inline SVG, pointing at its public verification page."""
    url = request.build_absolute_uri(reverse("observers:verify", args=[accreditation.code]))
    return segno.make(url, error="m").svg_inline(scale=4)
