"""saylau_verify.client against a log served over real HTTP (tests/verifier/fakesite.py)."""

import json
import zipfile
from collections import defaultdict

import pytest
from saylau_verify import client, note
from saylau_verify.client import Archive, Site

from tests.verifier import fakesite

WITNESS = "observers.example/witness"


@pytest.fixture
def log() -> fakesite.Log:
    """300 records, signed at 100, 200 and 300, then 12 more not yet signed."""
    log = fakesite.Log()
    for _ in range(3):
        log.publish(100)
        log.sign()
    log.publish(12)
    return log


@pytest.fixture
def witness(log, tmp_path):
    """A witness the log registered: its key file and its state folder."""
    key = note.generate_key()
    log.witnesses[WITNESS] = note.verifier_key(WITNESS, key, note.COSIGNATURE_V1)
    key_file = tmp_path / "witness.key"
    key_file.write_text(note.signer_key(WITNESS, key, note.COSIGNATURE_V1) + "\n")
    return key_file, tmp_path / "state", log.witnesses[WITNESS]


def totals_by_hand(records: list[dict]) -> dict:
    """The standing record of each station and contest is its highest version."""
    standing = {}
    for r in records:
        key = (r["election"], r["contest"], r["region"], r["station"])
        if key not in standing or standing[key]["version"] < r["version"]:
            standing[key] = r
    totals = defaultdict(lambda: {"stations_accepted": 0, "lines": defaultdict(int),
                                  "votes": defaultdict(int)})  # fmt: skip
    for (election, contest, *_), r in standing.items():
        total = totals[f"{election}/{contest}"]
        total["stations_accepted"] += 1
        for name, value in r["lines"].items():
            total["lines"][name] += value
        for vote in r["votes"]:
            total["votes"][str(vote["position"])] += vote["votes"]
    return json.loads(json.dumps(totals))


def test_the_whole_log_verifies_and_every_contests_totals_are_recomputed(log):
    with fakesite.serving(log) as url:
        report = client.verify_all(Site(url), keys=[log.vkey])
    assert report.problems == []
    assert report.checked == [
        f"the source's key is the one given: {log.vkey}",
        "3 checkpoints signed by the log",
        "312 records: each matches its sha256 and follows the one before it",
        "the Merkle tree rebuilt from them: 3 of 3 checkpoints' roots match it",
        "12 records published after the latest checkpoint",
        "2 contests' totals recomputed from 268 standing records",
        "2 consistency proofs between successive checkpoints",
    ]
    assert report.checkpoint.size == 300
    assert report.totals == totals_by_hand(log.records)
    assert report.bytes_read > 312 * 900  # every record was read


def test_answers_in_gzip_are_read_and_counted_as_they_came(log):
    with fakesite.serving(log) as url:
        plain = client.verify_all(Site(url), keys=[log.vkey])
        one = client.verify_station(Site(url), "AST-1", keys=[log.vkey])
        log.gzip = True
        packed = client.verify_all(Site(url), keys=[log.vkey])
        small = client.verify_station(Site(url), "AST-1", keys=[log.vkey])
    assert packed.checked == plain.checked and packed.totals == plain.totals
    assert packed.ok and small.ok and small.standing == one.standing
    assert packed.bytes_read < plain.bytes_read / 2
    assert small.bytes_read < one.bytes_read * 0.8


def test_without_a_key_the_sites_own_is_used_and_said_to_be_unpinned(log):
    with fakesite.serving(log) as url:
        report = client.verify_all(Site(url))
    assert report.ok
    assert report.checked[0].startswith(f"the log's key {log.vkey} as the source publishes it")
    assert "pin it with --key" in report.checked[0]


def test_another_logs_key_is_refused(log):
    other = note.verifier_key(fakesite.ORIGIN, note.generate_key())
    with fakesite.serving(log) as url:
        report = client.verify_all(Site(url), keys=[other])
    assert f"the source publishes the key {log.vkey}, not one given" in report.problems
    assert "checkpoint 100: no signature by a known key" in report.problems[1]
    with fakesite.serving(log) as url:
        report = client.verify_station(Site(url), "AST-1", keys=[other])
    assert not report.ok and "no signature by a known key" in report.problems[-1]


@pytest.mark.parametrize("records", [64, 20_000])
def test_one_station_is_checked_with_a_few_kilobytes_whatever_the_logs_size(records):
    log = fakesite.Log()
    log.publish(records)
    log.sign()
    with fakesite.serving(log) as url:
        site = Site(url)
        report = client.verify_station(site, "AST-1", keys=[log.vkey])
    mine = [r for r in log.records if (r["region"], r["station"]) == ("AST", 1)]
    assert len(mine) == 4  # both contests, and two corrections of the party list
    assert report.problems == []
    assert report.checked[-1] == "AST-1: 4 records, each in the log at its index (2 standing)"
    assert sorted((r["contest"], r["version"]) for r in report.standing) == [
        ("mazhilis-party-list", 3),
        ("mazhilis-smd-5", 1),
    ]
    # The checkpoint, then the station's records and proofs in one answer (the key was given).
    assert site.requests == 2
    assert report.bytes_read == site.bytes_read < 10_000
    print(f"{records} records: {report.bytes_read} bytes")


