"""Assigning election staff to commissions: the group gives model permissions, the row scope."""

from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.db import transaction

from common.events import log_event
from elections.models import Assignment
from stations.models import District, Region, Station

Role = Assignment.Role
_READ = ["view_protocol", "view_protocolentry", "view_contest", "view_election", "view_station"]
_ORGANISATIONS = ["view_organisation", "add_organisation", "change_organisation"]
# The forensic signals of their area's stations (a review list: worth a look, never a verdict).
_SIGNALS = ["view_stationsignal"]
# Model permissions per role; which stations they apply to is decided by the assignment rows.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.PRECINCT: [*_READ, "add_protocolentry"],
    # A territorial commission accredits its region's domestic organisations.
    Role.TERRITORIAL: [
        *_READ,
        "add_protocolentry",
        "change_protocol",
        *_ORGANISATIONS,
        *_SIGNALS,
    ],  # fmt: skip
    # Only the CEC manages assignments: a territorial member could otherwise appoint a CEC one.
    Role.CEC: [
        *_READ,
        "add_protocolentry",
        "change_protocol",
        "view_assignment",
        "add_assignment",
        "delete_assignment",
        "change_election",  # moves the election through its statuses
        "change_contest",  # builds ballots while the election is in setup
        "view_user",
        *_ORGANISATIONS,  # the accreditation desk
        "view_accreditation",
        "add_accreditation",
        "change_accreditation",
        "view_visit",
        "view_note",
        "view_protocolcopy",  # observers' copies' images before their organisation publishes
        *_SIGNALS,
    ],  # fmt: skip
    Role.AUDITOR: [*_READ, *_SIGNALS],
}


def role_group(role: str) -> Group:
    """The group of a role, with exactly the permissions ROLE_PERMISSIONS gives it now."""
    group, _ = Group.objects.get_or_create(name=Role(role).label)
    group.permissions.set(Permission.objects.filter(codename__in=ROLE_PERMISSIONS[role]))
    return group


@transaction.atomic
def staff_assign(
    *,
    user: AbstractBaseUser,
    role: str,
    region: Region | None = None,
    district: District | None = None,
    station: Station | None = None,
) -> Assignment:
    """Give a user a commission role and its area; they can then use the admin within it."""
    if district is not None:
        region = district.region
    assignment = Assignment(user=user, role=role, region=region, district=district, station=station)
    assignment.full_clean()
    assignment.save()
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(role_group(role))
    log_event(
        "staff.assigned", user=user.username, role=role, region=getattr(region, "code", None),
        district=getattr(district, "pk", None), station=getattr(station, "pk", None),
    )  # fmt: skip
    return assignment


@transaction.atomic
def staff_unassign(*, assignment: Assignment, user: AbstractBaseUser) -> None:
    """End an assignment; a login left with no assignment loses its role's group and the admin."""
    person = assignment.user
    assignment.delete()
    remaining = set(Assignment.objects.filter(user=person).values_list("role", flat=True))
    if assignment.role not in remaining:
        person.groups.remove(role_group(assignment.role))
    if not remaining and not person.is_superuser:
        person.is_staff = False
        person.save(update_fields=["is_staff"])
    log_event(
        "staff.unassigned", user=person.username, role=assignment.role, by=user.username,
        remaining=sorted(remaining),
    )  # fmt: skip
