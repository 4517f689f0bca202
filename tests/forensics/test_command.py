"""`manage.py forensics`: on any per-station CSV, and on this site's published records."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from elections.services.publication import protocols_publish
from tests.elections.conftest import good_numbers
from tests.forensics.test_stats import clean_night, forged


def write_csv(path, stations) -> None:
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["station", "voters", "given", "received", "leader_votes"])
        for number, row in enumerate(zip(stations.voters, stations.given, stations.received,
                                         stations.leader, strict=True), start=1):  # fmt: skip
            writer.writerow([number, *row])


def run(*args) -> str:
    out = StringIO()
    call_command("forensics", *args, stdout=out)
    return out.getvalue()


def z_of(output: str) -> float:
    return float(output.split(" z ")[1].split(",")[0])


def test_the_csv_of_a_clean_and_of_a_forged_night(tmp_path):
    stations, _region = clean_night()
    write_csv(tmp_path / "clean.csv", stations)
    write_csv(tmp_path / "forged.csv", forged(stations, 0.03))

    clean = run("--csv", str(tmp_path / "clean.csv"), "--replicates", "300")
    assert "10,233 stations" in clean and "second-digit mean" in clean
    assert abs(z_of(clean)) < 3
    assert z_of(run("--csv", str(tmp_path / "forged.csv"), "--replicates", "300")) > 5


def test_a_bad_csv_says_what_is_wrong(tmp_path):
    (tmp_path / "a.csv").write_text("station,voters,given\n1,100,50\n")
    with pytest.raises(CommandError, match="no column received, leader_votes"):
        run("--csv", str(tmp_path / "a.csv"))
    (tmp_path / "b.csv").write_text("station,voters,given,received,leader_votes\n1,100,x,50,20\n")
    with pytest.raises(CommandError, match="line 2: voters, given, received and leader_votes"):
        run("--csv", str(tmp_path / "b.csv"))
    with pytest.raises(CommandError):
        run("--csv", str(tmp_path / "missing.csv"))


@pytest.mark.django_db
def test_the_published_records_of_an_election(night):
    night.accept(night.station)
    night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))
    protocols_publish()

    output = run("--election", night.election.code, "--contest", night.contest.code,
                 "--replicates", "50")  # fmt: skip

    assert f"{night.election.code} {night.contest.code}: 2 stations" in output
    with pytest.raises(CommandError, match="no contest"):
        run("--election", night.election.code, "--contest", "nowhere")
