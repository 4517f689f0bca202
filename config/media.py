"""Uploaded files, each served only to those who may see it.

- `results/…`: the published snapshot files, public, told by the path alone: no user, session or
  row is read for them (the public cache's middleware hands them on as anonymous), so they are
  served while the database is down;
- `scans/…`: a protocol's scan, public once that version is published (its area's staff see
  it at once);
- `observers/notes/…`: a note's photo, public once the note is; its observer and their
  coordinators see it before;
- observers' photos and organisations' charter extracts: the staff who keep those registers;
- `integrity/copies/…`: an observer's copy of a protocol, public once its organisation publishes
  the copy; before that its submitter, the organisation's coordinators and accredited observers,
  and CEC staff;
- `complaints/…`: a complaint's documents, never public: the commission it is addressed to
  (past the second factor) and the account that filed it.

Staff means past the second factor, with the role's permission, and within its area.

A file someone may not see is a 404, as if it did not exist. Names are random, so a URL cannot
be guessed either.

Every file is sent with a sandboxing Content-Security-Policy and a type from an allow-list (the
uploads' PDF, PNG and JPEG; the snapshots' JSON and CSV under `results/`): should any other file
ever reach the disk, it downloads as bytes, never renders as a page of this site.
"""

from pathlib import PurePosixPath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from common import uploads
from common.uploads import RandomName  # noqa: F401 - old migrations name it here

PUBLIC_FOLDER = "results"
# No script runs, nothing loads, no form posts, the origin is opaque: whatever the bytes are.
SANDBOX = "sandbox; default-src 'none'"
UPLOAD_TYPES = {suffix: kind.mime for kind in uploads.DOCUMENTS for suffix in kind.suffixes}
SNAPSHOT_TYPES = {".json": "application/json", ".csv": "text/csv; charset=utf-8"}


def _staff_may(user, permission: str) -> bool:
    """A member of staff past the second factor, whose role gives this permission."""
    return user.is_staff and user.is_verified() and user.has_perm(permission)


def _may_read(user, path: str) -> tuple[bool, bool]:
    """(may this user read it, is it public)."""
    from elections import access
    from elections.models import Protocol
    from observers.models import NotePhoto, Organisation
    from observers.selectors import notes_of_own_circle

    folder = PurePosixPath(path).parts[0]
    if folder == PUBLIC_FOLDER:  # first: without the user (a lazy object still) or the database
        return True, True
    if folder == "scans":
        protocol = Protocol.objects.filter(scan=path).select_related("publication").first()
        if protocol is None:
            return False, False
        published = hasattr(protocol, "publication")
        staff = _staff_may(user, "elections.view_protocol") and access.in_scope(
            user, protocol.station, access.VIEW
        )
        return published or staff, published
    if path.startswith("observers/notes/"):
        photo = NotePhoto.objects.filter(image=path).select_related("note").first()
        if photo is None:
            return False, False
        public = photo.note.published
        own = notes_of_own_circle(user).filter(pk=photo.note_id).exists()
        return public or own or _staff_may(user, "observers.view_note"), public
    if path.startswith("observers/photos/"):
        return _staff_may(user, "observers.view_accreditation"), False
    if path.startswith("observers/charters/"):
        # Only the commission that keeps the organisation's register reads its papers.
        organisation = Organisation.objects.filter(charter_extract=path).first()
        keeps = organisation is not None and access.commission_for(user, organisation.region)
        return _staff_may(user, "observers.view_organisation") and keeps, False
    if folder == "complaints":
        return _complaint_reader(user, path), False
    if path.startswith("integrity/copies/"):
        return _copy_reader(user, path)
    return False, False


def _copy_reader(user, path: str) -> tuple[bool, bool]:
    """An observer's copy: public once its organisation published it; before, its own people
    (the submitter, the organisation's coordinators and accredited observers) and CEC staff."""
    from integrity.models import CopyImage
    from observers.models import Accreditation

    image = CopyImage.objects.filter(image=path).select_related("copy").first()
    if image is None:
        return False, False
    copy = image.copy
    if copy.published:
        return True, True
    if not user.is_authenticated:
        return False, False
    own = (
        copy.submitted_by_id == user.pk
        or copy.organisation.coordinators.filter(pk=user.pk).exists()
        or Accreditation.objects.filter(
            user=user, organisation_id=copy.organisation_id, election_id=copy.election_id,
            status=Accreditation.Status.APPROVED,
        ).exists()
    )  # fmt: skip
    return own or _staff_may(user, "integrity.view_protocolcopy"), False


def _complaint_reader(user, path: str) -> bool:
    from complaints.access import complaints_handled_by
    from complaints.models import Attachment

    attachment = Attachment.objects.filter(file=path).select_related("complaint").first()
    if attachment is None or not user.is_authenticated:
        return False
    complaint = attachment.complaint
    if complaint.filed_by_id == user.pk:
        return True
    handles = complaints_handled_by(user).filter(pk=complaint.pk).exists()
    return handles and user.is_staff and user.is_verified()


def _content_type(path: str) -> str | None:
    """The type a file is sent as, from the allow-list; None: bytes to download."""
    suffix = PurePosixPath(path).suffix.lower()
    if PurePosixPath(path).parts[0] == PUBLIC_FOLDER and suffix in SNAPSHOT_TYPES:
        return SNAPSHOT_TYPES[suffix]
    return UPLOAD_TYPES.get(suffix)


def _open(path: str):
    """The stored file at ``path``, or a 404: climbing out, a folder, a name the disk refuses."""
    parts = PurePosixPath(path).parts
    if not parts or ".." in parts or path.startswith("/") or path.endswith("/") or "\0" in path:
        raise Http404("no such file")
    try:
        file = default_storage.open(path, "rb")
    except (OSError, ValueError, SuspiciousFileOperation) as exc:  # missing, a folder, too long
        raise Http404("no such file") from exc
    return file


@require_safe
@xframe_options_sameorigin  # the admin shows a scan beside the protocol's form
def media(request: HttpRequest, path: str) -> FileResponse:
    file = _open(path)
    allowed, public = _may_read(request.user, path)
    if not allowed:
        file.close()
        raise Http404("no such file")
    content_type = _content_type(path)
    response = FileResponse(
        file,
        content_type=content_type or "application/octet-stream",
        as_attachment=content_type is None,
        filename=PurePosixPath(path).name,
    )
    # Shared caches may keep what anyone may read; the rest stays in the reader's browser.
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # Set here, the CSP middleware leaves it as it is (it writes the site's policy only where
    # an answer has none).
    response["Content-Security-Policy"] = SANDBOX
    return response
