"""Publishing accepted protocols as a hash chain, and checking the chain end to end."""

import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, transaction
from django.utils import timezone, translation

from common import queue
from common.events import log_event
from common.public_cache import results_changed
from common.translated import CANONICAL
from elections.models import PROTOCOL_LINES, BallotLine, Protocol, ProtocolVote, Publication
from elections.services.aggregation import Counted, publications_tally

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
    return _publish_pending(limit)


CHAIN_LOCK = 0x5341594C  # the Postgres advisory lock publishers take turns on ("SAYL")


def _take_the_chain() -> None:
    """Wait until no other publisher holds the chain, and hold it until this transaction ends.

    An advisory lock, not a row lock on the head: a publisher that waited on the head row went
    on, once the first committed, with the head it had read before that commit (READ COMMITTED
    re-reads a row only if it changed, and the head row does not), and numbered its records as
    the first had (seen with 4 worker processes: duplicate sequence). After this lock, the next
    statement's snapshot holds everything the last publisher committed. On SQLite, IMMEDIATE
    transactions already let one writer in at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


# What a record needs of its protocol, read as plain values rather than five model instances.
_FIELDS = (
    "pk", "station_id", "contest_id", "supersedes_id", "version", "reason", "legal_basis", "scan",
    "updated", *PROTOCOL_LINES, "contest__code", "contest__election__code",
    "station__region__code", "station__number", "station__district_id", "station__region_id",
)  # fmt: skip


@transaction.atomic
def _publish_pending(limit: int) -> list[Publication]:
    # Take the chain first, then read its head and what is pending: publishers take turns, and
    # each sees what the one before it committed.
    _take_the_chain()
    head = Publication.objects.order_by("-sequence").values_list("sequence", "sha256").first()
    # The pending ids alone first: joined to the station, contest and region tables, the
    # planner would join every accepted protocol before it keeps the first ``limit``.
    ids = list(unpublished_protocols().values_list("pk", flat=True)[:limit])
    if not ids:
        return []
    protocols = list(Protocol.objects.filter(pk__in=ids).order_by("pk").values(*_FIELDS))
    counts: dict[int, dict[int, int]] = {pk: {} for pk in ids}
    rows = ProtocolVote.objects.filter(protocol_id__in=ids).order_by()
    for protocol_id, line_id, votes in rows.values_list("protocol_id", "ballot_line_id", "votes"):
        counts[protocol_id][line_id] = votes
    # The hash of each replaced version: in the chain already, or earlier in this batch.
    replaced = [p["supersedes_id"] for p in protocols if p["supersedes_id"]]
    hashes = dict(
        Publication.objects.filter(protocol_id__in=replaced).values_list("protocol_id", "sha256")
        if replaced
        else []
    )
    sequence, previous = head or (0, GENESIS)
    published_at = timezone.now().isoformat()
    publications, counted = [], []
    # Names ("Against all", parties) in English (CANONICAL), whoever's request or task this is:
    # a record is the same document whatever language its reader uses.
    with translation.override(CANONICAL):
        # Every ballot line of the batch's contests in one query, each named once.
        ballots: dict[int, list[tuple[int, int, str]]] = {}
        lines = BallotLine.objects.filter(contest_id__in={p["contest_id"] for p in protocols})
        for line in lines.select_related("party", "candidate__party").order_by("position"):
            ballots.setdefault(line.contest_id, []).append((line.pk, line.position, line.label))
        for values in protocols:
            sequence += 1
            protocol = Protocol(
                id=values["pk"], station_id=values["station_id"],
                contest_id=values["contest_id"], supersedes_id=values["supersedes_id"],
                scan=values["scan"],
            )  # fmt: skip
            record = _record(
                values, sequence, previous, hashes, ballots[protocol.contest_id],
                counts[protocol.pk], scan_sha256(protocol), published_at,
            )  # fmt: skip
            previous = hashes[protocol.pk] = record_hash(record)
            publications.append(
                Publication(sequence=sequence, protocol=protocol, record=record, sha256=previous)
            )
            counted.append(
                Counted(
                    contest_id=values["contest_id"], district_id=values["station__district_id"],
                    region_id=values["station__region_id"], numbers=record["lines"],
                    votes=counts[protocol.pk], replaces=values["supersedes_id"],
                )
            )  # fmt: skip
    transaction.on_commit(results_changed)  # the public pages' cached answers are outdated
    _append(publications)
    # In the same transaction: the totals include a record from the moment it is in the log.
    tallies = publications_tally(counted, up_to=sequence)
    log_event(
        "publication.batch", records=len(publications), first=publications[0].sequence,
        last=sequence, head=previous, tallies=tallies,
    )  # fmt: skip
    return publications


def _append(publications: list[Publication]) -> None:
    """Insert the batch's records; on Postgres by COPY, each record as the canonical JSON its
    hash was taken of (Django's bulk INSERT passes the records as one text array, and quoting
    a thousand documents into it took longer than all the rest of the insert)."""
    if connection.vendor != "postgresql":
        Publication.objects.bulk_create(publications)
        return
    published = timezone.now()
    table, columns = Publication._meta.db_table, "sequence, protocol_id, record, sha256, published"
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for p in publications:
            row = (p.sequence, p.protocol_id, canonical_json(p.record).decode(), p.sha256)
            copy.write_row((*row, published))
    ids = Publication.objects.filter(sequence__gte=publications[0].sequence).values_list(
        "sequence", "pk"
    )
    pks = dict(ids)
    for publication in publications:
        publication.pk, publication.published = pks[publication.sequence], published
        publication._state.adding = False


def _record(
    protocol: dict[str, Any],
    sequence: int,
    previous: str,
    hashes: dict[int, str],
    ballot: list[tuple[int, int, str]],
    counts: dict[int, int],
    scan: str | None,
    published_at: str,
) -> dict[str, Any]:
    """The published document of one accepted version, from its protocol's values."""
    return {
        "sequence": sequence,
        "previous_sha256": previous,
        "election": protocol["contest__election__code"],
        "contest": protocol["contest__code"],
        "region": protocol["station__region__code"],
        "station": protocol["station__number"],
        "version": protocol["version"],
        "replaces_sha256": hashes.get(protocol["supersedes_id"]),
        "reason": protocol["reason"],
        "legal_basis": protocol["legal_basis"],
        "lines": {name: protocol[name] for name in PROTOCOL_LINES},
        "votes": [
            {"position": position, "name": label, "votes": counts[pk]}
            for pk, position, label in ballot
            if pk in counts
        ],
        "scan_sha256": scan,
        "accepted_at": protocol["updated"].isoformat(),
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