def test_a_station_record_the_site_altered_fails_its_proof(log):
    with fakesite.serving(log) as url:
        # AST-1's correction changed in the database after it was signed, its hash with it.
        changed = json.loads(json.dumps(log.records[6]))
        changed["votes"][0]["votes"] += 1
        log.served[6] = changed
        report = client.verify_station(Site(url), "AST-1", keys=[log.vkey])
    assert report.problems == [
        "AST-1 leaf 6: its inclusion proof in the checkpoint of 300 does not verify"
    ]


def test_a_log_rewritten_from_record_100_with_its_old_checkpoints_is_caught(log):
    """The rewritten chain is clean (every hash and link holds, as verify_results would see
    it); the signed roots are not the tree of its records."""
    log.rewrite_from(100, resign=False)
    with fakesite.serving(log) as url:
        report = client.verify_all(Site(url), keys=[log.vkey])
    assert not any("sha256" in p or "follow" in p for p in report.problems)
    assert report.problems[:2] == [
        "checkpoint 200: its root is not the tree of the first 200 records (the log was "
        "rewritten since it was signed)",
        "checkpoint 300: its root is not the tree of the first 300 records (the log was "
        "rewritten since it was signed)",
    ]
    assert "the site's consistency proof from 100 to 200 does not verify" in report.problems


def test_a_log_rewritten_and_signed_again_is_caught_by_a_checkpoint_kept_from_before(log):
    kept = log.note(300)
    log.rewrite_from(100, resign=True)
    with fakesite.serving(log) as url:
        alone = client.verify_all(Site(url), keys=[log.vkey])
        report = client.verify_all(Site(url), keys=[log.vkey], kept=[kept])
    assert alone.ok  # signed again by the key's holder, the new log verifies on its own
    assert report.problems == [
        "your checkpoint of 300 records: its root is not the tree of today's first 300 records: "
        "the log was rewritten since"
    ]


def test_consistency_between_two_checkpoints(log):
    with fakesite.serving(log) as url:
        report = client.verify_between(Site(url), 100, 300, keys=[log.vkey])
        assert report.checked[-1] == "the checkpoint of 100 records is a prefix of that of 300"
        kept = log.checkpoints[100]
        log.rewrite_from(50, resign=True)
        log.checkpoints[100] = kept  # the old checkpoint, beside the new ones
        report = client.verify_between(Site(url), 100, 300, keys=[log.vkey])
    assert report.problems == ["the checkpoints of 100 and 300 records are not consistent"]


def test_a_witness_cosigns_each_new_checkpoint_once_it_is_consistent(log, witness):
    key_file, state, witness_vkey = witness
    with fakesite.serving(log) as url:
        first = client.witness_step(url, key_file, state)
        assert (first.cosigned, first.checkpoint.size) == (True, 300)
        assert first.message == "cosigned 300 records: the first checkpoint this witness sees"
        assert log.cosignatures[300] == [first.line]
        assert (state / "log.vkey").read_text() == log.vkey + "\n"
        assert note.Checkpoint.parse((state / "checkpoint").read_text()).size == 300
        again = client.witness_step(url, key_file, state)
        assert (again.cosigned, again.message) == (False, "already cosigned 300 records")
        log.sign()  # 312
        log.publish(500)
        log.sign()
        later = client.witness_step(url, key_file, state)
        assert (
            later.message == "cosigned 812 records: consistent with the 300 records cosigned before"
        )
        # The reader sees the cosignature on the checkpoint.
        report = client.verify_station(
            Site(url), "AST-1", keys=[log.vkey], witnesses=[witness_vkey]
        )
    assert report.witnesses == [WITNESS]
    assert f"cosigned by {WITNESS}" in report.checked[0]


def test_a_witness_refuses_a_rewritten_or_rolled_back_log_and_says_why(log, witness):
    key_file, state, _ = witness
    with fakesite.serving(log) as url:
        client.witness_step(url, key_file, state)
        log.rewrite_from(100, resign=True)
        log.publish(10)
        log.sign()
        with pytest.raises(client.WitnessRefusal) as refusal:
            client.witness_step(url, key_file, state)
        assert str(refusal.value) == (
            "the checkpoint of 322 records is not consistent with the 300 this witness "
            "cosigned: the log was rewritten"
        )
        assert 322 not in log.cosignatures
        # The same size with another root, and fewer records than cosigned.
        log.served_size = 300
        with pytest.raises(client.WitnessRefusal, match="another root .* the log was rewritten"):
            client.witness_step(url, key_file, state)
        log.served_size = 200
        with pytest.raises(client.WitnessRefusal, match="fewer than the 300 .* rolled back"):
            client.witness_step(url, key_file, state)
    # The state still holds what it cosigned last.
    assert note.Checkpoint.parse((state / "checkpoint").read_text()).size == 300


