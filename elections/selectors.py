from django.db.models import Count

from elections.models import Candidate, Contest, Election


def election_counts(election: Election) -> dict[str, int]:
    """What an election holds, for command summaries and checks."""
    contests = election.contests.all()
    by_body_kind = {
        (row["body"], row["kind"]): row["n"]
        for row in contests.values("body", "kind").annotate(n=Count("pk"))
    }
    return {
        "contests": contests.count(),
        "mazhilis_list": by_body_kind.get((Contest.Body.MAZHILIS, Contest.Kind.PARTY_LIST), 0),
        "mazhilis_smd": by_body_kind.get((Contest.Body.MAZHILIS, Contest.Kind.SINGLE_MEMBER), 0),
        "regional_list": by_body_kind.get(
            (Contest.Body.REGIONAL_MASLIKHAT, Contest.Kind.PARTY_LIST), 0
        ),
        "regional_smd": by_body_kind.get(
            (Contest.Body.REGIONAL_MASLIKHAT, Contest.Kind.SINGLE_MEMBER), 0
        ),
        "local_smd": by_body_kind.get(
            (Contest.Body.LOCAL_MASLIKHAT, Contest.Kind.SINGLE_MEMBER), 0
        ),
        "local_bodies": contests.filter(body=Contest.Body.LOCAL_MASLIKHAT)
        .values("district")
        .distinct()
        .count(),
        "candidates": Candidate.objects.filter(election=election).count(),
        "self_nominated": Candidate.objects.filter(election=election, party=None).count(),
        "parties": election.parties.count(),
    }
