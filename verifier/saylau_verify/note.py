"""C2SP signed notes, checkpoints and cosignatures, with Ed25519 from `cryptography`.

- signed-note (c2sp.org/signed-note): a text ending in a newline, a blank line, then one or more
  lines `— <key name> base64(4-byte key ID || signature)`. Key ID = SHA-256(name || 0x0A ||
  type || public key)[:4]; type 0x01 is an Ed25519 signature over the text. A verifier key
  (vkey) is `<name>+<hex key ID>+base64(type || public key)`.
- tlog-checkpoint (c2sp.org/tlog-checkpoint): the text is the origin, the tree size in decimal,
  the base64 root hash, then optional non-empty extension lines, one a line. The log's time is
  one such extension line, `time 2023-03-19T21:00:00Z` (RFC 3339, UTC, whole seconds): the
  format lets a log add opaque lines, and a witness's cosignature covers them, but the witness
  vouches only for the first three (tlog-cosignature).
- tlog-cosignature (c2sp.org/tlog-cosignature), cosignature/v1: type 0x04; the signature is
  an 8-byte big-endian POSIX timestamp and an Ed25519 signature over
  `cosignature/v1\\ntime <timestamp>\\n` followed by the checkpoint's text.

Private keys are kept as golang.org/x/mod/sumdb/note's signer keys,
`PRIVATE+KEY+<name>+<hex key ID>+base64(type || 32-byte seed)`, one a file.
"""

import base64
import binascii
import hashlib
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

ED25519 = 0x01  # a note signature by Ed25519 (the log's checkpoints)
COSIGNATURE_V1 = 0x04  # a timestamped Ed25519 checkpoint cosignature (a witness's)
KINDS = {ED25519: "Ed25519", COSIGNATURE_V1: "cosignature/v1"}
MAX_SIGNATURES = 100  # the spec asks verifiers to accept at least 16
DASH = "\u2014"  # the em dash that starts a signature line
TIME = "time"  # the checkpoint extension line that carries the log's time


class NoteError(ValueError):
    """A note, key or checkpoint that is ill-formed, unknown or not signed as it must be."""


