"""The log's files in the election archive, and their check (elections.signals' archive hooks).

Under `log/`:
- `records.jsonl`: every leaf's record, `{"index", "sequence", "sha256", "record"}`, as the
  API's records.jsonl;
- `checkpoints/<size>.note`: every checkpoint as a signed note with its cosignatures;
- `key`: the log's verifier key now; `keys.txt`: every key that signed a checkpoint;
- `witnesses.json`: each registered witness, its organisation and verifier key.

The check is the standalone verifier's (`saylau_verify.client.verify_all` on the archive):
each checkpoint's signature under the log's keys, the tree rebuilt from the records and each
checkpoint's root compared with it, the cosignatures under the witnesses' keys; besides, the
manifest's hashes of these files, and the records against the archive's own chain.
"""

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from saylau_verify.client import Archive, VerificationError, verify_all

from elections.models import Publication
from transparency import keys
from transparency.api import record_item, signed_note
from transparency.models import Checkpoint, Witness
from transparency.services import log_bring_up_to_date

PREFIX = "log/"


def write_log_files(sender, archive: zipfile.ZipFile, **kwargs) -> dict[str, str]:
    """archive_writing's receiver: the log brought up to date, then its files written."""
    log_bring_up_to_date()
    hashes: dict[str, str] = {}

    def put(name: str, data: bytes) -> None:
        archive.writestr(PREFIX + name, data)
        hashes[PREFIX + name] = hashlib.sha256(data).hexdigest()

    with archive.open(PREFIX + "records.jsonl", "w") as member:
        digest = hashlib.sha256()
        rows = Publication.objects.order_by("sequence").values_list("sequence", "sha256", "record")
        for row in rows.iterator(chunk_size=2000):
            text = json.dumps(record_item(*row), ensure_ascii=False, sort_keys=True)
            line = (text + "\n").encode()
            digest.update(line)
            member.write(line)
        hashes[PREFIX + "records.jsonl"] = digest.hexdigest()
    for checkpoint in Checkpoint.objects.order_by("size").iterator():
        put(f"checkpoints/{checkpoint.size}.note", signed_note(checkpoint).encode())
    key = keys.published_key()
    if key is not None:
        put("key", (key + "\n").encode())
    used = Checkpoint.objects.order_by("verifier_key").values_list("verifier_key", flat=True)
    put("keys.txt", "".join(f"{key}\n" for key in used.distinct()).encode())
    witnesses = [
        {"name": w.name, "organisation": w.organisation.name, "verifier_key": w.verifier_key}
        for w in Witness.objects.select_related("organisation").order_by("name")
    ]
    put("witnesses.json", json.dumps(witnesses, ensure_ascii=False, indent=1).encode())
    return hashes


def check_log_files(sender, path: Path, manifest: dict[str, Any], **kwargs) -> list[str]:
    """archive_checking's receiver: every problem with the archive's log files."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        return []  # elections reports an unreadable archive
    with archive:
        names = [name for name in archive.namelist() if name.startswith(PREFIX)]
        if not names:
            return ["log/: the archive holds no transparency log"]
        listed = manifest.get("files", {})
        problems = [
            f"{name}: its SHA-256 differs from the manifest's"
            for name in sorted(names)
            if hashlib.sha256(archive.read(name)).hexdigest() != listed.get(name)
        ]
        problems += [
            f"{name}: listed in the manifest but not in the archive"
            for name in sorted(listed)
            if name.startswith(PREFIX) and name not in names
        ]
        try:
            log_keys = archive.read(PREFIX + "keys.txt").decode().split()
            witnesses = json.loads(archive.read(PREFIX + "witnesses.json"))
            vkeys = [w["verifier_key"] for w in witnesses]
            chain = [
                json.loads(line)["sha256"]
                for line in archive.read("chain.jsonl").decode().splitlines()
            ]
        except (KeyError, ValueError, TypeError) as exc:
            return [*problems, f"log/: not in the archive's format ({type(exc).__name__}: {exc})"]
    try:
        report = verify_all(Archive(path), keys=log_keys, witnesses=vkeys)
    except VerificationError as exc:
        return [*problems, f"log/: {exc}"]
    problems += [f"log/: {problem}" for problem in report.problems]
    with zipfile.ZipFile(path) as archive:
        member = archive.read(PREFIX + "records.jsonl").decode().splitlines()
    if [json.loads(line).get("sha256") for line in member] != chain:
        problems.append("log/records.jsonl: its records are not chain.jsonl's")
    return problems
