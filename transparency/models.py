"""The transparency log: a Merkle tree over the publication log, its signed checkpoints, and the
witnesses who cosign them. Every table is append-only down to the database (migration 0002).

A leaf is one published record: leaf ``i`` is the Publication of sequence ``i + 1``, its hash
RFC 9162's leaf hash of the record's canonical JSON. `Node` keeps the hash of every *perfect*
subtree as soon as its last leaf arrives (level 0: the leaves; level ``l``, index ``k``: the
leaves ``[k·2^l, (k+1)·2^l)``), so the root at any size, and every proof, is read from at most
O(log n) stored hashes and nothing is ever rebuilt.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from observers.models import Organisation


class Node(models.Model):
    level = models.PositiveSmallIntegerField(_("level"))
    index = models.PositiveBigIntegerField(_("index"))
    hash = models.BinaryField(_("hash"), max_length=32)

    class Meta:
        verbose_name = _("tree node")
        verbose_name_plural = _("tree nodes")
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="transparency_node_once")
        ]

    def __str__(self) -> str:
        return f"({self.level}, {self.index})"


class Checkpoint(models.Model):
    """A tree size and its root, signed by the CEC's key as a C2SP signed note.

    ``size`` is unique: the log never signs two roots for one size.
    """

    size = models.PositiveBigIntegerField(_("size"), unique=True)
    root = models.BinaryField(_("root"), max_length=32)
    origin = models.CharField(_("origin"), max_length=200)
    time = models.DateTimeField(_("time"))
    key_name = models.CharField(_("key name"), max_length=200)
    verifier_key = models.CharField(_("verifier key"), max_length=300)
    note = models.TextField(_("signed note"))

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["size"]

    def __str__(self) -> str:
        return f"{self.origin} @ {self.size}"


class Witness(models.Model):
    """An observer organisation's witness key, registered by the CEC's desk. A key is never
    changed: a new key is a new witness."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="witnesses",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("key name"), max_length=200, unique=True, editable=False)
    verifier_key = models.CharField(_("verifier key"), max_length=300, unique=True)
    registered = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("witness")
        verbose_name_plural = _("witnesses")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cosignature(models.Model):
    """A witness's cosignature of a checkpoint, as the line it sent."""

    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="cosignatures"
    )
    witness = models.ForeignKey(Witness, on_delete=models.PROTECT, related_name="cosignatures")
    line = models.TextField(_("signature line"))
    time = models.DateTimeField(_("cosigned at"))
    received = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("cosignature")
        verbose_name_plural = _("cosignatures")
        ordering = ["checkpoint", "witness__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "witness"], name="transparency_cosign_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.witness} on {self.checkpoint}"