def _b64decode(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(f"{what} is not standard base64") from None
    if base64.b64encode(raw).decode() != text:
        raise NoteError(f"{what} is not canonical base64")
    return raw


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name or any(c.isspace() or c == "+" for c in name):
        raise NoteError(f"key name {name!r} must be non-empty, without spaces or '+'")
    return name


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(name: str, kind: int, public_key: bytes) -> bytes:
    """SHA-256(key name || 0x0A || type || public key)[:4], the signed-note rule."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public_key).digest()[:4]


def generate_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@dataclass(frozen=True)
class Verifier:
    """A known public key: its name, type (ED25519 or COSIGNATURE_V1) and key."""

    name: str
    kind: int
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.kind, self.public_key)

    def vkey(self) -> str:
        material = base64.b64encode(bytes([self.kind]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{material}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


def verifier_key(name: str, key: Ed25519PrivateKey | Ed25519PublicKey, kind: int = ED25519) -> str:
    """The vkey string `<name>+<hex key ID>+base64(type || public key)`."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return Verifier(_check_name(name), kind, public_bytes(public)).vkey()


def parse_verifier_key(vkey: str) -> Verifier:
    """A vkey string read back; NoteError naming what is wrong with it."""
    parts = vkey.strip().split("+", 2) if isinstance(vkey, str) else []
    if len(parts) != 3:
        raise NoteError("a verifier key is <name>+<hex key ID>+<base64 key>")
    name, hex_id, material = parts
    _check_name(name)
    raw = _b64decode(material, "the verifier key's key")
    if len(raw) != 33 or raw[0] not in KINDS:
        raise NoteError("the verifier key is not an Ed25519 (0x01) or cosignature/v1 (0x04) key")
    verifier = Verifier(name, raw[0], raw[1:])
    if not re.fullmatch(r"[0-9a-f]{8}", hex_id) or bytes.fromhex(hex_id) != verifier.key_id:
        expected = verifier.key_id.hex()
        raise NoteError(f"the verifier key's ID {hex_id} is not its key's ({expected})")
    return verifier


def signer_key(name: str, key: Ed25519PrivateKey, kind: int = ED25519) -> str:
    """A private key as text: `PRIVATE+KEY+<name>+<hex key ID>+base64(type || seed)`."""
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    ident = key_id(_check_name(name), kind, public_bytes(key.public_key())).hex()
    return f"PRIVATE+KEY+{name}+{ident}+{base64.b64encode(bytes([kind]) + seed).decode()}"


def parse_signer_key(text: str) -> tuple[str, int, Ed25519PrivateKey]:
    """(name, type, private key) from a signer key's text."""
    parts = text.strip().split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise NoteError("a signer key is PRIVATE+KEY+<name>+<hex key ID>+<base64 key>")
    name, hex_id, material = parts[2:]
    raw = _b64decode(material, "the signer key's key")
    if len(raw) != 33 or raw[0] not in KINDS:
        raise NoteError("the signer key is not an Ed25519 (0x01) or cosignature/v1 (0x04) key")
    key = Ed25519PrivateKey.from_private_bytes(raw[1:])
    if hex_id != key_id(_check_name(name), raw[0], public_bytes(key.public_key())).hex():
        raise NoteError("the signer key's ID is not its key's")
    return name, raw[0], key


def _check_text(text: str) -> None:
    if not isinstance(text, str) or not text.endswith("\n"):
        raise NoteError("a note's text must end in a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("a note must not contain control characters other than newline")


@dataclass(frozen=True)
class Signature:
    """One signature line: `— <name> base64(key ID || signature)`."""

    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        return f"{DASH} {self.name} {base64.b64encode(self.key_id + self.signature).decode()}\n"


def parse_signature_line(line: str) -> Signature:
    """One signature line (its newline optional), e.g. a cosignature posted to the log."""
    if not isinstance(line, str):
        raise NoteError("a signature line is text")
    body = line[:-1] if line.endswith("\n") else line
    match = re.fullmatch(f"{DASH} ([^ ]+) ([A-Za-z0-9+/=]+)", body)
    if not match:
        raise NoteError("a signature line is '— <key name> <base64 signature>'")
    name = _check_name(match[1])
    raw = _b64decode(match[2], f"the signature of {name}")
    if len(raw) < 5:
        raise NoteError(f"the signature of {name} is too short to hold a key ID and a signature")
    return Signature(name, raw[:4], raw[4:])


def split_note(note: str | bytes) -> tuple[str, list[Signature]]:
    """A note's text and its signature lines, unverified; NoteError if ill-formed."""
    if isinstance(note, bytes):
        try:
            note = note.decode()
        except UnicodeDecodeError:
            raise NoteError("a note must be UTF-8") from None
    if not isinstance(note, str):
        raise NoteError("a note is text")
    _check_text(note)
    cut = note.rfind("\n\n")
    if cut < 0:
        raise NoteError("a note's signatures follow a blank line, and this one has none")
    text, lines = note[: cut + 1], note[cut + 2 :].splitlines()
    if not lines:
        raise NoteError("a note has at least one signature line")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"a note with more than {MAX_SIGNATURES} signatures is refused")
    return text, [parse_signature_line(line) for line in lines]


def signature_line(text: str, name: str, key: Ed25519PrivateKey) -> str:
    """The Ed25519 (0x01) signature line of `name` over `text`."""
    _check_text(text)
    ident = key_id(_check_name(name), ED25519, public_bytes(key.public_key()))
    return Signature(name, ident, key.sign(text.encode())).line()


def sign_note(text: str, name: str, key: Ed25519PrivateKey) -> str:
    """`text` signed by `name` as a note: the text, a blank line, the signature line."""
    return f"{text}\n{signature_line(text, name, key)}"


def add_signatures(note: str, lines: Iterable[str]) -> str:
    """A signed note with more signature lines (e.g. cosignatures) after its own."""
    split_note(note)
    return note + "".join(parse_signature_line(line).line() for line in lines)


def _cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def _verifies(verifier: Verifier, text: str, signature: bytes) -> int | None:
    """Whether a signature by a known key verifies: None if not, else its time (0 for a
    plain Ed25519 signature, the timestamp for a cosignature)."""
    if verifier.kind == ED25519:
        return 0 if verifier.verify(text.encode(), signature) else None
    if len(signature) != 8 + 64:
        return None
    (timestamp,) = struct.unpack(">Q", signature[:8])
    if timestamp > 2**63 - 1:
        return None
    return timestamp if verifier.verify(_cosigned_message(text, timestamp), signature[8:]) else None


def _verifiers(known_keys: Iterable[Verifier | str]) -> list[Verifier]:
    return [k if isinstance(k, Verifier) else parse_verifier_key(k) for k in known_keys]


def open_note(note: str | bytes, known_keys: Iterable[Verifier | str]) -> tuple[str, list[str]]:
    """The note's text and the names of the known keys whose signatures verify.

    Signatures from unknown keys (name and key ID not both a known key's) are ignored, as the
    spec says; a known key's signature that does not verify, or a note with no verified
    signature by a known key, is refused with NoteError saying which.
    """
    text, signatures = split_note(note)
    known = {(v.name, v.key_id): v for v in _verifiers(known_keys)}
    signers: list[str] = []
    for signature in signatures:
        verifier = known.get((signature.name, signature.key_id))
        if verifier is None:
            continue
        if _verifies(verifier, text, signature.signature) is None:
            raise NoteError(f"the signature of {signature.name} does not verify")
        if signature.name not in signers:
            signers.append(signature.name)
    if not signers:
        names = ", ".join(s.name for s in signatures)
        raise NoteError(f"no signature by a known key (the note is signed by: {names})")
    return text, signers


def cosign(checkpoint_body: str, name: str, key: Ed25519PrivateKey, timestamp: int) -> str:
    """A witness's cosignature/v1 line over a checkpoint's text, at `timestamp` (POSIX)."""
    _check_text(checkpoint_body)
    if not isinstance(timestamp, int) or not 0 <= timestamp <= 2**63 - 1:
        raise NoteError("a cosignature's timestamp is a POSIX time from 0 to 2^63 - 1")
    ident = key_id(_check_name(name), COSIGNATURE_V1, public_bytes(key.public_key()))
    signed = key.sign(_cosigned_message(checkpoint_body, timestamp))
    return Signature(name, ident, struct.pack(">Q", timestamp) + signed).line()


def verify_cosignature(checkpoint_body: str, line: str, witness: Verifier | str) -> int:
    """The timestamp of a witness's cosignature line over a checkpoint's text; NoteError if the
    line is not that witness's, or does not verify."""
    _check_text(checkpoint_body)
    (verifier,) = _verifiers([witness])
    if verifier.kind != COSIGNATURE_V1:
        raise NoteError(f"{verifier.name}'s key is not a cosignature/v1 (0x04) key")
    signature = parse_signature_line(line)
    if (signature.name, signature.key_id) != (verifier.name, verifier.key_id):
        raise NoteError(f"the cosignature is by {signature.name}, not by {verifier.name}'s key")
    timestamp = _verifies(verifier, checkpoint_body, signature.signature)
    if timestamp is None:
        raise NoteError(f"the cosignature of {verifier.name} does not verify")
    return timestamp


def time_extension(moment: datetime) -> str:
    """The checkpoint extension line of the log's time: `time 2023-03-19T21:00:00Z`."""
    if moment.tzinfo is None:
        raise NoteError("a checkpoint's time must be timezone-aware")
    return f"{TIME} {moment.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}"


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: origin, tree size, root hash, extension lines (without newlines)."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        """The note text: origin, size, base64 root, extension lines, each ending in newline."""
        if not self.origin or "\n" in self.origin or not isinstance(self.size, int):
            raise NoteError("a checkpoint has a one-line origin and an integer size")
        if self.size < 0 or len(self.root) != 32:
            raise NoteError("a checkpoint's size is not negative and its root is 32 bytes")
        if any(not line or "\n" in line for line in self.extensions):
            raise NoteError("a checkpoint's extension lines are non-empty single lines")
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return "".join(f"{line}\n" for line in [*lines, *self.extensions])

    @classmethod
    def parse(cls, text: str) -> "Checkpoint":
        """A checkpoint's note text read back; NoteError naming the line that is wrong."""
        _check_text(text)
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise NoteError("a checkpoint has an origin, a tree size and a root hash line")
        origin, size, root, *extensions = lines
        if not origin:
            raise NoteError("a checkpoint's origin line must not be empty")
        if not re.fullmatch(r"0|[1-9][0-9]*", size):
            raise NoteError("a checkpoint's tree size is a decimal without leading zeros")
        raw = _b64decode(root, "the checkpoint's root hash")
        if len(raw) != 32:
            raise NoteError("a checkpoint's root hash is 32 bytes (SHA-256)")
        if any(not line for line in extensions):
            raise NoteError("a checkpoint's extension lines must not be empty")
        return cls(origin, int(size), raw, tuple(extensions))

    @property
    def time(self) -> datetime | None:
        """The log's time from the `time` extension line, if it has one."""
        for line in self.extensions:
            if line.startswith(f"{TIME} "):
                try:
                    moment = datetime.strptime(line[len(TIME) + 1 :], "%Y-%m-%dT%H:%M:%SZ")
                except ValueError:
                    message = f"the checkpoint's time line {line!r} is not RFC 3339 UTC"
                    raise NoteError(message) from None
                return moment.replace(tzinfo=UTC)
        return None


def open_checkpoint(
    note: str | bytes, log_key: Verifier | str, witnesses: Iterable[Verifier | str] = ()
) -> tuple[Checkpoint, list[str]]:
    """A checkpoint note checked: the log's signature must verify, its origin must be the log
    key's name; returns the checkpoint and the witnesses whose cosignatures verify."""
    (log,) = _verifiers([log_key])
    text, signers = open_note(note, [log, *_verifiers(witnesses)])
    if log.name not in signers:
        raise NoteError(f"the checkpoint is not signed by the log's key {log.name}")
    checkpoint = Checkpoint.parse(text)
    if checkpoint.origin != log.name:
        raise NoteError(f"the checkpoint's origin {checkpoint.origin} is not the log {log.name}")
    return checkpoint, [name for name in signers if name != log.name]
