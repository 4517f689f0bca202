"""Requests no view should see."""

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse

FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseNulCharacters:
    """A NUL character (``%00``) is refused before any view runs: in the path a 404 (no address
    has one), in the query string or a form's field a 400 naming the field. No text the site
    stores or looks up may hold one, and Postgres refuses it outright (a DataError, so a 500,
    wherever a view looked it up). JSON bodies are the API parser's to check (common.parsers).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info:
            raise Http404("no address holds a NUL character (%00)")
        fields = [request.GET]
        if request.method == "POST" and request.content_type in FORMS:
            fields.append(request.POST)  # read here; a view reading request.POST gets the same
        for data in fields:
            for name, values in data.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    raise BadRequest(f"{name.replace(chr(0), '%00')}: a NUL character (%00)")
        return self.get_response(request)
