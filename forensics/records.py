"""The per-station numbers of a contest as published: each station's standing record."""

from collections import Counter

from elections.models import Contest, Publication


def contest_stations(election: str, contest: str | None = None) -> tuple[str, list[tuple]]:
    """(the contest's label, rows of voters, given, received, leader's votes) from the standing
    published records; the leader is the ballot line with the most votes over them all. Without
    ``contest``, the election's national party list."""
    contests = Contest.objects.filter(election__code=election)
    if contest:
        found = contests.filter(code=contest).first()
    else:  # the Mazhilis list if there is one, else the first party list
        lists = contests.filter(kind=Contest.Kind.PARTY_LIST)
        found = (lists.filter(body=Contest.Body.MAZHILIS) or lists.order_by("pk")).first()
    if found is None:
        raise LookupError(f"no contest {contest or '(party list)'} in election {election}")
    records = list(
        Publication.objects.filter(protocol__contest=found, protocol__is_active=True).values_list(
            "record", flat=True
        )
    )
    totals: Counter = Counter()
    for record in records:
        for vote in record["votes"]:
            totals[vote["position"]] += vote["votes"]
    leader = max(totals, key=totals.__getitem__, default=None)
    rows = []
    for record in records:
        lines = record["lines"]
        votes = {vote["position"]: vote["votes"] for vote in record["votes"]}
        rows.append((lines["l1_voters"], lines["l3_issued"], lines["l5_found"],
                     votes.get(leader, 0)))  # fmt: skip
    return f"{election} {found.code}", rows
