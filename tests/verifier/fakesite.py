"""A log as Saylau's site serves it, built with saylau_verify's own merkle and note code, behind a
real HTTP server (http.server in a thread) that speaks the /api/v1/log/ contract.

The records have the published record's shape (elections/services/publication.py `_record`),
chained by their SHA-256 as the site chains them.
"""

import base64
import gzip
import hashlib
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from saylau_verify import merkle, note

ORIGIN = "saylau.example/kz2023"
GENESIS = "0" * 64
LINES = ("l1_voters", "l2_received", "l3_issued", "l3a_mobile", "l3b_absentee",
         "l4_cancelled", "l5_found", "l6_invalid", "l7_valid")  # fmt: skip
PARTIES = ("«AMANAT» партиясы", "«Ақ жол» демократиялық партиясы", "«Respublica» партиясы",
           "Қазақстан Халық партиясы", "«Ауыл» партиясы", "ЖСДП", "Против всех")  # fmt: skip
CONTESTS = ("mazhilis-party-list", "mazhilis-smd-5")
START = datetime(2023, 3, 19, 20, 0, tzinfo=UTC)


def record_hash(record: dict) -> str:
    return hashlib.sha256(merkle.canonical_json(record)).hexdigest()


def votes_of(seed: int) -> list[dict]:
    return [
        {"position": i + 1, "name": name, "votes": (seed * (i + 3)) % 97 + i}
        for i, name in enumerate(PARTIES)
    ]


def a_record(
    sequence: int, station: tuple[str, int], contest: str, version: int, seed: int
) -> dict:
    votes = votes_of(seed)
    valid = sum(v["votes"] for v in votes)
    lines = dict.fromkeys(LINES, 0) | {
        "l1_voters": 1500 + seed % 300, "l2_received": 1500, "l3_issued": valid + 7,
        "l5_found": valid + 7, "l6_invalid": 7, "l7_valid": valid,
    }  # fmt: skip
    moment = (START + timedelta(seconds=sequence)).isoformat()
    return {
        "sequence": sequence, "previous_sha256": None, "election": "kz2023-mazhilis",
        "contest": contest, "region": station[0], "station": station[1], "version": version,
        "replaces_sha256": None, "reason": "Қате түзетілді" if version > 1 else "",
        "legal_basis": "", "lines": lines, "votes": votes, "scan_sha256": None,
        "accepted_at": moment, "published_at": moment,
    }  # fmt: skip


