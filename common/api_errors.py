"""The one DRF exception handler: service refusals become JSON that names the field and rule."""

from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import ApplicationError


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(exc.answer(), status=exc.http_status)
    return drf_exception_handler(exc, context)


def bad_request(request, exception):
    """A 400 that Django itself gives under /api/ (a body past DATA_UPLOAD_MAX_MEMORY_SIZE, too
    many fields) answers JSON naming what was refused, like the API's own."""
    from django.conf import settings
    from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent
    from django.http import JsonResponse
    from django.views.defaults import bad_request as html_bad_request

    if not request.path.startswith("/api/"):
        return html_bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        detail = "body: " + _("larger than %(bytes)s bytes") % {
            "bytes": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,}"
        }
    elif isinstance(exception, TooManyFieldsSent):
        detail = "body: " + _("more than %(fields)s fields") % {
            "fields": f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,}"
        }
    elif isinstance(exception, BadRequest):
        detail = str(exception)  # our own words
    else:
        detail = _("bad request")  # a suspicious request: its details stay in the log
    return JsonResponse({"detail": detail}, status=400)


def not_found(request, exception):
    """A 404 under /api/ (a malformed id the router never matched) answers JSON, like the API."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("Not found: %(path)s") % {"path": request.path}}, status=404
        )
    return page_not_found(request, exception)
