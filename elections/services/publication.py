"""Publishing accepted protocols as a hash chain, and checking the chain end to end."""

import hashlib
import json
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from elections.models import PROTOCOL_LINES, Protocol, Publication
from elections.selectors import frozen_ballot

logger = logging.getLogger(__name__)
GENESIS = "0" * 64  # the "previous hash" of the first record


def canonical_json(document: dict[str, Any]) -> bytes:
    """The exact bytes that are hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(record: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(record)).hexdigest()


def _scan_sha256(protocol: Protocol) -> str | None:
    if not protocol.scan:
        return None
    digest = hashlib.sha256()
    with protocol.scan.open("rb") as scan:
        for chunk in iter(lambda: scan.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _votes(protocol: Protocol) -> list[dict[str, Any]]:
    """The protocol's votes in ballot order, named from the contest's (cached) frozen ballot."""
    counts = dict(protocol.votes.values_list("ballot_line_id", "votes"))
    return [
        {"position": line.position, "name": line.label, "votes": counts[line.pk]}
        for line in frozen_ballot(protocol.contest).lines
        if line.pk in counts
    ]


def protocol_publish(*, protocol_id: int) -> Publication | None:
    """Publish an accepted protocol version once; a second call returns the same record.

    Returns None for a protocol that is not (or no longer) accepted and was never published.
    """
    for _ in range(3):  # two first records at once: the loser of the unique sequence retries
        try:
            return _publish_once(protocol_id)
        except IntegrityError:
            continue
    return _publish_once(protocol_id)


@transaction.atomic
def _publish_once(protocol_id: int) -> Publication | None:
    existing = (
        Publication.objects.select_related(
            "protocol__station__region", "protocol__contest__election"
        )
        .filter(protocol_id=protocol_id)
        .first()
    )
    if existing is not None:
        return existing
    protocol = Protocol.objects.select_related("station__region", "contest__election").get(
        pk=protocol_id
    )
    if protocol.status not in (Protocol.Status.ACCEPTED, Protocol.Status.SUPERSEDED):
        return None
    # Lock the chain's head: publishers append one at a time.
    head = Publication.objects.select_for_update().order_by("-sequence").first()
    replaces = (
        Publication.objects.filter(protocol_id=protocol.supersedes_id)
        .values_list("sha256", flat=True)
        .first()
        if protocol.supersedes_id
        else None
    )
    record = {
        "sequence": head.sequence + 1 if head else 1,
        "previous_sha256": head.sha256 if head else GENESIS,
        "election": protocol.contest.election.code,
        "contest": protocol.contest.code,
        "region": protocol.station.region.code,
        "station": protocol.station.number,
        "version": protocol.version,
        "replaces_sha256": replaces,
        "reason": protocol.reason,
        "lines": {name: getattr(protocol, name) for name in PROTOCOL_LINES},
        "votes": _votes(protocol),
        "scan_sha256": _scan_sha256(protocol),
        "accepted_at": protocol.updated.isoformat(),
        "published_at": timezone.now().isoformat(),
    }
    return Publication.objects.create(
        sequence=record["sequence"], protocol=protocol, record=record, sha256=record_hash(record)
    )


def queue_publication(protocol_id: int) -> None:
    """After a commit: publish the protocol soon. If the broker is down, the sweep will."""
    from elections.tasks import publish_protocol  # the tasks module imports this one

    try:
        publish_protocol.delay(protocol_id)
    except Exception:  # noqa: BLE001 - the protocol is saved; the sweep publishes it later
        logger.warning("could not queue the publication of protocol %s", protocol_id, exc_info=True)


def unpublished_protocols():
    return Protocol.objects.filter(
        status__in=[Protocol.Status.ACCEPTED, Protocol.Status.SUPERSEDED], publication__isnull=True
    ).order_by("pk")


def chain_problems() -> list[str]:
    """Every break in the chain, and every accepted version missing from it."""
    problems = []
    previous = GENESIS
    publications = Publication.objects.select_related("protocol").order_by("sequence")
    for expected, publication in enumerate(publications.iterator(), 1):
        record = publication.record
        if record.get("lines") != publication.protocol.numbers():
            problems.append(f"publication #{publication.sequence}: differs from its protocol")
        if publication.sequence != expected or record.get("sequence") != expected:
            problems.append(f"publication #{publication.sequence}: expected sequence {expected}")
        if record.get("previous_sha256") != previous:
            problems.append(
                f"publication #{publication.sequence}: does not follow the record before it"
            )
        if record_hash(record) != publication.sha256:
            problems.append(
                f"publication #{publication.sequence}: its record does not match its hash"
            )
        previous = publication.sha256
    unpublished = unpublished_protocols().values_list("pk", flat=True)
    problems += [f"protocol {pk}: accepted but not published" for pk in unpublished]
    return problems
