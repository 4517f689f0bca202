"""The election in the open standards: the Data Package with its tables, and NIST's format."""

from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from elections.models import Election
from elections.selectors import election_under_way
from standards import nist
from standards.datapackage import BY_NAME, package_descriptor, resource_lines
from standards.snapshots import stored_nist


def _election(code: str) -> Election:
    election = election_under_way(code)
    if election is None:
        raise Http404(_("No election %(code)s has results.") % {"code": code})
    return election


def datapackage(request: HttpRequest, election: str) -> JsonResponse:
    """datapackage.json: each table's path beside it and its Table Schema."""
    election = _election(election)
    return JsonResponse(
        package_descriptor(election), json_dumps_params={"ensure_ascii": False, "indent": 1}
    )


def resource(request: HttpRequest, election: str, name: str) -> StreamingHttpResponse:
    """One table of the package as CSV, streamed (tens of thousands of rows)."""
    election = _election(election)
    table = BY_NAME.get(name)
    if table is None:
        raise Http404(_("The data package has no table %(name)s.") % {"name": name})
    response = StreamingHttpResponse(
        resource_lines(table, election), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{election.code}-{name}.csv"'
    return response


def nist_report(request: HttpRequest, election: str) -> StreamingHttpResponse:
    """The election in NIST SP 1500-100 v2 (JSON): the stored file where it is current (tens
    of megabytes and seconds of work to build), else built and streamed a contest at a time."""
    election = _election(election)
    stored = stored_nist(election)
    chunks = default_storage.open(stored).chunks() if stored else nist.report_chunks(election)
    response = StreamingHttpResponse(chunks, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{election.code}-nist-1500-100.json"'
    return response
