"""What the public reads: results pages and their URLs, the results API, open data, charts and
the snapshot files. It reads published records, tallies and the structure, never protocols or
the services that change them (tests/test_layering.py holds it to that)."""
