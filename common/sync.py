"""Bringing rows to a wanted state, writing only what differs: what every loader and importer
does, so that loading the same data twice changes nothing."""

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

K = TypeVar("K", bound=Hashable)
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class SyncCounts:
    created: int
    updated: int
    unchanged: int


def assign_changes(obj: Any, values: dict[str, Any]) -> bool:
    """Set the values that differ on a model instance; report whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def bulk_upsert(
    model: type[M],
    *,
    existing: dict[K, M],
    wanted: dict[K, dict[str, Any]],
    new: Callable[[K, dict[str, Any]], M],
    batch_size: int = 1000,
) -> tuple[dict[K, M], SyncCounts]:
    """Create the rows ``existing`` lacks, update those whose values differ, leave the rest.

    ``wanted`` maps each key to the values its row must have (``…_id`` for foreign keys, so
    that comparing costs no query); ``new`` makes a missing row. Returns every wanted row by key.
    """
    rows = dict(existing)
    to_create, to_update, changed_fields = [], [], set()
    for key, values in wanted.items():
        row = rows.get(key)
        if row is None:
            rows[key] = new(key, values)
            to_create.append(rows[key])
        elif assign_changes(row, values):
            row.updated = timezone.now()  # bulk_update does not run auto_now
            to_update.append(row)
            changed_fields.update(values)
    model.objects.bulk_create(to_create, batch_size=batch_size)
    if to_update:
        fields = [*sorted(changed_fields), "updated"]
        model.objects.bulk_update(to_update, fields, batch_size=batch_size)
    unchanged = len(wanted) - len(to_create) - len(to_update)
    return rows, SyncCounts(len(to_create), len(to_update), unchanged)
