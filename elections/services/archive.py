"""The election record as one archive that anyone can check offline.

A zip file holding:
- `chain.jsonl`: every published record in chain order, `{"sequence", "sha256", "record"}`;
- `scans.csv`: each published scan's file name and its SHA-256 when the archive was made;
- `totals.json`: each contest's nationwide totals as the commission stores them, by ballot
  position;
- the files the apps built on elections add (`elections.signals.archive_writing`): the open
  standards' Data Package and NIST file of each election under `standards/<election>/`; the
  transparency log's records, signed checkpoints and cosignatures under `log/` (each app
  checks its own files in `archive_problems`, `elections.signals.archive_checking`);
- `manifest.json`: the format, when it was made, the chain's head, and each file's SHA-256.

`archive_problems` needs nothing but the file: each hash, each link, each scan against the
hash its record published, each contest's totals against the sum of its standing records
(the latest published version for each station), and each added file against its hash.
"""

import csv
import hashlib
import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils import timezone

from elections.models import PROTOCOL_LINES, BallotLine, ContestTally, Publication
from elections.services.aggregation import contest_aggregate, contests_needing_aggregation
from elections.services.publication import (
    GENESIS,
    chain_walk,
    protocols_publish,
    scan_sha256,
)
from elections.signals import archive_checking, archive_writing

FORMAT = 1
FILES = ("chain.jsonl", "scans.csv", "totals.json")


@dataclass(frozen=True)
class ArchiveSummary:
    records: int
    scans: int
    contests: int
    head: str


class _HashingWriter:
    """Writes text into one archive member and keeps the SHA-256 of what it wrote."""

    def __init__(self, member: IO[bytes]):
        self.member, self.digest = member, hashlib.sha256()

    def write(self, text: str) -> None:
        data = text.encode()
        self.digest.update(data)
        self.member.write(data)


def settle() -> None:
    """Publish what is accepted and bring every tally up to date, as the sweep would."""
    while protocols_publish():
        pass
    for contest_id in contests_needing_aggregation().values_list("pk", flat=True):
        contest_aggregate(contest_id=contest_id)


