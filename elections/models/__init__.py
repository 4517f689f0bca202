from elections.models.day import StationReport, turnout_hours
from elections.models.protocols import (
    PROTOCOL_LINES,
    PROTOCOL_NUMBER_MAX,
    PROTOCOL_TRANSITIONS,
    Protocol,
    ProtocolEntry,
    ProtocolEvent,
    ProtocolVote,
)
from elections.models.publication import Publication
from elections.models.staff import Assignment
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
from elections.models.tallies import ContestTally

__all__ = [
    "turnout_hours",
    "ELECTION_TRANSITIONS",
    "PROTOCOL_LINES",
    "PROTOCOL_NUMBER_MAX",
    "PROTOCOL_TRANSITIONS",
    "Assignment",
    "BallotLine",
    "Candidate",
    "Contest",
    "ContestStation",
    "ContestTally",
    "Election",
    "ElectionStatusChange",
    "Party",
    "PartyList",
    "PartyListEntry",
    "Protocol",
    "ProtocolEntry",
    "ProtocolEvent",
    "ProtocolVote",
    "Publication",
    "StationReport",
]
