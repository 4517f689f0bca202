"""saylau_verify.note: C2SP signed notes, checkpoints and cosignatures."""

import base64
import struct
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from saylau_verify import merkle, note

LOG = "saylau.example/kz2023"
WITNESS = "observers.example/witness"


@pytest.fixture(scope="module")
def log_key() -> Ed25519PrivateKey:
    return note.generate_key()


@pytest.fixture(scope="module")
def witness_key() -> Ed25519PrivateKey:
    return note.generate_key()


def a_checkpoint(size: int = 3) -> note.Checkpoint:
    root = merkle.root([merkle.leaf_hash(b"%d" % i) for i in range(size)])
    moment = datetime(2023, 3, 19, 21, 0, tzinfo=UTC)
    return note.Checkpoint(LOG, size, root, (note.time_extension(moment),))


def changed_byte(text: str, at: int) -> str:
    raw = bytearray(text.encode())
    raw[at] ^= 0x01
    return raw.decode()


def test_the_signed_note_specs_own_example_verifies():
    """c2sp.org/signed-note's example vkey and note."""
    vkey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
    signed = (
        "This is an example message.\n\n"
        "— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3m"
        "FXmRKuwHjG1Yu72IneyaQM=\n"
    )
    assert note.open_note(signed, [vkey]) == ("This is an example message.\n", ["example.com/foo"])
    with pytest.raises(note.NoteError, match="does not verify"):
        note.open_note(signed.replace("example message", "example massage"), [vkey])


def test_the_go_note_packages_signer_key_signs_as_go_does():
    """golang.org/x/mod/sumdb/note's test keys: the signer key gives its vkey, and Ed25519
    (deterministic) gives the very signature Go's tests expect."""
    name, kind, key = note.parse_signer_key(
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    )
    assert (name, kind) == ("PeterNeumann", note.ED25519)
    vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    assert note.verifier_key(name, key) == vkey
    text = (
        "If you think cryptography is the answer to your problem,\n"
        "then you don't know what your problem is.\n"
    )
    assert note.sign_note(text, name, key) == (
        f"{text}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgK"
        "vqfqdngotpRZb6KE6RyyBwJnAM=\n"
    )
    assert note.open_note(note.sign_note(text, name, key), [vkey]) == (text, [name])


def test_a_key_round_trips_through_its_texts(log_key):
    vkey = note.verifier_key(LOG, log_key)
    name, hex_id, material = vkey.split("+", 2)
    verifier = note.parse_verifier_key(vkey)
    assert (name, verifier.kind, verifier.vkey()) == (LOG, note.ED25519, vkey)
    assert bytes.fromhex(hex_id) == note.key_id(LOG, note.ED25519, verifier.public_key)
    assert base64.b64decode(material)[0] == 0x01 and len(base64.b64decode(material)) == 33
    again = note.parse_signer_key(note.signer_key(LOG, log_key))
    assert again[:2] == (LOG, note.ED25519) and note.verifier_key(LOG, again[2]) == vkey
    # The same key as a witness's (type 0x04) has another ID.
    cosigner = note.parse_verifier_key(note.verifier_key(LOG, log_key, note.COSIGNATURE_V1))
    assert cosigner.kind == note.COSIGNATURE_V1 and cosigner.key_id != verifier.key_id


@pytest.mark.parametrize(
    "vkey, reason",
    [
        ("no-plus-signs", "is <name>"),
        ("a b+00000000+" + base64.b64encode(b"\x01" + b"k" * 32).decode(), "without spaces"),
        ("name+00000000+" + base64.b64encode(b"\x01" + b"k" * 32).decode(), "ID 00000000 is not"),
        ("name+00000000+" + base64.b64encode(b"\x09" + b"k" * 32).decode(), "not an Ed25519"),
        ("name+00000000+" + base64.b64encode(b"\x01" + b"k" * 31).decode(), "not an Ed25519"),
        ("name+00000000+not*base64", "not standard base64"),
    ],
)
def test_an_ill_formed_verifier_key_is_refused_saying_why(vkey, reason):
    with pytest.raises(note.NoteError, match=reason):
        note.parse_verifier_key(vkey)


