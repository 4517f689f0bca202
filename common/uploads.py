"""Uploads are what their names say: a PDF, PNG or JPEG, told from the bytes, not the name.

`/media/` serves uploads from the site's own origin, where an HTML or script file would run
with the site's cookies. So an upload is taken only when its first bytes carry the magic number
of one of the allowed types (read by `filetype`), its name ends in that type's suffix and it is
within the size limit: `upload_problems` says what is wrong, for the services to refuse it field
by field. `UploadStorage` holds the same rule where files are written, for any path that forgets
to ask, and names each file by the type it found there.
"""

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from filetype.types import archive, image

HEAD_BYTES = 8192  # the most any of filetype's matchers reads


@dataclass(frozen=True)
class FileType:
    name: str  # as messages say it
    mime: str
    suffixes: tuple[str, ...]  # a name may end in any; stored names end in the first
    matcher: filetype.Type

    @property
    def suffix(self) -> str:
        return self.suffixes[0]


PDF = FileType("PDF", "application/pdf", (".pdf",), archive.Pdf())
PNG = FileType("PNG", "image/png", (".png",), image.Png())
JPEG = FileType("JPEG", "image/jpeg", (".jpg", ".jpeg"), image.Jpeg())
DOCUMENTS = (PDF, PNG, JPEG)  # scans and charter extracts
IMAGES = (JPEG, PNG)  # photos


def _head(file) -> bytes:
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    return bytes(head)


def detect(file, types: tuple[FileType, ...] = DOCUMENTS) -> FileType | None:
    """Which of ``types`` the file's first bytes show it to be, if any."""
    head = _head(file)
    return next((kind for kind in types if kind.matcher.match(head)), None)


def _what(head: bytes) -> str:
    """What a refused file's bytes look like, for the message."""
    if known := filetype.guess(head):
        return known.extension.upper()
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n\f").lower()
    if b"<svg" in text:
        return "SVG"
    if text.startswith(b"<") or any(tag in text for tag in (b"<html", b"<script", b"<body")):
        return "HTML"
    if not head:
        return _("empty")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return _("binary data of no known type")
    return _("text")


def _one_of(types: tuple[FileType, ...]) -> str:
    names = [kind.name for kind in types]
    if len(names) == 1:
        return _("a %(type)s") % {"type": names[0]}
    return _("a %(types)s or %(last)s") % {"types": ", ".join(names[:-1]), "last": names[-1]}


def upload_problems(file, *, types: tuple[FileType, ...] = DOCUMENTS, max_bytes: int) -> list[str]:
    """What is wrong with an upload, each message a rule; none when it may be stored."""
    problems = []
    if file.size > max_bytes:
        problems.append(
            _("the file is %(size)s MB; at most %(max)s MB")
            % {"size": f"{file.size / 1e6:.1f}", "max": max_bytes // 1024 // 1024}
        )
    kind = detect(file, types)
    if kind is None:
        problems.append(
            _("the file's contents are %(found)s, not %(wanted)s")
            % {"found": _what(_head(file)), "wanted": _one_of(types)}
        )
        return problems
    suffix = PurePosixPath(file.name or "").suffix.lower()
    if suffix not in kind.suffixes:
        problems.append(
            _("the file's contents are %(type)s, so its name must end in %(suffix)s, not %(found)s")
            % {"type": kind.name, "suffix": kind.suffix, "found": suffix or _("nothing")}
        )
    return problems


def sha256(file) -> str:
    """The SHA-256 of an upload's bytes, read in chunks; the file is left at its start."""
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


class UploadStorage(FileSystemStorage):
    """Writes an upload only when its bytes are a PDF, PNG or JPEG, under a name ending in the
    suffix of the type found; files under ``own_folders`` (what the site itself writes, such as
    published snapshots) are written as they are.

    A refusal is a SuspiciousFileOperation, which Django answers with a 400: the services refuse
    such a file field by field before it gets here.
    """

    def __init__(self, *args, own_folders: tuple[str, ...] | list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.own_folders = tuple(own_folders)

    def save(self, name, content, max_length=None):
        name = name or content.name
        if PurePosixPath(name).parts[0] not in self.own_folders:
            kind = detect(content)
            if kind is None:
                raise SuspiciousFileOperation(
                    _("%(name)s: not stored, its contents are not %(types)s")
                    % {"name": name, "types": _one_of(DOCUMENTS)}
                )
            name = str(PurePosixPath(name).with_suffix(kind.suffix))
        return super().save(name, content, max_length)


@deconstructible
class RandomName:
    """`upload_to` for uploads: <folder>/<32 random hex digits>. The sender's name is dropped
    whole: the storage (UploadStorage, below) adds the suffix of the type it finds in
    the bytes."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        return f"{self.folder}/{secrets.token_hex(16)}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder
