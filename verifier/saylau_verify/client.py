"""Reading Saylau's log from its site (urllib) or from an election archive, and checking it.

The checks, each usable alone:
- `verify_station`: the latest checkpoint's signature, then each of a station's records, its
  leaf hash and its O(log n) inclusion proof in that checkpoint: a few kilobytes.
- `verify_all`: every checkpoint's signature; every record (hash, chain link, sequence), the
  Merkle tree rebuilt from them and each checkpoint's root compared with it; the site's
  consistency proof between each two checkpoints in turn; checkpoints the reader kept from
  before against today's tree; every contest's totals recomputed from the standing records
  (and, in an archive, compared with its totals.json).
- `verify_between`: the consistency proof between two checkpoints.
- `witness_step`: a witness's round: the newest checkpoint checked against the last one it
  cosigned, cosigned, the cosignature posted, the state kept.

A site's HTTP contract is under /api/v1/log/ (see README); an archive holds
`log/checkpoints/<size>.note` and `log/records.jsonl` (or the archive's `chain.jsonl`).
"""

import base64
import gzip
import hashlib
import io
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saylau_verify import merkle, note
from saylau_verify.note import Checkpoint, NoteError, Verifier

USER_AGENT = "saylau-verify/0.1"
GENESIS = "0" * 64  # the previous_sha256 of the first record
RETRIES = 5  # answers of 429 (throttled) waited out, per request


class VerificationError(Exception):
    """A check that could not be made, or a refusal (a witness's), with its reason."""


class SourceError(VerificationError):
    """The site or archive could not be read as the log's format says."""


