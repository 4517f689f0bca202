"""A simulated election day and night, driven through the same services staff use.

The figures are drawn so that the night looks like 19 March 2023: each station's turnout
around its region's official one, party-list votes around the official national shares. Every
draw is seeded per station and contest, so a run can stop anywhere and a later run with the same
seed continues it: what is already reported or accepted is left as it is.
"""

import contextvars
import random
import threading
import time as clock
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery import current_app
from django.contrib.auth import get_user_model
from django.db import connections

from common import queue
from elections.models import (
    BallotLine,
    ContestStation,
    Election,
    Protocol,
    StationReport,
    turnout_hours,
)
from elections.selectors import election_stations, frozen_ballot
from elections.services import protocols as entry
from elections.services.aggregation import aggregations_deferred
from elections.services.day import Report, station_reports_submit
from elections.services.staff import staff_assign
from elections.services.structure import election_change_status
from stations.models import Station
from stations.reference import load_dataset

Status = Protocol.Status
Kind = StationReport.Kind
# Share of the final turnout reached by each fixed hour (07:00–20:00 local, a typical curve).
CURVE = {"10:00": 0.22, "12:00": 0.45, "14:00": 0.63, "16:00": 0.79, "18:00": 0.92}
SHARE_LATE = 0.01  # stations that open 20–50 minutes late
SHARE_EARLY = 0.009  # stations opened at 06:00 by decision (92 of 10,233 in 2023)
# A replayed day is received now, long after its stated times: each report says so.
REPLAY = "replayed by simulate_election_night"
SHARE_MISMATCH = 0.02  # second entries with two vote lines swapped: a supervisor resolves them
SHARE_INVALID = 0.01  # protocols with many invalid ballots: explained, then reviewed
LEADING_PARTY = "AMANAT"  # the reference election's leader: where stuffed ballots go
SHARE_FULL_TURNOUT = 0.003  # closed stations (hospitals, units) where nearly all voted: flagged
WAVE = 200  # stations per wave: in the process (no broker) each wave is published at its end
# In the process, the wave's contests are aggregated (station counts, snapshot files) only every
# this many stations: each contest's run costs ~15 ms whatever changed, and a wave of 200 touches
# ~250 contests (the sums are current after each wave all the same: publication adds them).
# With a broker the workers aggregate as records arrive, each contest once per countdown.
AGGREGATE_EVERY = 2000
DAY_BATCH = 500  # reports checked and saved together (station_reports_submit)
Progress = Callable[[str], None]


@dataclass
class Staff:
    reporter: object
    clerks: tuple[object, object]
    supervisors: tuple[object, object]


@dataclass
class Summary:
    reports: int = 0
    protocols: int = 0
    mismatches_resolved: int = 0
    reviewed: int = 0
    stations_counted: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def simulation_staff() -> Staff:
    """Simulated commission members: nationwide (CEC) roles, so one set covers every station."""
    users = {}
    for name in ("sim-reporter", "sim-clerk-1", "sim-clerk-2", "sim-supervisor-1",
                 "sim-supervisor-2"):  # fmt: skip
        user, created = get_user_model().objects.get_or_create(username=name)
        if created:
            user.set_unusable_password()
            user.save()
            staff_assign(user=user, role="cec")
        users[name] = user
    return Staff(
        reporter=users["sim-reporter"],
        clerks=(users["sim-clerk-1"], users["sim-clerk-2"]),
        supervisors=(users["sim-supervisor-1"], users["sim-supervisor-2"]),
    )


