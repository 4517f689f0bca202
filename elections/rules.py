"""Object permissions on stations, derived from commission assignments (elections.access)."""

import rules

from elections import access


@rules.predicate
def may_review(user, station) -> bool:
    return station is not None and access.in_scope(user, station, access.REVIEW)


rules.add_perm("elections.review_protocol", may_review)
