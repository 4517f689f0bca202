"""Result snapshots: files a CDN or object store can serve when traffic outgrows the web servers.

Per contest, after each aggregation: ``results/<election>/<contest>/<n>/contest.json`` (totals
per area, seats or the outcome, and every station's current published result with its hash)
and ``…/<n>/stations.csv`` (one row per station), where ``n`` is the last publication they
include; then ``results/<election>/<contest>/current.json`` points at them. Snapshot files
are never rewritten, only the pointer moves, so a cached copy is never half new.
"""

import io
import json

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from common.spreadsheets import csv_writer
from elections.models import PROTOCOL_LINES, Contest, Publication
from elections.public.open_data import contest_csv, contest_document, contest_records
from elections.public.results import current_records


def _folder(contest: Contest) -> str:
    return f"results/{contest.election.code}/{contest.code}"


def _save(path: str, content: bytes) -> None:
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(content))


def contest_snapshot_write(*, contest_id: int) -> str:
    """Write the contest's snapshot files and move its pointer; returns the pointer's path."""
    contest = Contest.objects.select_related("election").get(pk=contest_id)
    publications = contest_records(contest)
    document = contest_document(contest, publications)
    up_to = document["publications_up_to"]
    folder = _folder(contest)
    json_path, csv_path = f"{folder}/{up_to}/contest.json", f"{folder}/{up_to}/stations.csv"
    _save(json_path, json.dumps(document, ensure_ascii=False, indent=1).encode())
    _save(csv_path, contest_csv(contest, publications))
    pointer = {"publications_up_to": up_to, "json": json_path, "csv": csv_path,
               "written": document["generated_at"]}  # fmt: skip
    _save(f"{folder}/current.json", json.dumps(pointer).encode())
    return f"{folder}/current.json"


def station_snapshots_write(*, publications: list[Publication]) -> list[str]:
    """Rewrite the files of the stations these publications are for; returns the JSON paths.

    ``results/<election>/stations/<region>-<number>.json`` and ``.csv``: the station's current
    published record in every contest of the election, from the chain's own records. A station
    whose contests were published together is written once.
    """
    elections = {p.record["election"] for p in publications}
    stations = {p.protocol.station_id for p in publications}
    current = (
        current_records(station_id__in=stations, contest__election__code__in=elections)
        .order_by("record__contest")
        .values_list("record", "sha256")
    )
    files: dict[tuple[str, str, int], list[dict]] = {}
    for record, sha256 in current:
        key = (record["election"], record["region"], record["station"])
        files.setdefault(key, []).append(dict(record, sha256=sha256))
    return [_station_files(*key, records) for key, records in sorted(files.items())]


def _station_files(election: str, region: str, number: int, records: list[dict]) -> str:
    base = f"results/{election}/stations/{region}-{number}"
    _save(f"{base}.json", json.dumps({"election": election, "region": region, "station": number,
                                      "results": records},
                                     ensure_ascii=False, indent=1).encode())  # fmt: skip
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["contest", "version", *PROTOCOL_LINES, "votes", "sha256"])
    for record in records:
        votes = ";".join(str(item["votes"]) for item in record["votes"])
        lines = [record["lines"][name] for name in PROTOCOL_LINES]
        writer.writerow([record["contest"], record["version"], *lines, votes, record["sha256"]])
    _save(f"{base}.csv", out.getvalue().encode())
    return f"{base}.json"