def _b64hash(text: Any, what: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (TypeError, ValueError):
        raise SourceError(f"{what} is not base64") from None
    if len(raw) != merkle.HASH_SIZE:
        raise SourceError(f"{what} is not a 32-byte hash")
    return raw


class _Counted(io.RawIOBase):
    """A response read through, its bytes counted on the site as they come."""

    def __init__(self, response, site: "Site"):
        self.response, self.site = response, site

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.response.readinto(buffer)
        self.site.bytes_read += count
        return count


class Site:
    """A Saylau site's log, read over HTTP; counts every byte it reads."""

    def __init__(self, url: str, timeout: float = 30):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SourceError(f"{url} is not an http(s) URL")
        self.base = url.rstrip("/")
        self.timeout = timeout
        self.bytes_read = 0  # response bodies
        self.header_bytes = 0  # status lines and headers
        self.requests = 0

    def __str__(self) -> str:
        return self.base

    def _open(self, path: str, data: bytes | None = None):
        # Compressed answers where the site gives them: a record is half its size in gzip.
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"}
        if data is not None:
            headers["Content-Type"] = "text/plain; charset=utf-8"
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        for attempt in range(RETRIES + 1):
            self.requests += 1
            try:
                response = urllib.request.urlopen(request, timeout=self.timeout)
            except urllib.error.HTTPError as error:
                raw = error.read()
                self._count(error, raw)
                body = self._decoded(error, raw)
                if error.code == 429 and attempt < RETRIES:
                    wait = error.headers.get("Retry-After", "1")
                    time.sleep(min(float(wait) if wait.isdigit() else 1.0, 60.0))
                    continue
                return error, body
            except (urllib.error.URLError, OSError) as error:
                raise SourceError(f"{self.base}{path}: {error}") from None
            return response, None
        raise AssertionError("unreachable")

    def _count(self, response, body: bytes) -> None:
        """The bytes as they came over the wire (compressed, if they were)."""
        self.bytes_read += len(body)
        self.header_bytes += len(bytes(response.headers)) + len(f"HTTP/1.1 {response.status}\r\n")

    @staticmethod
    def _gzipped(response) -> bool:
        return response.headers.get("Content-Encoding", "").strip().lower() == "gzip"

    def _decoded(self, response, raw: bytes) -> bytes:
        if not self._gzipped(response):
            return raw
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError):
            raise SourceError(f"{response.url}: not the gzip it says it is") from None

    def get(self, path: str) -> bytes:
        response, body = self._open(path)
        if body is not None:
            reason = body.decode(errors="replace").strip()[:300]
            raise SourceError(f"GET {path}: HTTP {response.code}: {reason}")
        with response:
            raw = response.read()
        self._count(response, raw)
        return self._decoded(response, raw)

    def text(self, path: str) -> str:
        try:
            return self.get(path).decode()
        except UnicodeDecodeError:
            raise SourceError(f"GET {path}: not UTF-8") from None

    def json(self, path: str) -> Any:
        try:
            return json.loads(self.get(path))
        except ValueError:
            raise SourceError(f"GET {path}: not JSON") from None

    def post(self, path: str, text: str) -> tuple[int, str]:
        response, body = self._open(path, text.encode())
        if body is None:
            with response:
                raw = response.read()
            self._count(response, raw)
            body = self._decoded(response, raw)
        return response.status, body.decode(errors="replace")

    # The log's contract.
    def key(self) -> str:
        return self.text("/api/v1/log/key").strip()

    def checkpoint_note(self, size: int | None = None) -> str:
        if size is None:
            return self.text("/api/v1/log/checkpoint")
        return self.text(f"/api/v1/log/checkpoints/{size}")

    def checkpoint_list(self) -> list[dict]:
        items = self.json("/api/v1/log/checkpoints.json")
        if not isinstance(items, list) or not all(
            isinstance(i, dict) and isinstance(i.get("size"), int) for i in items
        ):
            raise SourceError("checkpoints.json is not a list of {size, root, time, url}")
        return items

    def records(self) -> Iterator[dict]:
        path = "/api/v1/log/records.jsonl?start=0"
        response, body = self._open(path)
        if body is not None:
            raise SourceError(f"GET {path}: HTTP {response.code}")
        with response:
            self._count(response, b"")
            counted = io.BufferedReader(_Counted(response, self))
            lines = gzip.GzipFile(fileobj=counted) if self._gzipped(response) else counted
            try:
                for line in lines:
                    if line.strip():
                        yield _json_line(line, "records.jsonl")
            except (OSError, EOFError):
                raise SourceError(f"GET {path}: not the gzip it says it is") from None

    def consistency(self, old: int, new: int) -> list[bytes]:
        answer = self.json(f"/api/v1/log/proof/consistency/{old}/{new}")
        where = f"the consistency proof from {old} to {new}"
        if not isinstance(answer, dict) or not isinstance(answer.get("proof"), list):
            raise SourceError(f"{where} is not {{old, new, proof}}")
        return [_b64hash(p, f"{where}: a hash") for p in answer["proof"]]

    def station_proofs(self, code: str, size: int) -> tuple[str, list[dict], list[bytes]]:
        """The station's code as the site writes it, its leaves (each with its record and the
        positions of its audit path's hashes, if in the tree of ``size``), and those hashes."""
        answer = self.json(f"/api/v1/log/stations/{urllib.parse.quote(code)}/proofs/{size}")
        if (
            not isinstance(answer, dict)
            or not isinstance(answer.get("leaves"), list)
            or not isinstance(answer.get("hashes"), list)
        ):
            raise SourceError(f"station {code}: not {{station, size, hashes, leaves}}")
        hashes = [_b64hash(h, f"station {code}: a proof's hash") for h in answer["hashes"]]
        return str(answer.get("station", code)), answer["leaves"], hashes


def _json_line(line: bytes | str, where: str) -> dict:
    try:
        item = json.loads(line)
    except ValueError:
        raise SourceError(f"{where}: a line is not JSON") from None
    if not isinstance(item, dict) or not isinstance(item.get("record"), dict):
        raise SourceError(f"{where}: a line is not {{sequence, sha256, record}}")
    return item