@dataclass
class Log:
    """Records, leaves, signed checkpoints and cosignatures, as the site keeps them."""

    key: Ed25519PrivateKey = field(default_factory=note.generate_key)
    witnesses: dict[str, str] = field(default_factory=dict)  # name -> cosignature vkey
    records: list[dict] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    checkpoints: dict[int, str] = field(default_factory=dict)  # size -> note (log's signature)
    cosignatures: dict[int, list[str]] = field(default_factory=dict)
    served_size: int | None = None  # serve this checkpoint as the latest (a rollback)
    served: dict[int, dict] = field(default_factory=dict)  # records changed after signing
    gzip: bool = False  # answer in gzip whoever asks for it

    @property
    def vkey(self) -> str:
        return note.verifier_key(ORIGIN, self.key)

    def leaves(self) -> list[bytes]:
        return [merkle.leaf_hash(merkle.canonical_json(r)) for r in self.records]

    def publish(self, count: int) -> None:
        """`count` more records: stations AST-1, ALA-1, SHY-1, AST-2, … each reporting both
        contests, and every seventh record the next version of an earlier one (AST-1 first)."""
        for _ in range(count):
            n = len(self.records)
            if n % 7 == 6:
                target = self.records[(n // 7) * 2 % n]
                key = (target["contest"], target["region"], target["station"])
                index = max(i for i, r in enumerate(self.records) if self._key(r) == key)
                latest = self.records[index]
                record = a_record(n + 1, key[1:], key[0], latest["version"] + 1, n)
                record["replaces_sha256"] = self.hashes[index]
            else:
                firsts = n - n // 7
                slot = firsts // 2
                station = (("AST", "ALA", "SHY")[slot % 3], slot // 3 + 1)
                record = a_record(n + 1, station, CONTESTS[firsts % 2], 1, n)
            self.append(record)

    @staticmethod
    def _key(record: dict) -> tuple:
        return (record["contest"], record["region"], record["station"])

    def append(self, record: dict) -> None:
        record["previous_sha256"] = self.hashes[-1] if self.hashes else GENESIS
        record["sequence"] = len(self.records) + 1
        self.records.append(record)
        self.hashes.append(record_hash(record))

    def sign(self) -> note.Checkpoint:
        size = len(self.records)
        when = START + timedelta(minutes=size)
        checkpoint = note.Checkpoint(
            ORIGIN, size, merkle.root(self.leaves()), (note.time_extension(when),)
        )
        self.checkpoints[size] = note.sign_note(checkpoint.body(), ORIGIN, self.key)
        return checkpoint

    def rewrite_from(self, index: int, *, resign: bool) -> None:
        """Rebuild every record from `index` on with other votes, the chain clean again;
        `resign`: and sign every checkpoint again over the new tree, as the key's holder can."""
        old, self.records, self.hashes = self.records, self.records[:index], self.hashes[:index]
        replaced = dict(zip(self.hashes, self.hashes, strict=True))
        for record in old[index:]:
            record = json.loads(json.dumps(record))
            record["votes"][0]["votes"] += 5
            if record["replaces_sha256"]:
                record["replaces_sha256"] = replaced.get(record["replaces_sha256"])
                if record["replaces_sha256"] is None:  # it replaced a rewritten record
                    record["replaces_sha256"] = self._standing_hash(record)
            before = old[record["sequence"] - 1]
            self.append(record)
            replaced[record_hash(before)] = self.hashes[-1]
        if resign:
            sizes = sorted(self.checkpoints)
            self.checkpoints, self.cosignatures = {}, {}
            records = self.records
            for size in sizes:
                self.records = records[:size]
                self.sign()
            self.records = records

    def _standing_hash(self, record: dict) -> str:
        for earlier, sha in zip(reversed(self.records), reversed(self.hashes), strict=True):
            if self._key(earlier) == self._key(record):
                return sha
        raise AssertionError("a correction without its first version")

    def note(self, size: int) -> str:
        return self.checkpoints[size] + "".join(self.cosignatures.get(size, []))

    def item(self, index: int) -> dict:
        record = self.served.get(index, self.records[index])
        return {"index": index, "sequence": index + 1, "sha256": record_hash(record),
                "record": record}  # fmt: skip

    def archive(self) -> bytes:
        """An election archive's log files (and its totals.json), as export_archive writes."""
        from saylau_verify.client import contest_totals

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for size in self.checkpoints:
                archive.writestr(f"log/checkpoints/{size}.note", self.note(size))
            lines = (json.dumps(self.item(i), ensure_ascii=False, sort_keys=True) + "\n"
                     for i in range(len(self.records)))  # fmt: skip
            archive.writestr("log/records.jsonl", "".join(lines))
            totals, _ = contest_totals(self.records)
            archive.writestr("totals.json", json.dumps(totals, ensure_ascii=False))
            archive.writestr("log/key", self.vkey + "\n")
            archive.writestr("log/keys.txt", self.vkey + "\n")
            witnesses = [{"name": n, "organisation": "Observers", "verifier_key": k}
                         for n, k in self.witnesses.items()]  # fmt: skip
            archive.writestr("log/witnesses.json", json.dumps(witnesses))
        return buffer.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class Handler(BaseHTTPRequestHandler):
    log: Log  # set on the class made for each server

    def log_message(self, *args) -> None:  # quiet
        pass

    def send(self, status: int, body: str | bytes, kind: str = "application/json") -> None:
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        if self.log.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
            data = gzip.compress(data)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def json(self, value) -> None:
        self.send(200, json.dumps(value, ensure_ascii=False))

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        url = urlsplit(self.path)
        parts = url.path.removeprefix("/api/v1/log/").split("/")
        log = self.log
        size = len(log.records)
        try:
            match parts:
                case ["key"]:
                    self.send(200, log.vkey + "\n", "text/plain")
                case ["checkpoint"]:
                    latest = log.served_size or max(log.checkpoints)
                    self.send(200, log.note(latest), "text/plain")
                case ["checkpoints.json"]:
                    self.json([
                        {"size": s, "root": b64(note.Checkpoint.parse(
                            note.split_note(log.checkpoints[s])[0]).root),
                         "time": (START + timedelta(minutes=s)).isoformat(),
                         "url": f"/api/v1/log/checkpoints/{s}"}
                        for s in sorted(log.checkpoints)
                    ])  # fmt: skip
                case ["checkpoints", n]:
                    self.send(200, log.note(int(n)), "text/plain")
                case ["records", index]:
                    self.json(log.item(int(index)))
                case ["records.jsonl"]:
                    query = parse_qs(url.query)
                    start = int(query.get("start", ["0"])[0])
                    end = int(query.get("end", [str(size)])[0])
                    body = "".join(
                        json.dumps(log.item(i), ensure_ascii=False, sort_keys=True) + "\n"
                        for i in range(start, min(end, size))
                    )
                    self.send(200, body, "application/jsonl")
                case ["proof", "inclusion", index, n]:
                    index, n = int(index), int(n)
                    leaves = log.leaves()
                    proof = merkle.inclusion_proof(index, n, merkle.in_memory(leaves[:n]))
                    self.json({"index": index, "size": n, "leaf_hash": b64(leaves[index]),
                               "proof": [b64(p) for p in proof]})  # fmt: skip
                case ["proof", "consistency", old, new]:
                    old, new = int(old), int(new)
                    subtree = merkle.in_memory(log.leaves()[:new])
                    proof = merkle.consistency_proof(old, new, subtree)
                    self.json({"old": old, "new": new, "proof": [b64(p) for p in proof]})
                case ["stations", code, "proofs", n]:
                    n, subtree = int(n), merkle.in_memory(log.leaves()[: int(n)])
                    mine = [i for i, r in enumerate(log.records)
                            if f"{r['region']}-{r['station']}" == code]  # fmt: skip
                    signed = [i for i in mine if i < n]
                    hashes, paths = merkle.pooled(
                        [merkle.inclusion_proof(i, n, subtree) for i in signed]
                    )
                    proofs = dict(zip(signed, paths, strict=True))
                    leaves = []
                    for i in mine:
                        item, record = log.item(i), log.records[i]
                        leaf = {"index": i, "sequence": i + 1, "sha256": item["sha256"],
                                "contest": record["contest"],
                                "version": record["version"]}  # fmt: skip
                        if i in proofs:
                            leaf.update(record=item["record"], proof=proofs[i])
                        leaves.append(leaf)
                    self.json({"station": code, "size": n, "leaves": leaves,
                               "hashes": [b64(h) for h in hashes]})  # fmt: skip
                case ["stations", code]:
                    leaves = [
                        {
                            "index": i,
                            "contest": r["contest"],
                            "version": r["version"],
                            "sha256": log.item(i)["sha256"],
                        }  # fmt: skip
                        for i, r in enumerate(log.records)
                        if f"{r['region']}-{r['station']}" == code
                    ]
                    self.json({"station": code, "leaves": leaves})
                case _:
                    self.send(404, "not found\n", "text/plain")
        except (KeyError, IndexError, ValueError) as error:
            self.send(404, f"{error}\n", "text/plain")

    def do_POST(self) -> None:  # noqa: N802
        parts = urlsplit(self.path).path.removeprefix("/api/v1/log/").split("/")
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        match parts:
            case ["checkpoints", n, "cosignatures"] if int(n) in self.log.checkpoints:
                size = int(n)
                text = note.split_note(self.log.checkpoints[size])[0]
                try:
                    line = note.parse_signature_line(body)
                    vkey = self.log.witnesses.get(line.name)
                    if vkey is None:
                        raise note.NoteError(f"{line.name} is not a registered witness")
                    note.verify_cosignature(text, body, vkey)
                except note.NoteError as error:
                    self.send(400, f"line: {error}\n", "text/plain")
                    return
                lines = self.log.cosignatures.setdefault(size, [])
                if line.line() not in lines:
                    lines.append(line.line())
                self.send(201, line.line(), "text/plain")
            case _:
                self.send(400, "size: must be the size of a signed checkpoint\n", "text/plain")


@contextmanager
def serving(log: Log) -> Iterator[str]:
    """The log behind a real HTTP server on 127.0.0.1; yields its URL."""
    handler = type("LogHandler", (Handler,), {"log": log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