class Night:
    def __init__(
        self,
        election: Election,
        *,
        seed: int,
        progress: Progress,
        speed: float = 0,
        jobs: int = 1,
        stuff: float = 0,
        stuff_region: str = "",
    ):
        self.election = election
        # ``stuff`` % of ``stuff_region``'s stations stuffed: what the forensic pages should find.
        self.stuff, self.stuff_region = stuff, stuff_region
        self.jobs = jobs  # stations worked on at once, each by its own thread and connection
        self._lock = threading.Lock()
        self.seed = seed
        self.progress = progress
        self.speed = speed  # simulated minutes per real second in the day; 0: no pacing
        self.staff = simulation_staff()
        self.summary = Summary()
        reference = load_dataset("kz2023")
        self.region_turnout = {
            region["code"]: region["turnout_2023_percent"] / 100 for region in reference["regions"]
        }
        register = reference["register"]
        self.region_turnout["ABR"] = register["abroad_voted"] / register["abroad"]
        valid = reference["mazhilis_valid_ballots"]
        self.party_share = {
            p["short"]: p["mazhilis_list_votes"] / valid for p in reference["parties"]
        }
        self.against_share = reference["mazhilis_against_all_votes"] / valid
        self.stations = election_stations_in_order(election)

    # --- the day ----------------------------------------------------------------------------

    def run_day(self) -> None:
        started = clock.perf_counter()
        if self.election.status == Election.Status.SETUP:
            self.election = election_change_status(
                election=self.election, to_status="polling", user=None, reason="simulation"
            )
        if self.election.status == Election.Status.POLLING:
            done = set(
                StationReport.objects.filter(election=self.election).values_list(
                    "station_id", "kind", "hour"
                )
            )
            events = sorted(
                (e for station in self.stations for e in self._day_of(station)),
                key=lambda event: event[1],
            )
            todo = [e for e in events if (e[0].pk, e[2], e[3]) not in done]
            self._pace_and_report(todo)
            self.election = election_change_status(
                election=self.election, to_status="counting", user=None,
                reason="polls closed everywhere (simulation)",
            )  # fmt: skip
        self.summary.seconds["day"] = clock.perf_counter() - started

    def _pace_and_report(self, events: list) -> None:
        first = events[0][1] if events else None
        real_start = clock.perf_counter()
        step = max(len(events) // 20, 1)
        done = 0

        def due(event) -> float:
            """Seconds from the start of the replay until the event is due (0: no pacing)."""
            if not self.speed or first is None:
                return 0
            return (event[1] - first).total_seconds() / 60 / self.speed

        def report(mine: list) -> None:
            nonlocal done
            start = 0
            while start < len(mine):
                if (wait := due(mine[start]) - (clock.perf_counter() - real_start)) > 0:
                    clock.sleep(wait)
                # What is due by now, in one batch: the same checks, a few queries in all.
                now = clock.perf_counter() - real_start
                end = start + 1
                while end < len(mine) and end - start < DAY_BATCH and due(mine[end]) <= now:
                    end += 1
                batch = mine[start:end]
                station_reports_submit(
                    election=self.election, user=self.staff.reporter,
                    reports=[
                        Report(station, kind, at, hour, voters, decision, REPLAY)
                        for station, at, kind, hour, voters, decision in batch
                    ],
                )  # fmt: skip
                start = end
                with self._lock:
                    before, done = done, done + len(batch)
                    self.summary.reports += len(batch)
                    if done // step > before // step or done == len(events):
                        at = batch[-1][1]
                        self.progress(f"day: {done:,} of {len(events):,} reports ({at:%H:%M} UTC)")

        # Split by station, so that each station's reports stay in their order.
        self._in_parallel(report, events, key=lambda event: event[0].pk)

    def _in_parallel(self, work: Callable[[list], None], items: list, key=lambda item: item):
        """Run ``work`` on ``jobs`` shares of ``items`` at once, split by ``key`` modulo jobs.

        Each share runs in its own thread with its own database connection (and in the caller's
        context, so that deferred aggregations are collected for the caller).
        """
        shares: list[list] = [[] for _ in range(self.jobs)]
        for item in items:
            shares[key(item) % self.jobs].append(item)
        if self.jobs == 1:
            work(shares[0])
            return

        def run(share: list) -> None:
            try:
                work(share)
            finally:
                connections.close_all()  # this thread's own connections

        with ThreadPoolExecutor(self.jobs) as pool:
            futures = [pool.submit(contextvars.copy_context().run, run, share) for share in shares]
            for future in futures:
                future.result()  # re-raises what failed in a thread

    def _day_of(self, station: Station) -> list[tuple]:
        """The station's day: (station, at, kind, hour, voters, decision) in order."""
        rng = random.Random(f"{self.seed}-day-{station.pk}")
        opens, closes = station.polling_hours(
            self.election.date, opens=self.election.opens_at, closes=self.election.closes_at
        )
        issued = self.issued(station)
        draw = rng.random()
        decision = ""
        if draw < SHARE_EARLY:
            opens -= timedelta(hours=1)
            decision = "Territorial commission decision: opened at 06:00 for shift workers"
        elif draw < SHARE_EARLY + SHARE_LATE:
            opens += timedelta(minutes=rng.randint(20, 50))
        events = [(station, opens, Kind.OPENED, None, None, decision)]
        share = 0.0
        for hour in turnout_hours(self.election):
            share = max(share, min(1.0, CURVE.get(f"{hour:%H:%M}", 0.5) * rng.uniform(0.9, 1.1)))
            at = datetime.combine(self.election.date, hour, tzinfo=station.zone)
            at = max(at + timedelta(minutes=rng.randint(0, 12)), opens)
            events.append((station, at, Kind.TURNOUT, hour, int(issued * share), ""))
        events.append((station, closes, Kind.CLOSED, None, issued, ""))
        events.append((station, closes + timedelta(minutes=5), Kind.COUNTING_STARTED, None,
                       None, ""))  # fmt: skip
        return events

    def issued(self, station: Station) -> int:
        """Ballots given out at the station: as voters came (below), or stuffed. A stuffed
        station's turnout is pushed to 85–97 %, half of them to a whole percentage, as a pen
        writes it (Kobak et al.'s fingerprint); the extra ballots all go to the leader."""
        natural = self._voted(station)
        if not self.stuffed(station):
            return natural
        rng = random.Random(f"{self.seed}-stuffed-{station.pk}")
        voters = station.registered_voters
        issued = max(natural, round(voters * rng.uniform(0.85, 0.97)))
        whole = round(round(100 * issued / voters) * voters / 100) if voters else issued
        return whole if rng.random() < 0.5 and natural <= whole <= voters else issued

    def stuffed(self, station: Station) -> bool:
        if not self.stuff or station.region.code != self.stuff_region:
            return False
        return random.Random(f"{self.seed}-stuff-{station.pk}").random() * 100 < self.stuff

    def _voted(self, station: Station) -> int:
        """Voters who received ballots at the station: its region's 2023 turnout, give or take."""
        rng = random.Random(f"{self.seed}-turnout-{station.pk}")
        if rng.random() < SHARE_FULL_TURNOUT:
            return round(station.registered_voters * rng.uniform(0.96, 1.0))
        rate = self.region_turnout.get(station.region.code, 0.54) * rng.gauss(1, 0.08)
        return round(station.registered_voters * min(max(rate, 0.05), 0.94))

    # --- the night --------------------------------------------------------------------------

    def run_night(self, reporting: float) -> None:
        """Enter, settle and accept every protocol of the first ``reporting`` % of stations."""
        started = clock.perf_counter()
        order = self.stations[:]
        random.Random(f"{self.seed}-order").shuffle(order)
        chosen = order[: round(len(order) * reporting / 100)]
        coverage: dict[int, list[int]] = {}
        for station_id, contest_id in ContestStation.objects.filter(
            election=self.election
        ).values_list("station_id", "contest_id"):
            coverage.setdefault(station_id, []).append(contest_id)
        contests = {c.pk: c for c in self.election.contests.select_related("election")}
        active = Protocol.objects.filter(contest__election=self.election, is_active=True)
        states = {(p.station_id, p.contest_id): p for p in active}
        counted = set(
            StationReport.objects.filter(
                election=self.election, kind=Kind.COUNTING_FINISHED
            ).values_list("station_id", flat=True)
        )
        expected = sum(len(coverage.get(s.pk, [])) for s in chosen)
        done = 0

        def count(stations: list[Station]) -> None:
            nonlocal done
            # Each entry commits on its own: one transaction per station (each service's own
            # becoming a savepoint) measured 13 % slower on SQLite, whose commits cost little
            # in WAL mode with synchronous=NORMAL.
            for station in stations:
                for contest_id in sorted(coverage.get(station.pk, [])):
                    existing = states.get((station.pk, contest_id))
                    self._protocol(station, contests[contest_id], existing)
                    with self._lock:
                        done += 1
            self._counting_finished([s for s in stations if s.pk not in counted])

        every = AGGREGATE_EVERY if current_app.conf.task_always_eager else WAVE
        for first in range(0, len(chosen), every):
            with aggregations_deferred():  # each contest the waves touched, once at the end
                for start in range(first, min(first + every, len(chosen)), WAVE):
                    with queue.deferred():  # in the process: the wave published as it ends
                        self._in_parallel(count, chosen[start : start + WAVE], key=lambda s: s.pk)
                    rate = done / (clock.perf_counter() - started)
                    self.progress(
                        f"night: {min(start + WAVE, len(chosen)):,} of {len(chosen):,} stations, "
                        f"{done:,} of {expected:,} protocols ({rate:.0f}/s)"
                    )
        self.summary.stations_counted = len(chosen)
        self.summary.seconds["night"] = clock.perf_counter() - started

    def _counting_finished(self, stations: list[Station]) -> None:
        """Each station's count finished, once its protocols are in: one batch of reports."""
        reports = []
        for station in stations:
            rng = random.Random(f"{self.seed}-count-{station.pk}")
            _, closes = station.polling_hours(
                self.election.date, opens=self.election.opens_at, closes=self.election.closes_at
            )
            at = closes + timedelta(minutes=rng.randint(60, 300))
            reports.append(Report(station, Kind.COUNTING_FINISHED, at, late_reason=REPLAY))
        for start in range(0, len(reports), DAY_BATCH):
            batch = reports[start : start + DAY_BATCH]
            station_reports_submit(election=self.election, user=self.staff.reporter, reports=batch)
            with self._lock:
                self.summary.reports += len(batch)

    def _protocol(self, station: Station, contest, existing: Protocol | None) -> None:
        if existing is not None and existing.status in (Status.ACCEPTED, Status.SUPERSEDED):
            return
        rng = random.Random(f"{self.seed}-protocol-{station.pk}-{contest.pk}")
        lines = frozen_ballot(contest).lines
        numbers, votes, explanation = self.figures(station, lines, rng)
        first, second = self.staff.clerks
        typed = dict(votes)
        if rng.random() < SHARE_MISMATCH and len(votes) > 1:
            a, b = rng.sample(sorted(votes), 2)  # a swap keeps every control relation
            typed[a], typed[b] = votes[b], votes[a]
        protocol = existing
        if protocol is None or protocol.status == Status.RETURNED:
            protocol = entry.protocol_submit_entry(
                station=station, contest=contest, user=first,
                data=entry.EntryData(numbers=numbers, votes=votes, explanation=explanation),
            )  # fmt: skip
        if protocol.status == Status.AWAITING_SECOND:
            protocol = entry.protocol_submit_entry(
                station=station, contest=contest, user=second,
                data=entry.EntryData(numbers=numbers, votes=typed, explanation=explanation),
            )  # fmt: skip
        with self._lock:
            self.summary.protocols += 1
        supervisor, _ = self.staff.supervisors
        if protocol.status == Status.MISMATCH:
            differing = entry.entry_differences(*protocol.entries.filter(cycle=protocol.cycle))
            protocol = entry.protocol_resolve(
                protocol=protocol, user=supervisor, choices=dict.fromkeys(differing, 1)
            )
            with self._lock:
                self.summary.mismatches_resolved += 1
        if protocol.status == Status.REVIEW:
            protocol = entry.protocol_accept(
                protocol=protocol, user=supervisor,
                comment="Checked against the signed protocol and the commission's minutes.",
            )  # fmt: skip
            with self._lock:
                self.summary.reviewed += 1

    def figures(
        self, station: Station, lines: list[BallotLine], rng: random.Random
    ) -> tuple[dict[str, int], dict[int, int], str]:
        """A protocol that meets every control relation, and an explanation where one is due."""
        voters = station.registered_voters
        issued = self.issued(station)
        invalid_rate = rng.uniform(0.035, 0.06) if rng.random() < SHARE_INVALID else 0.012
        invalid = min(issued, round(issued * invalid_rate * rng.uniform(0.5, 1.5)))
        valid = issued - invalid
        numbers = {
            "l1_voters": voters, "l2_received": voters, "l3_issued": issued,
            "l3a_mobile": round(issued * 0.02), "l3b_absentee": round(issued * 0.005),
            "l4_cancelled": voters - issued, "l5_found": issued, "l6_invalid": invalid,
            "l7_valid": valid,
        }  # fmt: skip
        weights = [self._weight(line, rng) for line in lines]
        extra = min(issued - self._voted(station), valid)  # stuffed ballots, all for the leader
        shares = apportion(valid - extra, weights)
        shares[self._leader(lines, weights)] += extra
        votes = dict(zip([line.position for line in lines], shares, strict=True))
        explanation = ""
        if issued and invalid * 100 >= issued * self.election.invalid_warning_percent:
            explanation = "Many ballots were marked for more than one party; see the minutes."
        if issued * 100 > voters * self.election.turnout_quarantine_percent:
            explanation = "A closed station (hospital): nearly every registered voter voted."
        return numbers, votes, explanation

    @staticmethod
    def _leader(lines: list[BallotLine], weights: list[float]) -> int:
        """The index of the leading party's line (or its candidate's), else the heaviest."""
        for index, line in enumerate(lines):
            party = line.party or (line.candidate.party if line.candidate_id else None)
            if party is not None and party.short_name == LEADING_PARTY:
                return index
        return max(range(len(lines)), key=weights.__getitem__)

    def _weight(self, line: BallotLine, rng: random.Random) -> float:
        noise = rng.lognormvariate(0, 0.2)
        if line.is_against_all:
            return self.against_share * noise
        if line.party_id is not None:
            return self.party_share.get(line.party.short_name, 0.02) * noise
        # Single-member: a candidate of the leading party tends to lead.
        party = line.candidate.party.short_name if line.candidate.party_id else ""
        return (3.0 if party == "AMANAT" else 1.0) * rng.lognormvariate(0, 0.5)


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split a whole number in proportion to weights, by largest remainders."""
    scale = sum(weights) or 1
    exact = [total * w / scale for w in weights]
    parts = [int(x) for x in exact]
    for index in sorted(range(len(exact)), key=lambda i: parts[i] - exact[i])[: total - sum(parts)]:
        parts[index] += 1
    return parts


def election_stations_in_order(election: Election) -> list[Station]:
    """The election's stations, easternmost zones first (they close first)."""
    stations = election_stations(election).select_related("region")
    return sorted(stations, key=lambda s: (s.polling_hours(election.date)[1], s.pk))
