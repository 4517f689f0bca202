"""Scope: which stations a user's commission assignments reach, for which kind of work.

Every view, the admin and the API ask these functions (directly or through the rules in
elections/rules.py); none writes its own check. Outside one's scope a station does not exist.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from common.aggregates import Joined
from common.errors import NotAllowed, OutOfScope
from elections.models import Assignment
from stations.models import Region, Station

Role = Assignment.Role
ENTER = frozenset({Role.PRECINCT, Role.TERRITORIAL, Role.CEC})
REVIEW = frozenset({Role.TERRITORIAL, Role.CEC})
VIEW = frozenset(Role)


def _station_filter(user: AbstractBaseUser | AnonymousUser, roles: frozenset[str]) -> Q | None:
    """A filter on Station for the user's assignments in these roles; None means everywhere."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    scope = Q(pk__in=[])
    for assignment in _assignments(user):
        if assignment.role not in roles:
            continue
        if assignment.role in (Role.CEC, Role.AUDITOR):
            return None
        if assignment.station_id:
            scope |= Q(pk=assignment.station_id)
        elif assignment.district_id:
            scope |= Q(district_id=assignment.district_id)
        else:
            scope |= Q(region_id=assignment.region_id)
    return scope


def _assignments(user) -> list[Assignment]:
    """The user's assignments, read once per request: every check in a request asks again.

    An API call has them already, read with its token (`with_assignments`).
    """
    if not hasattr(user, ASSIGNMENTS):
        setattr(user, ASSIGNMENTS, list(user.assignments.all()))
    return getattr(user, ASSIGNMENTS)


ASSIGNMENTS = "_saylau_assignments"
_JOINED = "_saylau_assignments_joined"


def with_assignments(rows: QuerySet, user_field: str = "user") -> QuerySet:
    """Rows that name a user (API tokens), each with that user's assignments read in the same
    query; `remember_assignments` then hands them to the scope checks."""
    assignment = Concat(
        Cast("pk", CharField()), Value(":"), "role", Value(":"),
        Cast("region_id", CharField()), Value(":"), Cast("district_id", CharField()), Value(":"),
        Cast("station_id", CharField()),
    )  # fmt: skip
    joined = (
        Assignment.objects.filter(user=OuterRef(f"{user_field}_id"))
        .order_by()
        .values("user_id")
        .annotate(joined=Joined(assignment))
        .values("joined")
    )
    return rows.annotate(**{_JOINED: Subquery(joined, output_field=CharField())})


def remember_assignments(row, user) -> None:
    """The assignments a `with_assignments` row carries, as the user's for this request."""

    def whole(text: str) -> int | None:
        return int(text) if text else None

    found = []
    for item in filter(None, (getattr(row, _JOINED) or "").split(",")):
        pk, role, region, district, station = item.split(":")
        found.append(
            Assignment(
                pk=int(pk), user_id=user.pk, role=role, region_id=whole(region),
                district_id=whole(district), station_id=whole(station),
            )
        )  # fmt: skip
    setattr(user, ASSIGNMENTS, found)


def stations_in_scope(
    user: AbstractBaseUser | AnonymousUser, roles: frozenset[str] = VIEW
) -> QuerySet[Station]:
    scope = _station_filter(user, roles)
    return Station.objects.all() if scope is None else Station.objects.filter(scope)


def in_scope(
    user: AbstractBaseUser | AnonymousUser, station: Station, roles: frozenset[str]
) -> bool:
    """The same rule as _station_filter, read off the loaded station's own ids: no query."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(
        assignment.role in roles and _reaches(assignment, station)
        for assignment in _assignments(user)
    )


def _reaches(assignment: Assignment, station: Station) -> bool:
    if assignment.role in (Role.CEC, Role.AUDITOR):
        return True
    if assignment.station_id:
        return station.pk == assignment.station_id
    if assignment.district_id:
        return station.district_id == assignment.district_id
    return station.region_id == assignment.region_id


def require_scope(user, station: Station, roles: frozenset[str], doing: str) -> None:
    """404 outside the user's area, 403 inside it when their role may not do this."""
    if not in_scope(user, station, VIEW):
        raise OutOfScope(
            "station: "
            + _("station %(region)s %(station)s is not in your commission's area")
            % {"region": station.region.code, "station": station.number}
        )
    if not in_scope(user, station, roles):
        raise NotAllowed(
            "user: "
            + _("your role does not %(doing)s station %(station)s")
            % {"doing": doing, "station": station.number}
        )


def own_stations(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Station]:
    """The stations a user works at as a member of their precinct commission ("my stations")."""
    if not user.is_authenticated:
        return Station.objects.none()
    return Station.objects.filter(assignment__user=user, assignment__role=Role.PRECINCT)


def commission_for(user: AbstractBaseUser | AnonymousUser, region: Region | None) -> bool:
    """Does the user act for the commission keeping a register here (observers, organisations)?

    The CEC (and a superuser) anywhere; a territorial commission's regional members for their
    region. ``region=None`` asks for the CEC itself.
    """
    if not user.is_authenticated:
        return False
    roles = Assignment.objects.filter(user=user)
    if user.is_superuser or roles.filter(role=Role.CEC).exists():
        return True
    return (
        region is not None
        and roles.filter(
            role=Role.TERRITORIAL, region=region, district__isnull=True, station__isnull=True
        ).exists()
    )


def regions_kept_by(user: AbstractBaseUser | AnonymousUser) -> set[int] | None:
    """The regions whose registers (organisations and their papers) the user's commission
    keeps; None for the CEC, which keeps every one, nationwide organisations included."""
    if is_cec(user):
        return None
    if not user.is_authenticated:
        return set()
    return set(
        Assignment.objects.filter(
            user=user, role=Role.TERRITORIAL, district__isnull=True, station__isnull=True
        ).values_list("region_id", flat=True)
    )


def is_cec(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The Central Election Commission (or a superuser): every area, every register."""
    return commission_for(user, None)


def rows_in_scope(user, queryset, roles: frozenset[str] = VIEW):
    """Narrow a queryset of rows with a ``station`` (protocols, reports) to the user's scope."""
    scope = _station_filter(user, roles)
    if scope is None:
        return queryset
    return queryset.filter(station__in=Station.objects.filter(scope))


def entries_visible_to(user, protocol, entries) -> list:
    """One round's entries as this user may see them: blind until both are in.

    While the second entry is awaited, each clerk sees only their own typing, and a supervisor
    or auditor sees none: whoever types next must not be able to read what the first typed.
    A returned round is set aside, and until the next one starts its numbers would tell the
    next typists what to type: then too each sees only their own.
    """
    entries = list(entries)
    returned = protocol.status == protocol.Status.RETURNED
    if len(entries) == 2 and not returned:  # agreed or differs: a supervisor decides
        return entries
    return [entry for entry in entries if entry.user_id == user.pk]
