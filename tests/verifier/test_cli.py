"""The saylau-verify command, as a reader runs it, against a log served over HTTP."""

import io
import json
import subprocess
import sys

import pytest
from saylau_verify import cli, note

from tests.verifier import fakesite


@pytest.fixture(scope="module")
def log() -> fakesite.Log:
    log = fakesite.Log()
    log.publish(150)
    log.sign()
    log.publish(150)
    log.sign()
    return log


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(argv), out), out.getvalue()


def test_the_whole_log_from_the_site(log, tmp_path):
    key_file = tmp_path / "log.vkey"
    key_file.write_text(log.vkey + "\n")
    totals = tmp_path / "totals.json"
    with fakesite.serving(log) as url:
        status, out = run(url, "--key", f"@{key_file}", "--totals", str(totals),
                          "--contest", "kz2023-mazhilis/mazhilis-smd-5")  # fmt: skip
    assert status == 0, out
    assert out.startswith(f"{url}: the whole log\n  ok    the source's key is the one given")
    assert "  ok    2 checkpoints signed by the log\n" in out
    assert "  ok    the Merkle tree rebuilt from them: 2 of 2 checkpoints' roots match it\n" in out
    assert '  kz2023-mazhilis/mazhilis-smd-5: {"stations_accepted": ' in out
    assert out.endswith("OK: every check passed\n")
    written = json.loads(totals.read_text())
    assert set(written) == {"kz2023-mazhilis/mazhilis-party-list", "kz2023-mazhilis/mazhilis-smd-5"}


def test_one_station_prints_its_standing_records_and_the_bytes_read(log):
    with fakesite.serving(log) as url:
        status, out = run(url, "--key", log.vkey, "--station", "AST-1")
    assert status == 0, out
    assert "  ok    the latest checkpoint, 300 records, is signed by the log\n" in out
    assert "  kz2023-mazhilis/mazhilis-party-list version 3 (record 28, published" in out
    assert "    1. «AMANAT» партиясы: " in out
    bytes_line = next(line for line in out.splitlines() if line.startswith("read "))
    assert int(bytes_line.split()[1].replace(",", "")) < 10_000
    assert " in 2 requests (and " in bytes_line  # the checkpoint; the records and their proofs


def test_a_rewritten_log_fails_and_says_where(log, tmp_path):
    kept = tmp_path / "300.note"
    kept.write_text(log.note(300))
    rewritten = fakesite.Log(
        key=log.key, records=[dict(r) for r in log.records], hashes=list(log.hashes),
        checkpoints=dict(log.checkpoints),
    )  # fmt: skip
    rewritten.rewrite_from(100, resign=True)
    with fakesite.serving(rewritten) as url:
        status, out = run(url, "--key", log.vkey, "--checkpoint", str(kept))
    assert status == 1
    assert "  FAIL  your checkpoint of 300 records: its root is not the tree of today's" in out
    assert out.endswith("FAILED: 1 problems\n")


def test_an_archive_is_checked_whole_and_offline(log, tmp_path):
    archive = tmp_path / "saylau.zip"
    archive.write_bytes(log.archive())
    status, out = run(str(archive), "--key", log.vkey)
    assert status == 0, out
    assert "  ok    the archive's totals.json equals the recomputed totals\n" in out
    assert run(str(archive), "--key", log.vkey, "--station", "AST-1")[0] == 2
    assert run(str(tmp_path / "missing.zip"))[0] == 2


def test_the_witness_command_cosigns_then_refuses_a_rewrite(tmp_path):
    log = fakesite.Log()
    log.publish(120)
    log.sign()
    key = note.generate_key()
    name = "observers.example/w"
    log.witnesses[name] = note.verifier_key(name, key, note.COSIGNATURE_V1)
    key_file = tmp_path / "w.key"
    key_file.write_text(note.signer_key(name, key, note.COSIGNATURE_V1))
    state = tmp_path / "state"
    with fakesite.serving(log) as url:
        args = ("witness", url, "--key", str(key_file), "--state", str(state))
        assert run(*args) == (0, "cosigned 120 records: the first checkpoint this witness sees\n")
        log.rewrite_from(100, resign=True)
        log.publish(1)
        log.sign()
        status, out = run(*args)
    assert status == 1
    assert out == (
        "refused to cosign: the checkpoint of 121 records is not consistent with the 120 this "
        "witness cosigned: the log was rewritten\n"
    )


def test_it_runs_as_a_module_without_django_or_the_project():
    """Installed alone it needs the standard library and cryptography: importing every module
    loads neither Django nor any of the site's packages."""
    code = (
        "import sys, saylau_verify.cli, saylau_verify.client, saylau_verify.merkle, "
        "saylau_verify.note\n"
        "project = {'django', 'rest_framework', 'config', 'common', 'stations', 'elections'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in project))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout == "[]\n"
    shown = subprocess.run(
        [sys.executable, "-m", "saylau_verify", "--help"], capture_output=True, text=True
    )
    assert shown.returncode == 0 and "usage: saylau-verify" in shown.stdout
