"""Which complaints a user's commission handles: the body a complaint is addressed to, and no
other, registers, hears and decides it (the CEC's desk records court cases too).

A precinct commission's members handle complaints to their station's commission; a territorial
member those to their district's (or, assigned to a whole region, every district's in it); the
CEC those addressed to it and lawsuits. Outside that a complaint does not exist for them (404).
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from common.errors import OutOfScope
from complaints.models import Complaint
from elections.models import Assignment
from stations.models import Station

Role, Level = Assignment.Role, Complaint.Level


def handled_by(user: AbstractBaseUser | AnonymousUser) -> Q:
    """A filter on Complaint for the complaints the user's commission handles."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    scope = Q(pk__in=[])
    for assignment in Assignment.objects.filter(user=user):
        if assignment.role == Role.CEC:
            scope |= Q(level__in=[Level.CEC, Level.COURT])
        elif assignment.role == Role.TERRITORIAL:
            if assignment.station_id:
                district = Station.objects.filter(pk=assignment.station_id).values("district_id")
                scope |= Q(level=Level.TERRITORIAL, district_id__in=district)
            elif assignment.district_id:
                scope |= Q(level=Level.TERRITORIAL, district_id=assignment.district_id)
            else:
                scope |= Q(level=Level.TERRITORIAL, region_id=assignment.region_id)
        elif assignment.role == Role.PRECINCT and assignment.station_id:
            scope |= Q(level=Level.PRECINCT, station_id=assignment.station_id)
    return scope


def complaints_handled_by(user) -> QuerySet[Complaint]:
    return Complaint.objects.filter(handled_by(user))


def require_handler(user, complaint: Complaint) -> None:
    """Refuse anyone but a member of the body the complaint is addressed to."""
    if not complaints_handled_by(user).filter(pk=complaint.pk).exists():
        raise OutOfScope(
            "complaint: "
            + _("complaint %(complaint)s is not addressed to your commission")
            % {"complaint": complaint}
        )


def body_members(complaint: Complaint) -> QuerySet:
    """The accounts of the members of the body a complaint is addressed to (whom a complaint
    may be against, as its registering member says)."""
    from django.contrib.auth import get_user_model

    assignments = Assignment.objects.none()
    if complaint.level == Level.PRECINCT:
        assignments = Assignment.objects.filter(role=Role.PRECINCT, station=complaint.station_id)
    elif complaint.level == Level.TERRITORIAL:
        assignments = Assignment.objects.filter(role=Role.TERRITORIAL).filter(
            Q(district=complaint.district_id)
            | Q(region=complaint.region_id, district__isnull=True, station__isnull=True)
        )
    elif complaint.level == Level.CEC:
        assignments = Assignment.objects.filter(role=Role.CEC)
    return get_user_model().objects.filter(pk__in=assignments.values("user")).order_by("username")
