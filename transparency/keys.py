"""The CEC's signing key, from configuration, and the note rules (saylau_verify.note's).

TRANSPARENCY_KEY holds a note signer key (`PRIVATE+KEY+<name>+<id>+<key>`, as
`manage.py transparency_key` writes it), or TRANSPARENCY_KEY_FILE names a file holding one.
The key's name is the log's origin: a checkpoint is the origin, size, root and a `time` line,
signed with that name, so each checkpoint names its key (name and key ID). A new key keeps the
name and has a new ID: old checkpoints still verify under the old verifier key, which the log's
page lists beside the checkpoints it signed.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from saylau_verify import note

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Signer:
    name: str
    key: Ed25519PrivateKey

    @property
    def verifier_key(self) -> str:
        return note.verifier_key(self.name, self.key)


class KeyProblem(Exception):
    """The configured key cannot be read: the message says why (never the key)."""


def configured_text() -> str | None:
    if settings.TRANSPARENCY_KEY:
        return settings.TRANSPARENCY_KEY
    path = Path(settings.TRANSPARENCY_KEY_FILE) if settings.TRANSPARENCY_KEY_FILE else None
    if path is None or not path.is_file():
        return None
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyProblem(f"the transparency log's key file {path}: {exc}") from None


def signer() -> Signer | None:
    """The configured signing key, or None if none is configured."""
    text = configured_text()
    if text is None:
        return None
    try:
        name, kind, key = note.parse_signer_key(text)
    except note.NoteError as exc:
        raise KeyProblem(f"the transparency log's signing key: {exc}") from None
    if kind != note.ED25519:
        raise KeyProblem("the transparency log's signing key is not an Ed25519 (0x01) key")
    return Signer(name, key)


def published_key() -> str | None:
    """The verifier key to show the public: None without a key, or with one that cannot be
    read (logged; `manage.py check` names the problem, and no checkpoint is signed)."""
    try:
        found = signer()
    except KeyProblem as exc:
        logger.error("%s", exc)
        return None
    return found.verifier_key if found else None


def sign_checkpoint(signer: Signer, size: int, root: bytes, time: datetime) -> str:
    """The signed note of a checkpoint: origin (the key's name), size, root, time."""
    body = note.Checkpoint(signer.name, size, root, (note.time_extension(time),)).body()
    return note.sign_note(body, signer.name, signer.key)


def note_body(signed: str) -> str:
    text, _signatures = note.split_note(signed)
    return text


def signature_name(line: str) -> str | None:
    """The key name a signature line names, or None if it is not a signature line."""
    try:
        return note.parse_signature_line(line).name
    except note.NoteError:
        return None


def cosignature_time(witness_key: str, signed: str, line: str) -> datetime | None:
    """When the witness says it cosigned, if ``line`` is its valid cosignature of the note."""
    try:
        timestamp = note.verify_cosignature(note_body(signed), line, witness_key)
    except note.NoteError:
        return None
    try:
        return datetime.fromtimestamp(timestamp, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def witness_name(verifier_key: str) -> str:
    """A witness's key name from its verifier key; NoteError if it is not a cosignature key."""
    verifier = note.parse_verifier_key(verifier_key)
    if verifier.kind != note.COSIGNATURE_V1:
        raise note.NoteError("a witness key is a cosignature/v1 (0x04) verifier key")
    return verifier.name
