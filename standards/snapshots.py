"""The open-standard files in the snapshot storage and in the election archive.

``results/<election>/standards/<n>/`` holds ``datapackage.json`` with ``data/<table>.csv``
beside it and ``nist-1500-100.json``, where ``n`` is the last publication they include;
``results/<election>/standards/current.json`` points at them. As with the contests' snapshots,
files are never rewritten, only the pointer moves. The snapshot's and the archive's
datapackage.json give each table's SHA-256 and size, so that ``frictionless validate`` also
finds a table changed after it was written.

They are written after aggregation when something was published since the last ones: with a
broker at most once a minute per election (a night's thousands of aggregation slices would
otherwise rebuild the whole package each time); without one the run comes at once after each
slice, and the first slice of an aggregation run writes while the others find nothing new.

The election archive (``manage.py export_archive``) holds the same files for every election
under ``standards/<election>/``, each with its SHA-256 in the archive's manifest.
"""

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from common import queue
from elections.models import Contest, Election, Publication
from standards import nist
from standards.datapackage import (
    RESOURCES,
    package_descriptor,
    publications_up_to,
    resource_lines,
    resource_path,
)

SNAPSHOT_WRITE = "standards.snapshot_write"


def queue_snapshot(sender, contest_ids: list[int], **kwargs) -> None:
    """After an aggregation run: queue the snapshot of each election it touched, once, at most
    one per STANDARDS_SNAPSHOT_SECONDS (a minute: a whole election's files on a busy night)."""
    elections = Contest.objects.filter(pk__in=contest_ids).values_list("election_id", flat=True)
    for election_id in sorted(set(elections)):
        queue.once(SNAPSHOT_WRITE, election_id, countdown=settings.STANDARDS_SNAPSHOT_SECONDS)


def _write(write: Callable[[str, Iterable[str]], str], election: Election, base: str) -> dict:
    """Write the package's tables, its descriptor (with each table's hash) and the NIST file
    through ``write(path, chunks) -> sha256``; returns the descriptor."""
    descriptor = package_descriptor(election)
    for resource, item in zip(RESOURCES, descriptor["resources"], strict=True):
        size = _Size()
        digest = write(f"{base}{resource_path(resource)}", size.counting(
            resource_lines(resource, election)))  # fmt: skip
        item |= {"hash": f"sha256:{digest}", "bytes": size.bytes}
    write(f"{base}datapackage.json", [json.dumps(descriptor, ensure_ascii=False, indent=1)])
    write(f"{base}nist-1500-100.json", nist.report_chunks(election))
    return descriptor


class _Size:
    def __init__(self):
        self.bytes = 0

    def counting(self, chunks: Iterable[str]) -> Iterable[bytes]:
        for chunk in chunks:
            data = chunk.encode()
            self.bytes += len(data)
            yield data


def _store(path: str, chunks: Iterable[str | bytes]) -> str:
    digest = hashlib.sha256()
    with tempfile.TemporaryFile() as out:
        for chunk in chunks:
            data = chunk.encode() if isinstance(chunk, str) else chunk
            digest.update(data)
            out.write(data)
        out.seek(0)
        if default_storage.exists(path):
            default_storage.delete(path)
        default_storage.save(path, File(out))
    return digest.hexdigest()


def standards_snapshot_write(*, election_id: int) -> str:
    """Write the election's files and move its pointer; returns the pointer's path."""
    election = Election.objects.get(pk=election_id)
    folder = f"results/{election.code}/standards"
    up_to, head = _chain_head()
    pointer = _pointer(folder)
    if (pointer.get("publications_up_to"), pointer.get("head")) == (up_to, head):
        return f"{folder}/current.json"  # nothing published since: the slices of one run
    base = f"{folder}/{up_to}/"
    _write(_store, election, base)
    pointer = {
        "publications_up_to": up_to,
        "head": head,  # the last record's hash: a new chain with as many records is not this one
        "datapackage": f"{base}datapackage.json",
        "nist": f"{base}nist-1500-100.json",
        "written": timezone.now().isoformat(),
    }
    _store(f"{folder}/current.json", [json.dumps(pointer)])
    return f"{folder}/current.json"


def stored_nist(election: Election) -> str | None:
    """The stored NIST file's path if it may be served for the live one: it holds every record
    published, or it was written within twice STANDARDS_SNAPSHOT_SECONDS (on a busy night the
    next one is on its way). Else None: the file is built for the request."""
    pointer = _pointer(f"results/{election.code}/standards")
    if not pointer.get("nist"):
        return None
    if (pointer.get("publications_up_to"), pointer.get("head")) == _chain_head():
        return pointer["nist"]
    try:
        age = timezone.now() - datetime.fromisoformat(pointer["written"])
    except (KeyError, TypeError, ValueError):
        return None
    recent = age.total_seconds() < 2 * settings.STANDARDS_SNAPSHOT_SECONDS
    return pointer["nist"] if recent and default_storage.exists(pointer["nist"]) else None


def _chain_head() -> tuple[int, str | None]:
    """The last record's sequence and hash: what a pointer names as the files' extent (a new
    chain with as many records is not the same chain)."""
    up_to = publications_up_to()
    head = Publication.objects.filter(sequence=up_to).values_list("sha256", flat=True).first()
    return up_to, head


def _pointer(folder: str) -> dict:
    try:
        with default_storage.open(f"{folder}/current.json") as pointer:
            return json.loads(pointer.read())
    except (OSError, ValueError):  # none yet, or unreadable: write the files afresh
        return {}


def archive_members(sender, archive: zipfile.ZipFile, **kwargs) -> dict[str, str]:
    """The election archive's ``standards/<election>/`` files: {member: SHA-256}."""
    written = {}

    def write(name: str, chunks: Iterable[str | bytes]) -> str:
        digest = hashlib.sha256()
        with archive.open(name, "w") as member:
            for chunk in chunks:
                data = chunk.encode() if isinstance(chunk, str) else chunk
                digest.update(data)
                member.write(data)
        written[name] = digest.hexdigest()
        return written[name]

    for election in Election.objects.exclude(status=Election.Status.SETUP).order_by("code"):
        _write(write, election, f"standards/{election.code}/")
    return written
