"""Abstract models every app's tables share (abstract: no table, no app of its own)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Timestamped(models.Model):
    """Every table records when its row was made and last changed."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
