"""Make an Ed25519 key for the transparency log (or, with --witness, for a witness)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from saylau_verify import note


class Command(BaseCommand):
    help = (
        "Make an Ed25519 signing key: write its signer key (PRIVATE+KEY+…) to --out, readable "
        "by its owner only, and print its public verifier key. The log's key by default (named "
        "TRANSPARENCY_ORIGIN; point TRANSPARENCY_KEY_FILE at the file); with --witness, a "
        "witness's cosignature key, whose verifier key the CEC's desk registers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="the private key's file")
        parser.add_argument("--name", help="the key's name (default: TRANSPARENCY_ORIGIN)")
        parser.add_argument("--witness", action="store_true", help="a witness's key")
        parser.add_argument("--keep", action="store_true", help="leave an existing file as it is")

    def handle(self, *args, out: Path, name: str | None, witness: bool, keep: bool, **options):
        kind = note.COSIGNATURE_V1 if witness else note.ED25519
        if out.exists():
            if not keep:
                raise CommandError(f"{out} exists: a key is never overwritten (--keep to use it)")
            name, kind, key = note.parse_signer_key(out.read_text())
            self.stderr.write(f"The key in {out} is kept.")
            self.stdout.write(note.verifier_key(name, key, kind))
            return
        name = name or settings.TRANSPARENCY_ORIGIN
        key = note.generate_key()
        try:
            text = note.signer_key(name, key, kind)
        except note.NoteError as exc:
            raise CommandError(str(exc)) from None
        out.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(text + "\n")
        self.stderr.write(f"A new {'witness' if witness else 'log'} key is in {out}.")
        self.stdout.write(note.verifier_key(name, key, kind))