class Archive:
    """An election archive (manage.py export_archive): the log's files inside the zip."""

    def __init__(self, path: str | Path):
        try:
            self.zip = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as error:
            raise SourceError(f"{path}: not a readable archive ({error})") from None
        self.path = path
        self.names = set(self.zip.namelist())
        self.bytes_read = self.header_bytes = self.requests = 0

    def __str__(self) -> str:
        return str(self.path)

    def read(self, name: str) -> bytes:
        data = self.zip.read(name)
        self.bytes_read += len(data)
        return data

    def key(self) -> str | None:
        for name in ("log/key", "log/key.txt"):
            if name in self.names:
                return self.read(name).decode().strip()
        return None

    def keys(self) -> list[str]:
        """Every key that signed a checkpoint (`log/keys.txt`), else the log's key now."""
        if "log/keys.txt" in self.names:
            return self.read("log/keys.txt").decode().split()
        key = self.key()
        return [key] if key else []

    def witness_keys(self) -> list[str]:
        """The registered witnesses' keys (`log/witnesses.json`)."""
        if "log/witnesses.json" not in self.names:
            return []
        try:
            return [w["verifier_key"] for w in json.loads(self.read("log/witnesses.json"))]
        except (ValueError, TypeError, KeyError):
            raise SourceError("log/witnesses.json is not a list of {name, verifier_key}") from None

    def checkpoint_notes(self) -> dict[int, str]:
        notes = {}
        for name in self.names:
            stem = name.removeprefix("log/checkpoints/").removesuffix(".note")
            if name.startswith("log/checkpoints/") and name.endswith(".note") and stem.isdigit():
                notes[int(stem)] = self.read(name).decode()
        return dict(sorted(notes.items()))

    def records(self) -> Iterator[dict]:
        name = "log/records.jsonl" if "log/records.jsonl" in self.names else "chain.jsonl"
        if name not in self.names:
            raise SourceError(f"{self.path}: no log/records.jsonl nor chain.jsonl")
        with self.zip.open(name) as member:
            for line in member:
                self.bytes_read += len(line)
                if line.strip():
                    yield _json_line(line, name)

    def totals(self) -> dict | None:
        if "totals.json" not in self.names:
            return None
        return json.loads(self.read("totals.json"))


def open_source(source: str) -> Site | Archive:
    """A site for an http(s) URL, an archive for anything else (a path to a zip)."""
    if source.startswith(("http://", "https://")):
        return Site(source)
    return Archive(source)


@dataclass
class Report:
    """What was checked (`checked`, in order) and what is wrong (`problems`)."""

    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    checkpoint: Checkpoint | None = None
    witnesses: list[str] = field(default_factory=list)
    totals: dict[str, dict[str, Any]] | None = None
    standing: list[dict] = field(default_factory=list)  # a station's standing records
    bytes_read: int = 0
    header_bytes: int = 0
    requests: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def read_from(self, source: Site | Archive) -> "Report":
        self.bytes_read, self.header_bytes = source.bytes_read, source.header_bytes
        self.requests = source.requests
        return self


def log_keys(
    source: Site | Archive, pinned: Sequence[str], report: Report, *, compare: bool = True
) -> list[Verifier]:
    """The log's keys: the ones given (the source's own must be among them, unless not
    `compare`), or else the source's, trusted on first use and said so."""
    try:
        published = source.key() if compare or not pinned else None
    except SourceError as error:
        if not pinned:
            raise
        published = None
        report.checked.append(f"the source does not publish its key ({error})")
    try:
        keys = [note.parse_verifier_key(k) for k in pinned]
    except NoteError as error:
        raise VerificationError(f"--key: {error}") from None
    if not keys:
        if published is None:
            raise VerificationError("the source publishes no key: give the log's key (--key)")
        published_keys = source.keys() if isinstance(source, Archive) else [published]
        keys = [note.parse_verifier_key(k) for k in published_keys]
        report.checked.append(
            f"the log's key{'s' if len(keys) > 1 else ''} {', '.join(published_keys)} as the "
            "source publishes it: pin it with --key to check that the source is the log you mean"
        )
    elif published is not None:
        if published in {k.vkey() for k in keys}:
            report.checked.append(f"the source's key is the one given: {published}")
        else:
            report.problems.append(f"the source publishes the key {published}, not one given")
    return keys


def open_checkpoint(
    text: str, keys: Sequence[Verifier], witnesses: Sequence[Verifier]
) -> tuple[Checkpoint, list[str]]:
    """A checkpoint note signed by one of the log's keys (e.g. before and after a rotation)."""
    failure: NoteError | None = None
    for key in keys:
        try:
            return note.open_checkpoint(text, key, witnesses)
        except NoteError as error:
            failure = failure or error
    raise failure or NoteError("no log key given")


