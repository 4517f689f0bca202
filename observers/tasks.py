"""Celery tasks of the observers app."""

from celery import shared_task

from observers.services import accreditations_expire


@shared_task(name="observers.expire_accreditations")
def expire_accreditations() -> int:
    """Expire approvals that have ended (final results, or the commission's end date)."""
    return accreditations_expire()
