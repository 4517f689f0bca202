"""Object permissions on stations, derived from commission assignments (elections.access)."""

import rules

from elections import access


@rules.predicate
def may_enter(user, station) -> bool:
    return station is not None and access.in_scope(user, station, access.ENTER)


@rules.predicate
def may_review(user, station) -> bool:
    return station is not None and access.in_scope(user, station, access.REVIEW)


@rules.predicate
def may_view(user, station) -> bool:
    return station is not None and access.in_scope(user, station, access.VIEW)


rules.add_perm("elections.enter_protocol", may_enter)
rules.add_perm("elections.review_protocol", may_review)
rules.add_perm("elections.view_protocols_of", may_view)