def _witnesses(vkeys: Iterable[str]) -> list[Verifier]:
    try:
        witnesses = [note.parse_verifier_key(k) for k in vkeys]
    except NoteError as error:
        raise VerificationError(f"--witness: {error}") from None
    for witness in witnesses:
        if witness.kind != note.COSIGNATURE_V1:
            raise VerificationError(f"--witness {witness.name}: not a cosignature/v1 key")
    return witnesses


def _record_problems(item: dict, expected: int, previous: str) -> list[str]:
    """A record's own checks: its place, its hash, its link to the record before it."""
    record, where = item["record"], f"record {expected}"
    problems = []
    if item.get("sequence", expected) != expected or record.get("sequence") != expected:
        problems.append(f"{where}: out of place (sequence {record.get('sequence')})")
    if "index" in item and item["index"] != expected - 1:
        problems.append(f"{where}: its index is {item['index']}, not {expected - 1}")
    if hashlib.sha256(merkle.canonical_json(record)).hexdigest() != item.get("sha256"):
        problems.append(f"{where}: does not match its sha256")
    if record.get("previous_sha256") != previous:
        problems.append(f"{where}: does not follow the record before it")
    return problems


def station_of(record: dict) -> str:
    return f"{record.get('region')}-{record.get('station')}"


def contest_of(record: dict) -> str:
    return f"{record.get('election')}/{record.get('contest')}"


def contest_totals(records: Iterable[dict]) -> tuple[dict[str, dict[str, Any]], int]:
    """Every contest's totals from the standing records (the latest version of each station's
    record in each contest, in log order), as an archive's totals.json has them: stations,
    each protocol line summed, each ballot position's votes summed. And how many stand."""
    standing: dict[tuple[str, str], dict] = {}
    for record in records:
        standing[(contest_of(record), station_of(record))] = record
    totals: dict[str, dict[str, Any]] = {}
    for (contest, _station), record in sorted(standing.items()):
        total = totals.setdefault(
            contest, {"stations_accepted": 0, "lines": defaultdict(int), "votes": defaultdict(int)}
        )
        total["stations_accepted"] += 1
        for name, value in (record.get("lines") or {}).items():
            total["lines"][name] += value or 0
        for vote in record.get("votes") or []:
            total["votes"][str(vote["position"])] += vote["votes"]
    for total in totals.values():
        total["lines"], total["votes"] = dict(total["lines"]), dict(total["votes"])
    return totals, len(standing)


def _totals_problems(stored: dict, summed: dict) -> list[str]:
    problems = []
    for contest in sorted(set(stored) | set(summed)):
        have, want = stored.get(contest), summed.get(contest)
        if have is None or want is None:
            problems.append(f"totals.json {contest}: totals without records, or records without")
            continue
        if have.get("stations_accepted") != want["stations_accepted"]:
            problems.append(
                f"totals.json {contest}: {have.get('stations_accepted')} stations, "
                f"{want['stations_accepted']} standing records"
            )
        for kind in ("lines", "votes"):
            theirs = have.get(kind) or {}
            for key in sorted(set(theirs) | set(want[kind])):
                if (theirs.get(key) or 0) != want[kind].get(key, 0):
                    problems.append(
                        f"totals.json {contest}: {kind} {key} is {theirs.get(key)}, "
                        f"the standing records sum to {want[kind].get(key, 0)}"
                    )
    return problems


