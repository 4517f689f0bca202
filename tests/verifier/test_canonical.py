"""The verifier's leaf entry is the site's canonical JSON, byte for byte."""

import hashlib

from saylau_verify import merkle

from elections.services import publication

RECORD = {
    "sequence": 7,
    "previous_sha256": "ab" * 32,
    "election": "kz2023-mazhilis",
    "contest": "party-list",
    "region": "AST",
    "station": 1,
    "version": 2,
    "replaces_sha256": "cd" * 32,
    "reason": "Қате жазылған хаттама: «Аманат» бағанасы түзетілді",
    "legal_basis": "Статья 44 Конституционного закона «О выборах»",
    "lines": {"voters_on_list": 1200, "ballots_received": 1200, "valid": 843},
    "votes": [
        {"position": 1, "name": "«AMANAT» партиясы", "votes": 512},
        {"position": 2, "name": "Ақ жол", "votes": 201},
        {"position": 3, "name": "Против всех", "votes": 130},
    ],
    "scan_sha256": None,
    "accepted_at": "2023-03-19T21:04:05.123456+00:00",
    "published_at": "2023-03-19T21:04:06.000001+00:00",
}


def test_the_verifier_and_the_site_give_a_record_the_same_bytes():
    ours = merkle.canonical_json(RECORD)
    assert ours == publication.canonical_json(RECORD)
    assert hashlib.sha256(ours).hexdigest() == publication.record_hash(RECORD)
    # UTF-8 as it is, not \u escapes, and keys sorted without spaces.
    assert "Қате".encode() in ours and b"\\u" not in ours
    assert ours.startswith(b'{"accepted_at":"2023-03-19T21:04:05.123456+00:00","contest":')
