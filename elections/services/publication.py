"""Publishing accepted protocols as a hash chain, and checking the chain end to end."""

import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from common import queue
from common.events import log_event
from common.public_cache import results_changed
from elections.models import PROTOCOL_LINES, BallotLine, Protocol, ProtocolVote, Publication
from elections.services.aggregation import publications_tally

GENESIS = "0" * 64  # the "previous hash" of the first record


def canonical_json(document: dict[str, Any]) -> bytes:
    """The exact bytes that are hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(record: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(record)).hexdigest()


def scan_sha256(protocol: Protocol) -> str | None:
    if not protocol.scan:
        return None
    digest = hashlib.sha256()
    with protocol.scan.open("rb") as scan:
        for chunk in iter(lambda: scan.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


PUBLISH_BATCH = 1000  # records appended per transaction; the chain's head is locked meanwhile
PUBLISH_PENDING = "elections.publish_pending"  # the task that publishes (elections/tasks.py)


def protocols_publish(*, limit: int = PUBLISH_BATCH) -> list[Publication]:
    """Append the oldest accepted versions not yet in the chain (at most ``limit``); returns them.

    Running it again publishes nothing twice: a version already in the chain is never pending.
    """
    for _ in range(3):  # two first records at once: the loser of the unique sequence retries
        try:
            return _publish_pending(limit)
        except IntegrityError:
            continue
    return _publish_pending(limit)


@transaction.atomic
def _publish_pending(limit: int) -> list[Publication]:
    # Lock the chain's head first, then read what is pending: publishers take turns, and each
    # sees what the one before it committed.
    head = Publication.objects.select_for_update().order_by("-sequence").first()
    protocols = list(
        unpublished_protocols().select_related("station__region", "contest__election")[:limit]
    )
    if not protocols:
        return []
    ids = [protocol.pk for protocol in protocols]
    counts: dict[int, dict[int, int]] = {pk: {} for pk in ids}
    rows = ProtocolVote.objects.filter(protocol_id__in=ids)
    for protocol_id, line_id, votes in rows.values_list("protocol_id", "ballot_line_id", "votes"):
        counts[protocol_id][line_id] = votes
    # The hash of each replaced version: in the chain already, or earlier in this batch.
    hashes = dict(
        Publication.objects.filter(
            protocol_id__in=[p.supersedes_id for p in protocols if p.supersedes_id]
        ).values_list("protocol_id", "sha256")
    )
    # Every ballot line of the batch's contests in one query, not one contest's per record.
    ballots: dict[int, list[BallotLine]] = {}
    lines = BallotLine.objects.filter(contest_id__in={p.contest_id for p in protocols})
    for line in lines.select_related("party", "candidate__party").order_by("position"):
        ballots.setdefault(line.contest_id, []).append(line)
    sequence, previous = (head.sequence, head.sha256) if head else (0, GENESIS)
    published_at = timezone.now().isoformat()
    publications = []
    # Names ("Against all") in the site's default language, whoever's request or task this is:
    # a record is the same document whatever language its reader uses.
    with translation.override(settings.LANGUAGE_CODE):
        for protocol in protocols:
            sequence += 1
            record = _record(
                protocol, sequence, previous, hashes, ballots[protocol.contest_id],
                counts[protocol.pk], published_at,
            )  # fmt: skip
            previous = hashes[protocol.pk] = record_hash(record)
            publications.append(
                Publication(sequence=sequence, protocol=protocol, record=record, sha256=previous)
            )
    transaction.on_commit(results_changed)  # the public pages' cached answers are outdated
    Publication.objects.bulk_create(publications)
    # In the same transaction: the totals include a record from the moment it is in the log.
    tallies = publications_tally(publications)
    log_event(
        "publication.batch", records=len(publications), first=publications[0].sequence,
        last=sequence, head=previous, tallies=tallies,
    )  # fmt: skip
    return publications


def _record(
    protocol: Protocol,
    sequence: int,
    previous: str,
    hashes: dict[int, str],
    ballot: list[BallotLine],
    counts: dict[int, int],
    published_at: str,
) -> dict[str, Any]:
    """The published document of one accepted version."""
    return {
        "sequence": sequence,
        "previous_sha256": previous,
        "election": protocol.contest.election.code,
        "contest": protocol.contest.code,
        "region": protocol.station.region.code,
        "station": protocol.station.number,
        "version": protocol.version,
        "replaces_sha256": hashes.get(protocol.supersedes_id),
        "reason": protocol.reason,
        "legal_basis": protocol.legal_basis,
        "lines": {name: getattr(protocol, name) for name in PROTOCOL_LINES},
        "votes": [
            {"position": line.position, "name": line.label, "votes": counts[line.pk]}
            for line in ballot
            if line.pk in counts
        ],
        "scan_sha256": scan_sha256(protocol),
        "accepted_at": protocol.updated.isoformat(),
        "published_at": published_at,
    }


def queue_publication() -> None:
    """After a commit: publish what is pending soon, once for a whole burst of acceptances.

    If the broker is down the protocol stays pending, and the beat's sweep queues it later.
    """
    queue.once(PUBLISH_PENDING)


def unpublished_protocols():
    return Protocol.objects.filter(
        status__in=[Protocol.Status.ACCEPTED, Protocol.Status.SUPERSEDED], publication__isnull=True
    ).order_by("pk")


def chain_walk(links: Iterable[tuple]) -> Iterator[tuple[int, tuple, list[str]]]:
    """Walk a chain given in order as ``(sequence, record, sha256, ...)`` links.

    Yields ``(expected sequence, link, breaks)`` for each link, the link as given (anything after
    its first three items is the caller's), breaks naming what is wrong with it: ``"sequence"``
    (the link's or its record's sequence is not its place), ``"link"`` (it does not follow the
    record before it), ``"hash"`` (its record does not match its hash), ``"replaces"`` (it
    replaces a record that is not earlier in the chain). The one walk behind both the
    database's check (`chain_problems`) and the archive's (`archive.archive_problems`).
    """
    previous, seen = GENESIS, set()
    for expected, link in enumerate(links, 1):
        sequence, record, sha256 = link[:3]
        breaks = []
        if sequence != expected or record.get("sequence") != expected:
            breaks.append("sequence")
        if record.get("previous_sha256") != previous:
            breaks.append("link")
        if record_hash(record) != sha256:
            breaks.append("hash")
        if record.get("replaces_sha256") and record["replaces_sha256"] not in seen:
            breaks.append("replaces")
        yield expected, link, breaks
        previous = sha256
        seen.add(sha256)


def chain_problems() -> list[str]:
    """Every break in the chain, and every accepted version missing from it."""
    problems = []
    publications = Publication.objects.select_related("protocol").order_by("sequence")
    links = ((p.sequence, p.record, p.sha256, p) for p in publications.iterator())
    for expected, (sequence, record, _, publication), breaks in chain_walk(links):
        where = f"publication #{sequence}"
        if record.get("lines") != publication.protocol.numbers():
            problems.append(f"{where}: differs from its protocol")
        messages = {
            "sequence": f"expected sequence {expected}",
            "link": "does not follow the record before it",
            "hash": "its record does not match its hash",
            "replaces": "replaces a record that is not earlier in the chain",
        }
        problems += [f"{where}: {messages[kind]}" for kind in breaks]
    unpublished = unpublished_protocols().values_list("pk", flat=True)
    problems += [f"protocol {pk}: accepted but not published" for pk in unpublished]
    return problems