class _Prefixes:
    """The Merkle tree's root after each leaf appended, from its complete subtrees."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, bytes]] = []
        self.size = 0

    def append(self, leaf: bytes) -> None:
        size, value = 1, leaf
        while self.stack and self.stack[-1][0] == size:
            size, value = 2 * size, merkle.node_hash(self.stack.pop()[1], value)
        self.stack.append((size, value))
        self.size += 1

    def root(self) -> bytes:
        if not self.stack:
            return merkle.EMPTY_ROOT
        value = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            value = merkle.node_hash(left, value)
        return value


def _checkpoints(
    source: Site | Archive, keys: list[Verifier], witnesses: list[Verifier], report: Report
) -> dict[int, Checkpoint]:
    """Every checkpoint the source has, each note's signature checked."""
    if isinstance(source, Archive):
        notes = source.checkpoint_notes()
        listed: dict[int, dict] = {}
    else:
        listed = {item["size"]: item for item in source.checkpoint_list()}
        notes = {size: source.checkpoint_note(size) for size in sorted(listed)}
    checkpoints, cosigned = {}, 0
    for size, text in notes.items():
        try:
            checkpoint, names = open_checkpoint(text, keys, witnesses)
        except NoteError as error:
            report.problems.append(f"checkpoint {size}: {error}")
            continue
        if checkpoint.size != size:
            report.problems.append(f"checkpoint {size}: its note says {checkpoint.size} records")
            continue
        item = listed.get(size)
        if item is not None and item.get("root") != base64.b64encode(checkpoint.root).decode():
            report.problems.append(f"checkpoint {size}: checkpoints.json lists another root")
        checkpoints[size] = checkpoint
        cosigned += bool(names)
    report.checked.append(
        f"{len(checkpoints)} checkpoints signed by the log"
        + (f", {cosigned} of them cosigned by a witness given" if witnesses else "")
    )
    return checkpoints


def verify_all(
    source: Site | Archive,
    *,
    keys: Sequence[str] = (),
    witnesses: Sequence[str] = (),
    kept: Sequence[str] = (),
) -> Report:
    """Everything: checkpoints, records, the tree, proofs, kept checkpoints, totals.

    `kept` are checkpoint notes the reader saved earlier: each must be a prefix of today's log.
    """
    report = Report()
    try:
        log = log_keys(source, keys, report)
        if not witnesses and isinstance(source, Archive) and source.witness_keys():
            witnesses = source.witness_keys()
            report.checked.append(f"{len(witnesses)} witnesses' keys as the archive lists them")
        known = _witnesses(witnesses)
        checkpoints = _checkpoints(source, log, known, report)
        mine = _kept(log, kept, report)
        roots = _check_records(source, checkpoints, {c.size for c in mine}, report)
        if isinstance(source, Site):
            _check_consistency(source, sorted(checkpoints.values(), key=lambda c: c.size), report)
        _check_kept(source, mine, roots, report)
    except VerificationError as error:
        report.problems.append(str(error))
    return report.read_from(source)


def _check_records(
    source: Site | Archive, checkpoints: dict[int, Checkpoint], sizes: set[int], report: Report
) -> dict[int, bytes]:
    """Every record checked and its leaf appended; returns the tree's root at `sizes`."""
    prefixes, previous, records = _Prefixes(), GENESIS, []
    seen: dict[str, tuple[str, str]] = {}  # sha256 -> (contest, station)
    roots = {0: merkle.EMPTY_ROOT} if 0 in sizes else {}
    matched = 0
    if 0 in checkpoints and checkpoints[0].root != merkle.EMPTY_ROOT:
        report.problems.append("checkpoint 0: its root is not the empty tree's")
    for expected, item in enumerate(source.records(), 1):
        record = item["record"]
        report.problems += _record_problems(item, expected, previous)
        replaces = record.get("replaces_sha256")
        if replaces and seen.get(replaces) != (contest_of(record), station_of(record)):
            report.problems.append(
                f"record {expected}: replaces a record that is not an earlier one of its "
                "station and contest"
            )
        previous = item.get("sha256", "")
        seen[previous] = (contest_of(record), station_of(record))
        records.append(record)
        prefixes.append(merkle.leaf_hash(merkle.canonical_json(record)))
        if prefixes.size in sizes:
            roots[prefixes.size] = prefixes.root()
        checkpoint = checkpoints.get(prefixes.size)
        if checkpoint is not None:
            if checkpoint.root == prefixes.root():
                matched += 1
            else:
                report.problems.append(
                    f"checkpoint {checkpoint.size}: its root is not the tree of the first "
                    f"{checkpoint.size} records (the log was rewritten since it was signed)"
                )
    for size in sorted(s for s in checkpoints if s > prefixes.size):
        report.problems.append(f"checkpoint {size}: the log has only {prefixes.size} records")
    report.checked.append(
        f"{prefixes.size} records: each matches its sha256 and follows the one before it"
    )
    report.checked.append(
        f"the Merkle tree rebuilt from them: {matched} of {len(checkpoints)} checkpoints' "
        "roots match it"
    )
    if checkpoints:
        latest = checkpoints[max(checkpoints)]
        report.checkpoint = latest
        after = prefixes.size - latest.size
        if after > 0:
            report.checked.append(f"{after} records published after the latest checkpoint")
    try:
        report.totals, standing = contest_totals(records)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        report.problems.append(f"the records' numbers are not in the record format ({error!r})")
        return roots
    report.checked.append(
        f"{len(report.totals)} contests' totals recomputed from {standing} standing records"
    )
    stored = source.totals() if isinstance(source, Archive) else None
    if stored is not None:
        problems = _totals_problems(stored, report.totals)
        report.problems += problems
        if not problems:
            report.checked.append("the archive's totals.json equals the recomputed totals")
    return roots


