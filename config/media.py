"""Uploaded files, each served only to those who may see it.

- `results/…`: the published snapshot files, public;
- `scans/…`: a protocol's scan, public once that version is published (its area's staff see
  it at once);
- `observers/notes/…`: a note's photo, public once the note is; its observer and their
  coordinators see it before;
- observers' photos and organisations' charter extracts: the staff who keep those registers.

Staff means past the second factor, with the role's permission, and within its area.

A file someone may not see is a 404, as if it did not exist. Names are random, so a URL cannot
be guessed either.
"""

import mimetypes
import secrets
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest
from django.utils.deconstruct import deconstructible
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

PUBLIC_FOLDER = "results"


@deconstructible
class RandomName:
    """`upload_to` for uploads: <folder>/<32 random hex digits><the original's suffix>."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        return f"{self.folder}/{secrets.token_hex(16)}{PurePosixPath(filename).suffix.lower()}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder


def _staff_may(user, permission: str) -> bool:
    """A member of staff past the second factor, whose role gives this permission."""
    return user.is_staff and user.is_verified() and user.has_perm(permission)


def _may_read(user, path: str) -> tuple[bool, bool]:
    """(may this user read it, is it public)."""
    from elections import access
    from elections.models import Protocol
    from observers.models import NotePhoto

    folder = PurePosixPath(path).parts[0]
    if folder == PUBLIC_FOLDER:
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
        own = (
            user.is_authenticated
            and NotePhoto.objects.filter(
                Q(note__accreditation__user=user)
                | Q(note__accreditation__organisation__coordinators=user),
                pk=photo.pk,
            ).exists()
        )
        return public or own or _staff_may(user, "observers.view_note"), public
    if path.startswith("observers/photos/"):
        return _staff_may(user, "observers.view_accreditation"), False
    if path.startswith("observers/charters/"):
        return _staff_may(user, "observers.view_organisation"), False
    return False, False


@require_safe
@xframe_options_sameorigin  # the admin shows a scan beside the protocol's form
def media(request: HttpRequest, path: str) -> FileResponse:
    if ".." in PurePosixPath(path).parts or not default_storage.exists(path):
        raise Http404("no such file")
    allowed, public = _may_read(request.user, path)
    if not allowed:
        raise Http404("no such file")
    response = FileResponse(
        default_storage.open(path, "rb"),
        content_type=mimetypes.guess_type(path)[0] or "application/octet-stream",
    )
    # Shared caches may keep what anyone may read; the rest stays in the reader's browser.
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
