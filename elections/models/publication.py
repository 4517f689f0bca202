"""Published station results: an append-only chain that anyone can verify from a download."""

from django.db import models

from elections.models.protocols import Protocol


class Publication(models.Model):
    """One accepted protocol version, as published; never edited, never deleted.

    ``record`` is the published document, which names the previous record's hash; ``sha256``
    is the hash of its canonical JSON (keys sorted, no spaces, UTF-8). Changing any record, or
    leaving one out, breaks every hash after it.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    protocol = models.OneToOneField(Protocol, on_delete=models.PROTECT, related_name="publication")
    record = models.JSONField()
    sha256 = models.CharField(max_length=64, unique=True)
    published = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.sha256[:12]}"