def _check_consistency(site: Site, checkpoints: list[Checkpoint], report: Report) -> None:
    """The site's consistency proof between each checkpoint and the next."""
    proved = 0
    for old, new in zip(checkpoints, checkpoints[1:], strict=False):
        if old.size == 0:
            continue
        proof = site.consistency(old.size, new.size)
        if merkle.verify_consistency(old.size, new.size, old.root, new.root, proof):
            proved += 1
        else:
            report.problems.append(
                f"the site's consistency proof from {old.size} to {new.size} does not verify"
            )
    if len(checkpoints) > 1:
        report.checked.append(f"{proved} consistency proofs between successive checkpoints")


def _kept(log: list[Verifier], kept: Sequence[str], report: Report) -> list[Checkpoint]:
    """The checkpoints the reader kept from before, each checked as signed by the log."""
    mine = []
    for text in kept:
        try:
            mine.append(open_checkpoint(text, log, [])[0])
        except NoteError as error:
            report.problems.append(f"your checkpoint: {error}")
    return mine


def _check_kept(
    source: Site | Archive, mine: list[Checkpoint], roots: dict[int, bytes], report: Report
) -> None:
    """Each kept checkpoint against the tree rebuilt from today's records (and, on a site,
    the site's own consistency proof to its latest checkpoint)."""
    latest = report.checkpoint
    for checkpoint in mine:
        where = f"your checkpoint of {checkpoint.size} records"
        if checkpoint.size not in roots:
            report.problems.append(f"{where}: the log has fewer records today")
            continue
        if roots[checkpoint.size] != checkpoint.root:
            report.problems.append(
                f"{where}: its root is not the tree of today's first {checkpoint.size} records: "
                "the log was rewritten since"
            )
            continue
        if isinstance(source, Site) and latest is not None and 0 < checkpoint.size <= latest.size:
            proof = source.consistency(checkpoint.size, latest.size)
            if not merkle.verify_consistency(
                checkpoint.size, latest.size, checkpoint.root, latest.root, proof
            ):
                report.problems.append(
                    f"{where}: the site's consistency proof to {latest.size} does not verify"
                )
                continue
        report.checked.append(f"{where} is a prefix of today's log")


def verify_station(
    site: Site,
    station: str,
    *,
    keys: Sequence[str] = (),
    witnesses: Sequence[str] = (),
    kept: Sequence[str] = (),
) -> Report:
    """One station: the latest checkpoint, then its records and their inclusion proofs (in one
    answer, the paths' shared hashes listed once), each correction's link to the version it
    replaces; and each checkpoint kept from before (`kept`, notes) against the latest by the
    site's consistency proof (O(log n) hashes)."""
    report = Report()
    try:
        # With the key given, the site's own is not read: the checkpoint's signature is the check.
        log = log_keys(site, keys, report, compare=False)
        known = _witnesses(witnesses)
        checkpoint, names = open_checkpoint(site.checkpoint_note(), log, known)
        report.checkpoint, report.witnesses = checkpoint, names
        report.checked.append(
            f"the latest checkpoint, {checkpoint.size} records, is signed by the log"
            + (f" and cosigned by {', '.join(names)}" if names else "")
        )
        for mine in _kept(log, kept, report):
            _kept_against_latest(site, mine, checkpoint, report)
        station, leaves, hashes = site.station_proofs(station, checkpoint.size)
        standing: dict[str, dict] = {}
        seen: dict[str, str] = {}  # sha256 -> contest, of the station's records checked
        failed: set[str] = set()  # contests with a record that failed (named once, above)
        order = sorted(leaves, key=lambda leaf: _index_of(leaf))
        for leaf in order:
            record = _check_leaf(station, leaf, hashes, checkpoint, report)
            if record is None:
                failed.add(str(leaf.get("contest")) if isinstance(leaf, dict) else "")
                continue
            replaces, contest = record.get("replaces_sha256"), contest_of(record)
            if replaces and seen.get(replaces) != contest and record["contest"] not in failed:
                report.problems.append(
                    f"{station} leaf {leaf['index']}: replaces a record that is not among the "
                    "station's earlier records in this contest"
                )
            seen[leaf["sha256"]] = contest
            standing[contest] = record
        report.standing = list(standing.values())
        report.checked.append(
            f"{station}: {len(leaves)} records, each in the log at its index "
            f"({len(report.standing)} standing)"
        )
    except (NoteError, VerificationError) as error:
        report.problems.append(str(error))
    return report.read_from(site)