def archive_write(path: Path) -> ArchiveSummary:
    """Write the whole record, once everything pending is published and counted."""
    settle()
    hashes, counts = {}, {"records": 0, "scans": 0, "contests": 0}
    head = GENESIS
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("chain.jsonl", "w") as member:
            out = _HashingWriter(member)
            for publication in Publication.objects.order_by("sequence").iterator(chunk_size=2000):
                line = {"sequence": publication.sequence, "sha256": publication.sha256,
                        "record": publication.record}  # fmt: skip
                out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
                counts["records"], head = counts["records"] + 1, publication.sha256
            hashes["chain.jsonl"] = out.digest.hexdigest()
        with archive.open("scans.csv", "w") as member:
            out = _HashingWriter(member)
            rows = csv.writer(out, lineterminator="\n")
            rows.writerow(["sequence", "file", "sha256"])
            published = Publication.objects.exclude(protocol__scan="").select_related("protocol")
            for publication in published.order_by("sequence").iterator(chunk_size=2000):
                protocol = publication.protocol
                rows.writerow([publication.sequence, protocol.scan.name, scan_sha256(protocol)])
                counts["scans"] += 1
            hashes["scans.csv"] = out.digest.hexdigest()
        totals = _nationwide_totals()
        counts["contests"] = len(totals)
        data = json.dumps(totals, ensure_ascii=False, indent=1, sort_keys=True).encode()
        archive.writestr("totals.json", data)
        hashes["totals.json"] = hashlib.sha256(data).hexdigest()
        for _receiver, written in archive_writing.send(sender=archive_write, archive=archive):
            hashes.update(written)  # the files of the apps built on elections
        manifest = {"format": FORMAT, "created": timezone.now().isoformat(), "head": head,
                    **counts, "files": hashes}  # fmt: skip
        archive.writestr("manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
    return ArchiveSummary(head=head, **counts)


def _nationwide_totals() -> dict[str, dict[str, Any]]:
    positions = dict(BallotLine.objects.values_list("pk", "position"))
    tallies = ContestTally.objects.filter(level=ContestTally.Level.NATION).select_related(
        "contest__election"
    )
    return {
        f"{tally.contest.election.code}/{tally.contest.code}": {
            "stations_accepted": tally.stations_accepted,
            "lines": tally.numbers(),
            "votes": {str(positions[int(line)]): n for line, n in tally.votes.items()},
        }
        for tally in tallies
    }


def archive_problems(path: Path) -> tuple[dict[str, Any], list[str]]:
    """Check an archive with nothing but the file: (its manifest, every problem found)."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return {}, [f"{path}: not a readable archive ({exc})"]
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
            contents = {name: archive.read(name) for name in FILES}
        except (KeyError, ValueError, RecursionError) as exc:
            return {}, [f"{path}: incomplete archive, or manifest.json is not JSON ({exc})"]
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files", {}), dict):
            return {}, [f"{path}: manifest.json is not an archive's manifest"]
        # The files the apps built on elections added (archive_writing): checked by their hash.
        present = set(archive.namelist())
        added = {name: archive.read(name) if name in present else None
                 for name in manifest.get("files", {}) if name not in FILES}  # fmt: skip
    problems = [
        f"{name}: its SHA-256 differs from the manifest's"
        for name, data in contents.items()
        if hashlib.sha256(data).hexdigest() != manifest.get("files", {}).get(name)
    ]
    problems += [
        f"{name}: listed in the manifest but not in the archive"
        if data is None
        else f"{name}: its SHA-256 differs from the manifest's"
        for name, data in added.items()
        if data is None or hashlib.sha256(data).hexdigest() != manifest["files"][name]
    ]
    # The files of the apps built on elections, each checked by its own app.
    for receiver, found in archive_checking.send_robust(
        sender=archive_problems, path=path, manifest=manifest
    ):
        if isinstance(found, Exception):
            problems.append(f"{receiver.__module__}: could not check its files ({found!r})"[:300])
        else:
            problems += found
    # A tampered file may not even be in the format: that is a problem to list, not a crash.
    try:
        records, chain_problems = _chain(contents["chain.jsonl"].decode())
    except MALFORMED as exc:
        return manifest, [*problems, _malformed("chain.jsonl", exc)]
    problems += chain_problems
    if records and records[-1]["sha256"] != manifest.get("head"):
        problems.append("chain.jsonl: its last record is not the manifest's head")
    try:
        problems += _scans(contents["scans.csv"].decode(), records)
    except MALFORMED as exc:
        problems.append(_malformed("scans.csv", exc))
    try:
        totals = json.loads(contents["totals.json"])
        if not isinstance(totals, dict):
            raise TypeError("not an object of contests")
        problems += _totals(totals, records)
    except MALFORMED as exc:
        problems.append(_malformed("totals.json", exc))
    return manifest, problems


# What reading a file that is not in the archive's format raises (UnicodeDecodeError and
# JSONDecodeError are ValueErrors; nesting past the decoder's depth is a RecursionError).
MALFORMED = (ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError, csv.Error)


def _malformed(name: str, exc: Exception) -> str:
    return f"{name}: not in the archive's format ({type(exc).__name__}: {str(exc)[:200]})"


def _chain(text: str) -> tuple[list[dict], list[str]]:
    records, problems = [], []

    def links():
        for raw in text.splitlines():
            item = json.loads(raw)
            yield item["sequence"], item["record"], item["sha256"], item

    for expected, (sequence, _, _, item), breaks in chain_walk(links()):
        where = f"chain.jsonl record {expected}"
        messages = {
            "sequence": f"sequence {sequence}, expected {expected}",
            "link": "does not follow the record before it",
            "hash": "the record does not match its hash",
            "replaces": "replaces a record that is not earlier in the chain",
        }
        problems += [f"{where}: {messages[kind]}" for kind in breaks]
        records.append(item)
    return records, problems


def _scans(text: str, records: list[dict]) -> list[str]:
    published = {item["sequence"]: item["record"].get("scan_sha256") for item in records}
    return [
        f"scans.csv: {row['file']} has changed since record {row['sequence']} published it"
        for row in csv.DictReader(io.StringIO(text))
        if published.get(int(row["sequence"])) != row["sha256"]
    ]


def _totals(totals: dict[str, dict], records: list[dict]) -> list[str]:
    replaced = {item["record"].get("replaces_sha256") for item in records}
    sums: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"stations_accepted": 0, "lines": defaultdict(int), "votes": defaultdict(int)}
    )
    for item in records:
        if item["sha256"] in replaced:
            continue  # a later version stands instead
        record = item["record"]
        total = sums[f"{record['election']}/{record['contest']}"]
        total["stations_accepted"] += 1
        for name in PROTOCOL_LINES:
            total["lines"][name] += record["lines"][name] or 0
        for vote in record["votes"]:
            total["votes"][str(vote["position"])] += vote["votes"]
    problems = []
    for contest in sorted(set(totals) | set(sums)):
        stored, summed = totals.get(contest), sums[contest]  # no records: all zero
        if stored is None:
            problems.append(f"totals.json {contest}: published records but no totals")
            continue
        if stored["stations_accepted"] != summed["stations_accepted"]:
            problems.append(
                f"totals.json {contest}: {stored['stations_accepted']} stations, "
                f"{summed['stations_accepted']} standing records"
            )
        for kind in ("lines", "votes"):
            for key in sorted(set(stored[kind]) | set(summed[kind])):
                have, want = stored[kind].get(key) or 0, summed[kind].get(key, 0)
                if have != want:
                    problems.append(f"totals.json {contest}: {kind} {key} is {have}, sum {want}")
    return problems
