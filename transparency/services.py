"""Extending the log's tree past the publication log, signing checkpoints, taking cosignatures.

Publishers append records (elections); the log follows them: `log_extend` reads the records
after the tree's size, in sequence, and adds their leaves; `checkpoint_sign` signs the new
size's root. Both hold the log's advisory lock on Postgres (SQLite lets one writer in at a
time), and the tables' unique constraints refuse a leaf, a node or a size twice whatever
happens: the log never signs two roots for one size.
"""

import logging
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from saylau_verify.merkle import canonical_json, leaf_hash
from saylau_verify.note import NoteError

from common.errors import StateConflict, refuse
from common.events import log_event
from common.public_cache import results_changed
from elections.models import Publication
from transparency import keys, tree
from transparency.models import Checkpoint, Cosignature, Node, Witness

LOG_LOCK = 0x5341594D  # the Postgres advisory lock the log's writers take turns on ("SAYM")
EXTEND_BATCH = 2000  # leaves per transaction

logger = logging.getLogger(__name__)


def _take_the_log() -> None:
    """Hold the log until this transaction ends (see publication._take_the_chain)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOG_LOCK])


@transaction.atomic
def log_extend(*, limit: int = EXTEND_BATCH) -> int:
    """Add the leaves of the next published records (at most ``limit``); returns how many.

    Leaf ``i`` is the record of sequence ``i + 1``: the records are read in sequence from the
    tree's size on, and a gap in the sequence (which the chain's own check reports) stops the
    extension there.
    """
    _take_the_log()
    at = tree.size()
    rows = Publication.objects.filter(sequence__gt=at).order_by("sequence")
    hashes = []
    for sequence, record in rows.values_list("sequence", "record")[:limit]:
        if sequence != at + len(hashes) + 1:
            logger.warning("publication log: sequence %s follows %s", sequence, at + len(hashes))
            break
        hashes.append(leaf_hash(canonical_json(record)))
    if hashes:
        Node.objects.bulk_create(tree.append(hashes, at))
    return len(hashes)


def log_catch_up() -> int:
    """Extend the tree until it holds every published record; returns how many leaves."""
    added = 0
    while batch := log_extend():
        added += batch
    return added


@transaction.atomic
def checkpoint_sign() -> Checkpoint | None:
    """Sign the tree's current size, unless it is signed already (or no key is configured)."""
    _take_the_log()
    size = tree.size()
    latest = Checkpoint.objects.order_by("-size").values_list("size", flat=True).first() or 0
    if size == 0 or size <= latest:
        return None
    signer = keys.signer()
    if signer is None:
        logger.warning("transparency log: no signing key configured, checkpoint %s unsigned", size)
        return None
    now = timezone.now().replace(microsecond=0)
    root = tree.root(size)
    note = keys.sign_checkpoint(signer, size, root, now)
    checkpoint = Checkpoint.objects.create(
        size=size,
        root=root,
        origin=signer.name,
        time=now,
        key_name=signer.name,
        verifier_key=signer.verifier_key,
        note=note,
    )
    log_event("transparency.checkpoint", size=size, root=root.hex())
    transaction.on_commit(results_changed)  # the station pages' links to proofs
    return checkpoint


def log_bring_up_to_date() -> Checkpoint | None:
    """What the task does: every published record into the tree, then the new size signed."""
    log_catch_up()
    return checkpoint_sign()


def witness_name_checked(verifier_key: str) -> str:
    """The name of a cosignature key that may be registered as a witness: a well-formed
    cosignature/v1 key, under a name neither the log's own keys nor another witness have."""
    try:
        name = keys.witness_name(verifier_key)
    except NoteError as exc:
        refuse("verifier_key", str(exc))
    log_names = set(Checkpoint.objects.values_list("key_name", flat=True).distinct())
    if published := keys.published_key():
        log_names.add(published.split("+", 1)[0])
    if name in log_names:
        refuse("verifier_key", _("%(name)s is the name of the log's own key: a witness needs a "
                                 "name of its own.") % {"name": name})  # fmt: skip
    if Witness.objects.filter(name=name).exists():
        refuse("verifier_key", _("A witness named %(name)s is registered already: a new key "
                                 "needs a new name.") % {"name": name})  # fmt: skip
    return name


@transaction.atomic
def witness_register(*, organisation, verifier_key: str, user) -> Witness:
    """The CEC's desk registers an observer organisation's witness key, once: a key is never
    changed (a new key is a new witness)."""
    key = verifier_key.strip()
    witness = Witness.objects.create(
        organisation=organisation, name=witness_name_checked(key), verifier_key=key
    )
    log_event("transparency.witness", witness=witness.name, organisation=organisation.pk,
              user=getattr(user, "username", None))  # fmt: skip
    return witness


# How far a witness's clock may be from the site's: a cosignature's time is checked against it.
COSIGNATURE_CLOCK_SKEW = timedelta(minutes=5)


def cosignature_add(*, checkpoint: Checkpoint, line: str) -> tuple[Cosignature, bool]:
    """Keep a witness's cosignature line of ``checkpoint`` if it verifies under a registered
    witness's key; returns (the cosignature, whether it is new). The same line twice is kept
    once; another line from a witness that cosigned this checkpoint already is refused."""
    line = line.strip()
    name = keys.signature_name(line)
    if name is None:
        refuse("body", _("not a signature line: expected “— <name> <base64 signature>”"))
    witness = Witness.objects.filter(name=name).first()
    if witness is None:
        refuse("body", _("unknown witness: no witness key named %(name)s is registered") % {
            "name": name})  # fmt: skip
    cosigned_at = keys.cosignature_time(witness.verifier_key, checkpoint.note, line)
    if cosigned_at is None:
        refuse(
            "body",
            _("bad signature: it does not verify for this checkpoint under the key %(name)s")
            % {"name": name},
        )
    earliest = max(checkpoint.time, witness.registered) - COSIGNATURE_CLOCK_SKEW
    if not earliest <= cosigned_at <= timezone.now() + COSIGNATURE_CLOCK_SKEW:
        refuse(
            "body",
            _("the cosignature's time, %(time)s, is before the checkpoint was signed or the "
              "witness registered, or in the future") % {"time": cosigned_at.isoformat()},
        )  # fmt: skip
    with transaction.atomic():
        existing = Cosignature.objects.filter(checkpoint=checkpoint, witness=witness).first()
        if existing is not None:
            if existing.line == line:
                return existing, False
            refuse(
                "body",
                _("%(name)s has already cosigned this checkpoint, with another line")
                % {"name": name},
                StateConflict,
            )
        cosignature = Cosignature.objects.create(
            checkpoint=checkpoint, witness=witness, line=line, time=cosigned_at
        )
    log_event("transparency.cosignature", size=checkpoint.size, witness=name)
    return cosignature, True
