"""Published station results: an append-only chain that anyone can verify from a download."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from elections.models.protocols import Protocol


class Publication(models.Model):
    """One accepted protocol version, as published; never edited, never deleted.

    ``record`` is the published document, which names the previous record's hash; ``sha256``
    is the hash of its canonical JSON (keys sorted, no spaces, UTF-8). Changing any record, or
    leaving one out, breaks every hash after it.
    """

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    protocol = models.OneToOneField(
        Protocol, on_delete=models.PROTECT, related_name="publication", verbose_name=_("protocol")
    )
    record = models.JSONField(_("record"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    published = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.sha256[:12]}"