def test_a_witness_refuses_another_key_than_the_one_it_pinned(log, witness):
    key_file, state, _ = witness
    with fakesite.serving(log) as url:
        client.witness_step(url, key_file, state)
        log.key = note.generate_key()
        log.rewrite_from(0, resign=True)
        with pytest.raises(client.WitnessRefusal, match="not the one this witness pinned"):
            client.witness_step(url, key_file, state)


def test_a_cosignature_the_log_refuses_is_reported_with_its_reason(log, witness):
    key_file, state, _ = witness
    log.witnesses.clear()  # not registered
    with fakesite.serving(log) as url, pytest.raises(client.VerificationError) as error:
        client.witness_step(url, key_file, state)
    assert str(error.value) == (
        "the log refused the cosignature (HTTP 400): line: observers.example/witness is not a "
        "registered witness\n"
    )
    assert not (state / "checkpoint").exists()


def test_an_archive_verifies_offline_and_a_changed_total_or_record_is_caught(
    log, witness, tmp_path
):
    key_file, state, _ = witness
    with fakesite.serving(log) as url:
        client.witness_step(url, key_file, state)
    path = tmp_path / "archive.zip"
    path.write_bytes(log.archive())
    report = client.verify_all(Archive(path), keys=[log.vkey])
    assert report.problems == []
    assert report.checked[:3] == [
        f"the source's key is the one given: {log.vkey}",
        "1 witnesses' keys as the archive lists them",
        "3 checkpoints signed by the log, 1 of them cosigned by a witness given",
    ]
    assert "the archive's totals.json equals the recomputed totals" in report.checked
    # Without a key: the archive's own, said to be unpinned.
    unpinned = client.verify_all(Archive(path))
    assert unpinned.ok and "pin it with --key" in unpinned.checked[0]
    # totals.json changed.
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    totals = json.loads(files["totals.json"])
    totals["kz2023-mazhilis/mazhilis-smd-5"]["votes"]["1"] += 1
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, json.dumps(totals) if name == "totals.json" else data)
    report = client.verify_all(Archive(tampered), keys=[log.vkey])
    assert len(report.problems) == 1
    assert report.problems[0].startswith("totals.json kz2023-mazhilis/mazhilis-smd-5: votes 1 is")
    # The records rewritten, with a clean chain, under the old checkpoints.
    log.rewrite_from(150, resign=False)
    path.write_bytes(log.archive())
    report = client.verify_all(Archive(path), keys=[log.vkey])
    assert [p.split(":")[0] for p in report.problems] == ["checkpoint 200", "checkpoint 300"]


def test_an_unreachable_site_or_an_unreadable_archive_says_so(tmp_path):
    report = client.verify_all(Site("http://127.0.0.1:9"), keys=[])
    assert report.problems and "127.0.0.1:9" in report.problems[0]
    (tmp_path / "not.zip").write_text("no")
    with pytest.raises(client.SourceError, match="not a readable archive"):
        Archive(tmp_path / "not.zip")
    with pytest.raises(client.SourceError, match="not an http"):
        Site("ftp://example.org/")


def test_records_not_in_the_record_format_are_a_problem_not_a_crash(log):
    record = fakesite.a_record(0, ("AST", 999), "mazhilis-smd-5", 1, 0)
    record["votes"] = [{"position": 1, "name": "x", "votes": "many"}]
    log.append(record)
    log.sign()
    with fakesite.serving(log) as url:
        report = client.verify_all(Site(url), keys=[log.vkey])
    assert len(report.problems) == 1
    assert report.problems[0].startswith("the records' numbers are not in the record format")


def test_a_station_check_holds_a_kept_checkpoint_to_the_latest_with_a_few_hashes(log):
    kept = log.note(100)
    with fakesite.serving(log) as url:
        site = Site(url)
        report = client.verify_station(site, "AST-1", keys=[log.vkey], kept=[kept])
        assert report.ok, report.problems
        assert "your checkpoint of 100 records is a prefix of the latest checkpoint" in (
            report.checked
        )
        assert report.bytes_read < 10_000
        log.rewrite_from(50, resign=True)
        report = client.verify_station(Site(url), "AST-1", keys=[log.vkey], kept=[kept])
    assert report.problems == [
        "your checkpoint of 100 records is not consistent with the latest checkpoint of 300: "
        "the log was rewritten"
    ]


def test_a_correction_that_replaces_another_stations_record_is_named(log):
    record = fakesite.a_record(0, ("AST", 1), "mazhilis-smd-5", 2, 5)
    record["replaces_sha256"] = log.hashes[2]  # ALA-1's
    log.append(record)
    log.sign()
    with fakesite.serving(log) as url:
        report = client.verify_station(Site(url), "AST-1", keys=[log.vkey])
    assert report.problems == [
        "AST-1 leaf 312: replaces a record that is not among the station's earlier records in "
        "this contest"
    ]
