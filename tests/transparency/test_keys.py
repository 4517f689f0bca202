"""The log's key: made by a command, read from configuration, rotated with old checkpoints
still checkable under the key that signed them."""

import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from saylau_verify import note

from transparency.models import Checkpoint
from transparency.services import log_bring_up_to_date

pytestmark = pytest.mark.django_db


def make_key(path, *args) -> str:
    out, err = StringIO(), StringIO()
    call_command("transparency_key", "--out", str(path), *args, stdout=out, stderr=err)
    assert f"is in {path}" in err.getvalue() or "is kept" in err.getvalue()
    return out.getvalue().strip()


def test_the_command_makes_a_private_key_file_and_prints_its_verifier_key(tmp_path):
    path = tmp_path / "log.key"

    vkey = make_key(path, "--name", "saylau.example/log")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    name, kind, key = note.parse_signer_key(path.read_text())
    assert (name, kind) == ("saylau.example/log", note.ED25519)
    assert vkey == note.verifier_key(name, key)
    with pytest.raises(CommandError, match="a key is never overwritten"):
        make_key(path)
    assert make_key(path, "--keep") == vkey  # as make demo runs it each time
    witness = make_key(tmp_path / "w.key", "--witness", "--name", "ngo.example/witness")
    assert note.parse_verifier_key(witness).kind == note.COSIGNATURE_V1


def test_after_a_rotation_old_checkpoints_keep_the_key_that_signed_them(log, tmp_path, settings):
    log.publish(2)
    old = log_bring_up_to_date()
    path = tmp_path / "new.key"
    new_key = make_key(path, "--name", "saylau.test/log")  # the same name, a new key ID
    settings.TRANSPARENCY_KEY, settings.TRANSPARENCY_KEY_FILE = "", str(path)

    log.publish(1)
    assert log_bring_up_to_date().key_name == "saylau.test/log"

    assert Client().get("/api/v1/log/key").content.decode().strip() == new_key
    first = Client().get("/api/v1/log/checkpoints/2").content.decode()
    latest = Client().get("/api/v1/log/checkpoint").content.decode()
    assert note.open_checkpoint(first, old.verifier_key)[0].size == 2
    assert note.open_checkpoint(latest, new_key)[0].size == 3
    with pytest.raises(note.NoteError):
        note.open_checkpoint(first, new_key)
    assert [c.verifier_key for c in Checkpoint.objects.order_by("size")] == [old.verifier_key,
                                                                             new_key]  # fmt: skip
    page = Client().get("/log/").content.decode()
    assert old.verifier_key in page and new_key in page


def test_without_a_key_the_tree_grows_and_nothing_is_signed(log, settings):
    settings.TRANSPARENCY_KEY, settings.TRANSPARENCY_KEY_FILE = "", ""
    log.publish(2)

    assert log_bring_up_to_date() is None
    assert Client().get("/api/v1/log/checkpoint").status_code == 404
    assert Client().get("/api/v1/log/key").content.decode() == (
        "No signing key is configured for this log.\n"
    )


def test_a_key_that_cannot_be_read_fails_the_check_and_signs_nothing_but_no_page_fails(
    log, settings
):
    from django.core import checks

    from transparency.keys import KeyProblem

    settings.TRANSPARENCY_KEY = "PRIVATE+KEY+saylau.test/log+00000000+AAAA"
    log.publish(1)

    [error] = [m for m in checks.run_checks() if m.id == "transparency.E001"]
    assert "the transparency log's signing key" in error.msg
    with pytest.raises(KeyProblem):
        log_bring_up_to_date()
    assert not Checkpoint.objects.exists()
    assert Client().get("/api/v1/log/key").status_code == 404
    assert Client().get("/log/").status_code == 200
    assert Client().get("/results/night/open-data/").status_code == 200
