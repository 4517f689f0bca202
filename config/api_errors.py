"""The one DRF exception handler: service refusals become JSON that names the field and rule."""

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import ApplicationError


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        body = {"detail": exc.message, **{k: v for k, v in exc.extra.items() if k != "detail"}}
        return Response(body, status=exc.http_status)
    return drf_exception_handler(exc, context)


def not_found(request, exception):
    """A 404 under /api/ (a malformed id the router never matched) answers JSON, like the API."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": f"Not found: {request.path}"}, status=404)
    return page_not_found(request, exception)
