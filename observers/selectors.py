"""Reads of the observers app that several interfaces share."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from elections import access
from observers.models import Accreditation, Note


def accreditation_of(user: AbstractBaseUser) -> Accreditation | None:
    """The accreditation a login observes with, if any."""
    return (
        Accreditation.objects.select_related("organisation", "election").filter(user=user).first()
    )


def notes_of_own_circle(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Note]:
    """The notes a user filed, and those of the organisations they coordinate."""
    if not user.is_authenticated:
        return Note.objects.none()
    return Note.objects.filter(
        Q(accreditation__user=user) | Q(accreditation__organisation__coordinators=user)
    ).distinct()


def notes_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Note]:
    """Who sees a note: its observer, their coordinators, and the CEC every note."""
    if access.is_cec(user):
        return Note.objects.all()
    return notes_of_own_circle(user)
