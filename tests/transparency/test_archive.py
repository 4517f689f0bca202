"""The election archive carries the log (records, signed checkpoints, cosignatures) and
`verify_results --archive` checks them, with the standalone verifier's rules."""

import hashlib
import json
import time
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from saylau_verify import note

from elections.services.publication import record_hash
from transparency.models import Checkpoint
from transparency.services import cosignature_add, log_bring_up_to_date

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(log, tmp_path):
    log.publish(5)
    checkpoint = log_bring_up_to_date()
    from tests.transparency.test_witness import witness_key

    _path, _vkey, private = witness_key(tmp_path)
    body = note.split_note(checkpoint.note)[0]
    line = note.cosign(body, "observers.example/witness", private, int(time.time()))
    cosignature_add(checkpoint=checkpoint, line=line)
    log.publish(2)  # published after the last checkpoint: the export signs them in
    path = tmp_path / "night.zip"
    call_command("export_archive", str(path), stdout=StringIO())
    return path


def verify(path) -> str:
    out = StringIO()
    try:
        call_command("verify_results", archive=path, stdout=out)
    except CommandError as exc:
        return out.getvalue() + f"FAILED: {exc}"
    return out.getvalue()


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def forge(path, changes: dict[str, bytes]) -> None:
    """Replace members as a forger would, the manifest's hashes fixed up to match."""
    files = {**members(path), **changes}
    manifest = json.loads(files["manifest.json"])
    for name, data in changes.items():
        manifest["files"][name] = hashlib.sha256(data).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as forged:
        for name, data in files.items():
            forged.writestr(name, data)


def test_the_archive_carries_every_checkpoint_and_its_cosignatures_and_verifies(archive):
    files = members(archive)

    assert sorted(n for n in files if n.startswith("log/checkpoints/")) == [
        "log/checkpoints/5.note", "log/checkpoints/7.note"]  # fmt: skip
    five = files["log/checkpoints/5.note"].decode()
    assert five.startswith(Checkpoint.objects.get(size=5).note)
    assert five.count("\n— ") == 2  # the log's signature, then the witness's
    assert len(files["log/records.jsonl"].splitlines()) == 7
    manifest = json.loads(files["manifest.json"])
    assert "log/checkpoints/7.note" in manifest["files"]
    report = verify(archive)
    assert "FAILED" not in report, report


def test_a_forged_checkpoint_is_found(archive):
    files = members(archive)
    text = files["log/checkpoints/7.note"].decode()
    lines = text.split("\n")
    lines[2] = "A" * 43 + "="  # another root, the signature left as it was
    forge(archive, {"log/checkpoints/7.note": "\n".join(lines).encode()})

    report = verify(archive)

    assert "log/: checkpoint 7" in report and "does not verify" in report
    assert "FAILED" in report


def test_records_rewritten_into_a_clean_chain_do_not_match_the_signed_roots(archive):
    """Every hash and link rebuilt from record 3 on, in both files: the chain verifies, the
    checkpoints signed before do not."""
    files = members(archive)
    items = [json.loads(line) for line in files["log/records.jsonl"].splitlines()]
    previous = items[1]["sha256"]
    for item in items[2:]:
        record = item["record"]
        record["votes"][0]["votes"] -= 5
        record["votes"][1]["votes"] += 5
        record["previous_sha256"] = previous
        item["sha256"] = previous = record_hash(record)
    chain = [{k: item[k] for k in ("sequence", "sha256", "record")} for item in items]
    forge(archive, {
        "log/records.jsonl": "".join(json.dumps(i) + "\n" for i in items).encode(),
        "chain.jsonl": "".join(json.dumps(i) + "\n" for i in chain).encode(),
    })  # fmt: skip
    manifest = json.loads(members(archive)["manifest.json"])
    manifest["head"] = previous
    forge(archive, {"manifest.json": json.dumps(manifest).encode()})

    report = verify(archive)

    assert "chain.jsonl record" not in report  # the chain alone is clean
    assert "log/: checkpoint 5: its root is not the tree of the first 5 records" in report
    assert "log/: checkpoint 7: its root is not the tree of the first 7 records" in report