def _index_of(leaf: Any) -> int:
    index = leaf.get("index") if isinstance(leaf, dict) else None
    return index if isinstance(index, int) else -1


def _kept_against_latest(site: Site, mine: Checkpoint, latest: Checkpoint, report: Report) -> None:
    where = f"your checkpoint of {mine.size} records"
    if mine.size > latest.size:
        report.problems.append(f"{where}: the latest checkpoint has fewer: the log was rolled back")
        return
    proof = site.consistency(mine.size, latest.size) if 0 < mine.size < latest.size else []
    if merkle.verify_consistency(mine.size, latest.size, mine.root, latest.root, proof):
        report.checked.append(f"{where} is a prefix of the latest checkpoint")
    else:
        report.problems.append(
            f"{where} is not consistent with the latest checkpoint of {latest.size}: the log "
            "was rewritten"
        )


def _check_leaf(
    station: str, leaf: dict, hashes: list[bytes], checkpoint: Checkpoint, report: Report
) -> dict | None:
    index = leaf.get("index") if isinstance(leaf, dict) else None
    if not isinstance(index, int) or index < 0:
        report.problems.append(f"{station}: a leaf without an index ({leaf})")
        return None
    where = f"{station} leaf {index}"
    if index >= checkpoint.size:
        report.checked.append(f"{where}: published after the latest checkpoint, not yet signed")
        return None
    record = leaf.get("record")
    if not isinstance(record, dict):
        report.problems.append(f"{where}: the site's record is not a record")
        return None
    entry = merkle.canonical_json(record)
    if hashlib.sha256(entry).hexdigest() != leaf.get("sha256") or station_of(record) != station:
        report.problems.append(f"{where}: the record is not the station's leaf")
        return None
    proof = merkle.unpooled(hashes, leaf.get("proof"))
    ours = merkle.leaf_hash(entry)
    if proof is None or not merkle.verify_inclusion(
        index, checkpoint.size, ours, proof, checkpoint.root
    ):
        report.problems.append(
            f"{where}: its inclusion proof in the checkpoint of {checkpoint.size} does not verify"
        )
        return None
    return record


def verify_between(
    site: Site, old: int, new: int, *, keys: Sequence[str] = (), witnesses: Sequence[str] = ()
) -> Report:
    """The consistency of two signed checkpoints (by their sizes)."""
    report = Report()
    try:
        log = log_keys(site, keys, report)
        known = _witnesses(witnesses)
        first, _ = open_checkpoint(site.checkpoint_note(old), log, known)
        second, _ = open_checkpoint(site.checkpoint_note(new), log, known)
        proof = site.consistency(first.size, second.size) if first.size <= second.size else []
        if merkle.verify_consistency(first.size, second.size, first.root, second.root, proof):
            report.checked.append(f"the checkpoint of {old} records is a prefix of that of {new}")
        else:
            report.problems.append(f"the checkpoints of {old} and {new} records are not consistent")
        report.checkpoint = second
    except (NoteError, VerificationError) as error:
        report.problems.append(str(error))
    return report.read_from(site)


