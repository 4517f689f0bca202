from elections.models.structure import (
    ELECTION_TRANSITIONS,
    BallotLine,
    Candidate,
    Contest,
    ContestStation,
    Election,
    ElectionStatusChange,
    Party,
    PartyList,
    PartyListEntry,
)

__all__ = [
    "ELECTION_TRANSITIONS",
    "BallotLine",
    "Candidate",
    "Contest",
    "ContestStation",
    "Election",
    "ElectionStatusChange",
    "Party",
    "PartyList",
    "PartyListEntry",
]
