"""Reads of the observers app that several interfaces share."""

from django.contrib.auth.models import AbstractBaseUser

from observers.models import Accreditation


def accreditation_of(user: AbstractBaseUser) -> Accreditation | None:
    """The accreditation a login observes with, if any."""
    return (
        Accreditation.objects.select_related("organisation", "election").filter(user=user).first()
    )
