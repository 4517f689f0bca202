"""The election's structure API (contests, stations, their ballots) and the staff's API
(protocol entries, station reports); the public results API is elections.public.api."""