def test_a_checkpoint_round_trips_and_carries_the_logs_time(log_key):
    checkpoint = a_checkpoint()
    body = checkpoint.body()
    lines = body.split("\n")
    assert lines[:2] == [LOG, "3"] and base64.b64decode(lines[2]) == checkpoint.root
    assert lines[3:] == ["time 2023-03-19T21:00:00Z", ""]
    assert note.Checkpoint.parse(body) == checkpoint
    assert checkpoint.time == datetime(2023, 3, 19, 21, 0, tzinfo=UTC)
    almaty = timezone(timedelta(hours=6))
    assert note.time_extension(datetime(2023, 3, 20, 3, 0, 0, 999, almaty)) == (
        "time 2023-03-19T21:00:00Z"
    )
    signed = note.sign_note(body, LOG, log_key)
    assert note.open_checkpoint(signed, note.verifier_key(LOG, log_key)) == (checkpoint, [])
    empty = note.Checkpoint(LOG, 0, merkle.EMPTY_ROOT)
    assert note.Checkpoint.parse(empty.body()) == empty and empty.time is None


@pytest.mark.parametrize(
    "text, reason",
    [
        ("origin\n3\n", "an origin, a tree size and a root hash"),
        ("\n3\n" + "A" * 43 + "=\n", "origin line must not be empty"),
        ("origin\n03\n" + "A" * 43 + "=\n", "without leading zeros"),
        ("origin\n-3\n" + "A" * 43 + "=\n", "without leading zeros"),
        ("origin\n3\n" + "A" * 42 + "==\n", "32 bytes"),
        ("origin\n3\n" + "A" * 43 + "=\n\nextension\n", "extension lines must not be empty"),
        ("origin\n3\n" + "A" * 43 + "=", "end in a newline"),
        ("origin\n3\n" + "A" * 43 + "=\ntime yesterday\n", None),
    ],
)
def test_an_ill_formed_checkpoint_is_refused_naming_its_line(text, reason):
    if reason is None:  # an unknown time is still a checkpoint, but it has no time
        with pytest.raises(note.NoteError, match="not RFC 3339"):
            _ = note.Checkpoint.parse(text).time
        return
    with pytest.raises(note.NoteError, match=reason):
        note.Checkpoint.parse(text)


def test_any_changed_byte_or_a_wrong_key_fails(log_key):
    vkey = note.verifier_key(LOG, log_key)
    signed = note.sign_note(a_checkpoint().body(), LOG, log_key)
    text_length = len(a_checkpoint().body().encode())
    for at in range(text_length):
        with pytest.raises(note.NoteError):
            note.open_checkpoint(changed_byte(signed, at), vkey)
    # A signature signed by another key under the log's name is an unknown key's: ignored,
    # and then no known key has signed.
    impostor = note.sign_note(a_checkpoint().body(), LOG, note.generate_key())
    with pytest.raises(note.NoteError, match="no signature by a known key.*saylau.example"):
        note.open_checkpoint(impostor, vkey)
    # The log's own key ID with a forged signature is the known key's: refused.
    line = note.split_note(signed)[1][0]
    forged = note.Signature(line.name, line.key_id, bytes(64)).line()
    with pytest.raises(note.NoteError, match="signature of saylau.example/kz2023 does not verify"):
        note.open_checkpoint(f"{a_checkpoint().body()}\n{forged}", vkey)
    # Signed by the log, but read with another log's key.
    other = note.verifier_key("other.example/log", note.generate_key())
    with pytest.raises(note.NoteError, match="no signature by a known key"):
        note.open_checkpoint(signed, other)


def test_a_checkpoint_must_name_its_log(log_key):
    body = note.Checkpoint("elsewhere.example/log", 1, merkle.leaf_hash(b"x")).body()
    signed = note.sign_note(body, LOG, log_key)
    with pytest.raises(note.NoteError, match="origin elsewhere.example/log is not the log"):
        note.open_checkpoint(signed, note.verifier_key(LOG, log_key))


