"""Checking one station's records against the latest checkpoint reads a few kilobytes, however
long the log: the verifier's own byte count, over HTTP, on a short log and a 70,000-leaf one."""

import hashlib

import pytest
from saylau_verify.client import Site, verify_station

from tests.transparency.conftest import Log
from transparency import tree
from transparency.models import Node
from transparency.services import log_bring_up_to_date

LOG_KEY = "saylau.test/log+65246c73+Act5Cnac6fdIlBzKE3usIJIPfArRzE6rKIGH5ollCkFj"
LIMIT = 10_000


@pytest.fixture
def live_log(transactional_db, django_user_model) -> Log:
    return Log(django_user_model)


def read_for_one_station(url: str) -> tuple[int, list[str]]:
    report = verify_station(Site(url), "KAR-203", keys=[LOG_KEY])
    assert report.ok, report.problems
    return report.bytes_read + report.header_bytes, report.checked


def test_one_station_reads_under_10_kb_whatever_the_log_size(live_log, live_server):
    live_log.publish(12)
    log_bring_up_to_date()
    short, checked = read_for_one_station(live_server.url)
    assert "KAR-203: 1 records, each in the log at its index (1 standing)" in checked

    # The rest of a long night: 70,000 leaves after the real ones (stand-ins for the records
    # of other stations, which this station's check never reads), then a checkpoint over all.
    at, more = tree.size(), 70_000 - tree.size()
    stand_ins = [hashlib.sha256(b"\x00" + str(i).encode()).digest() for i in range(more)]
    Node.objects.bulk_create(tree.append(stand_ins, at), batch_size=5000)
    assert log_bring_up_to_date().size == 70_000
    long, checked = read_for_one_station(live_server.url)

    assert "the latest checkpoint, 70000 records, is signed by the log" in checked
    assert short < long < LIMIT
    # 70,000 leaves instead of 12: a dozen more hashes in the proof, about 700 bytes in base64.
    assert long - short < 1000