# The witness.


class WitnessRefusal(VerificationError):
    """The witness will not cosign: the reason says why."""


@dataclass(frozen=True)
class WitnessResult:
    checkpoint: Checkpoint
    cosigned: bool  # False: nothing new since the checkpoint last cosigned
    message: str
    line: str = ""


STATE_KEY, STATE_CHECKPOINT = "log.vkey", "checkpoint"


def witness_step(
    url: str, key_file: str | Path, state_dir: str | Path, *, log_key: str | None = None
) -> WitnessResult:
    """One round of a witness: fetch the newest checkpoint, check the log's signature and its
    consistency with the last checkpoint cosigned (kept in `state_dir`), cosign it, post the
    cosignature, keep the new state. Raises WitnessRefusal, saying why, when it must not
    cosign (a rewritten or rolled-back log, another log's key, a bad signature).

    `key_file` holds the witness's signer key (cosignature/v1). The log's key is `log_key`,
    or the one pinned in the state, or (the first time) the site's, then pinned.
    """
    try:
        name, kind, private = note.parse_signer_key(Path(key_file).read_text())
    except (OSError, NoteError) as error:
        raise VerificationError(f"the witness key {key_file}: {error}") from None
    if kind != note.COSIGNATURE_V1:
        raise VerificationError(f"the witness key {key_file} is not a cosignature/v1 key")
    state = Path(state_dir)
    state.mkdir(parents=True, exist_ok=True)
    site = Site(url)
    pinned_file = state / STATE_KEY
    pinned = pinned_file.read_text().strip() if pinned_file.exists() else None
    vkey = log_key or site.key()
    if pinned and vkey != pinned:
        raise WitnessRefusal(
            f"the log's key is now {vkey}, not the one this witness pinned ({pinned}): a new "
            f"key is for the witness's operator to pin (replace {pinned_file})"
        )
    try:
        log = note.parse_verifier_key(vkey)
        checkpoint, _ = note.open_checkpoint(site.checkpoint_note(), log)
    except NoteError as error:
        raise WitnessRefusal(f"the newest checkpoint: {error}") from None
    last_file = state / STATE_CHECKPOINT
    if last_file.exists():
        last = Checkpoint.parse(last_file.read_text())
        _witness_consistency(site, last, checkpoint)
        if last.size == checkpoint.size:
            return WitnessResult(checkpoint, False, f"already cosigned {checkpoint.size} records")
        reason = f"consistent with the {last.size} records cosigned before"
    else:
        reason = "the first checkpoint this witness sees"
    line = note.cosign(checkpoint.body(), name, private, int(time.time()))
    status, answer = site.post(f"/api/v1/log/checkpoints/{checkpoint.size}/cosignatures", line)
    if status != 201:
        raise VerificationError(f"the log refused the cosignature (HTTP {status}): {answer}")
    if not pinned:
        _write(pinned_file, vkey + "\n")
    _write(last_file, checkpoint.body())
    return WitnessResult(checkpoint, True, f"cosigned {checkpoint.size} records: {reason}", line)


def _witness_consistency(site: Site, last: Checkpoint, new: Checkpoint) -> None:
    if new.origin != last.origin:
        raise WitnessRefusal(
            f"the checkpoint is of {new.origin}, this witness follows {last.origin}"
        )
    if new.size < last.size:
        raise WitnessRefusal(
            f"the log has {new.size} records, fewer than the {last.size} this witness cosigned: "
            "it was rolled back"
        )
    if new.size == last.size:
        if new.root != last.root:
            raise WitnessRefusal(
                f"the checkpoint of {new.size} records has another root than the one this "
                "witness cosigned: the log was rewritten"
            )
        return
    proof = site.consistency(last.size, new.size) if last.size else []
    if not merkle.verify_consistency(last.size, new.size, last.root, new.root, proof):
        raise WitnessRefusal(
            f"the checkpoint of {new.size} records is not consistent with the {last.size} this "
            "witness cosigned: the log was rewritten"
        )


def _write(path: Path, text: str) -> None:
    """Replace a state file whole or not at all."""
    temporary = path.with_name(path.name + ".new")
    temporary.write_text(text)
    os.replace(temporary, path)