@pytest.mark.parametrize(
    "signed, reason",
    [
        ("text\n— a AAAAAAA=\n", "blank line"),
        ("text\n\n", "at least one signature line"),
        ("text\n\n- a AAAAAAAA\n", "is '— <key name>"),
        ("text\n\n— a b AAAAAAAA\n", "is '— <key name>"),
        ("text\n\n— a AAAA\n", "too short"),
        ("text\n\n— a AAAAAAA\n", "not standard base64"),
        ("te\txt\n\n— a AAAAAAAA\n", "control characters"),
        (b"text\xff\n\n\xe2\x80\x94 a AAAAAAAA\n", "UTF-8"),
        ("text\n\n" + "— a AAAAAAAA\n" * 101, "more than 100 signatures"),
    ],
)
def test_an_ill_formed_note_is_refused_saying_why(signed, reason, log_key):
    with pytest.raises(note.NoteError, match=reason):
        note.open_note(signed, [note.verifier_key(LOG, log_key)])


def test_a_witness_cosigns_and_the_cosignature_verifies(log_key, witness_key):
    body = a_checkpoint().body()
    signed = note.sign_note(body, LOG, log_key)
    line = note.cosign(body, WITNESS, witness_key, 1679259600)
    witness_vkey = note.verifier_key(WITNESS, witness_key, note.COSIGNATURE_V1)
    assert note.verify_cosignature(body, line, witness_vkey) == 1679259600
    # The line: the 0x04 key ID, the timestamp big-endian, an Ed25519 signature over the
    # cosignature/v1 message.
    raw = base64.b64decode(line.split(" ")[2])
    assert raw[:4] == note.key_id(WITNESS, 0x04, note.public_bytes(witness_key.public_key()))
    assert struct.unpack(">Q", raw[4:12]) == (1679259600,) and len(raw) == 4 + 8 + 64
    message = f"cosignature/v1\ntime 1679259600\n{body}".encode()
    witness_key.public_key().verify(raw[12:], message)
    # In the note after the log's signature; the log's key alone ignores it.
    cosigned = note.add_signatures(signed, [line])
    log_vkey = note.verifier_key(LOG, log_key)
    assert note.open_checkpoint(cosigned, log_vkey, [witness_vkey]) == (a_checkpoint(), [WITNESS])
    assert note.open_checkpoint(cosigned, log_vkey) == (a_checkpoint(), [])
    assert note.open_note(cosigned, [witness_vkey]) == (body, [WITNESS])


def test_a_cosignature_over_another_checkpoint_or_time_or_by_another_key_fails(witness_key):
    body = a_checkpoint().body()
    witness_vkey = note.verifier_key(WITNESS, witness_key, note.COSIGNATURE_V1)
    line = note.cosign(body, WITNESS, witness_key, 1679259600)
    with pytest.raises(note.NoteError, match="does not verify"):
        note.verify_cosignature(a_checkpoint(4).body(), line, witness_vkey)
    # The timestamp changed: the signature was over the other time.
    sig = note.parse_signature_line(line)
    later = sig.signature[:4] + struct.pack(">Q", 1679259601)[4:] + sig.signature[8:]
    moved = note.Signature(sig.name, sig.key_id, later).line()
    with pytest.raises(note.NoteError, match="does not verify"):
        note.verify_cosignature(body, moved, witness_vkey)
    with pytest.raises(note.NoteError, match="not by observers.example/witness's key"):
        note.verify_cosignature(
            body, note.cosign(body, WITNESS, note.generate_key(), 1), witness_vkey
        )
    # A plain Ed25519 signature is not a cosignature, and a 0x01 key is not a witness's.
    with pytest.raises(note.NoteError, match="not by"):
        note.verify_cosignature(body, note.signature_line(body, WITNESS, witness_key), witness_vkey)
    with pytest.raises(note.NoteError, match="not a cosignature/v1"):
        note.verify_cosignature(body, line, note.verifier_key(WITNESS, witness_key))
    for bad in ("", "— observers.example/witness", "junk"):
        with pytest.raises(note.NoteError):
            note.verify_cosignature(body, bad, witness_vkey)
    with pytest.raises(note.NoteError, match="timestamp"):
        note.cosign(body, WITNESS, witness_key, -1)
