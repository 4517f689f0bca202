"""saylau-verify: check Saylau's transparency log from its site or from an election archive.

    saylau-verify https://saylau.example --key 'saylau.example/log+1a2b3c4d+A…'
    saylau-verify https://saylau.example --key @log.vkey --station AST-1
    saylau-verify saylau-archive.zip --key @log.vkey
    saylau-verify witness https://saylau.example --key witness.key --state witness-state/

Exit status: 0 when every check passes, 1 when one fails, 2 when the source cannot be read
or the arguments are wrong.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from saylau_verify import client

EPILOG = (
    "Without --station: every checkpoint's signature, every record, the Merkle tree rebuilt "
    "and compared with every checkpoint, the consistency proofs, and every contest's totals "
    "recomputed from the standing records. With --station: only that station's records and "
    "their inclusion proofs in the latest checkpoint (a few kilobytes)."
)


def _vkey(value: str) -> str:
    """A verifier key, or @FILE holding one."""
    if value.startswith("@"):
        try:
            return Path(value[1:]).read_text().strip()
        except OSError as error:
            raise argparse.ArgumentTypeError(f"{value[1:]}: {error.strerror}") from None
    return value.strip()


def _note_file(value: str) -> str:
    try:
        return Path(value).read_text()
    except OSError as error:
        raise argparse.ArgumentTypeError(f"{value}: {error.strerror}") from None


def verify_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="saylau-verify", description=__doc__.split("\n")[0], epilog=EPILOG
    )
    parser.add_argument("source", help="the site's URL (http:// or https://) or an archive .zip")
    parser.add_argument(
        "--key", action="append", type=_vkey, default=[], metavar="VKEY",
        help="the log's verifier key (or @FILE); again for a key before a rotation. Without "
        "it the site's own key is used, and you are told it is not pinned",
    )  # fmt: skip
    parser.add_argument(
        "--witness", action="append", type=_vkey, default=[], metavar="VKEY",
        help="a witness's cosignature/v1 key (or @FILE): its cosignatures are checked too",
    )  # fmt: skip
    parser.add_argument(
        "--station", action="append", default=[], metavar="REGION-NUMBER",
        help="check only this station's records (e.g. AST-1), against the latest checkpoint",
    )  # fmt: skip
    parser.add_argument(
        "--checkpoint", action="append", type=_note_file, default=[], metavar="FILE",
        help="a checkpoint note you kept from before: it must be a prefix of today's log",
    )  # fmt: skip
    parser.add_argument(
        "--between", nargs=2, type=int, metavar=("OLD", "NEW"),
        help="check only the consistency of the checkpoints of OLD and NEW records",
    )  # fmt: skip
    parser.add_argument(
        "--totals", type=Path, metavar="FILE",
        help="write every contest's recomputed totals to FILE (JSON, as an archive's totals.json)",
    )  # fmt: skip
    parser.add_argument("--contest", action="append", default=[], metavar="ELECTION/CONTEST",
                        help="print this contest's recomputed totals")  # fmt: skip
    return parser


def witness_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="saylau-verify witness",
        description="One round of a witness: fetch the newest checkpoint, check the log's "
        "signature and its consistency with the last checkpoint this witness cosigned, cosign "
        "it and post the cosignature. Refuses, saying why, when the log was rewritten.",
    )
    parser.add_argument("url", help="the site's URL")
    parser.add_argument("--key", required=True, type=Path, help="the witness's signer key file")
    parser.add_argument("--state", required=True, type=Path, help="the witness's state folder")
    parser.add_argument(
        "--log-key", type=_vkey, metavar="VKEY",
        help="the log's key (default: the site's, pinned in --state the first time)",
    )  # fmt: skip
    return parser


def print_report(report: client.Report, out: TextIO) -> None:
    for line in report.checked:
        print(f"  ok    {line}", file=out)
    for line in report.problems:
        print(f"  FAIL  {line}", file=out)


def print_standing(report: client.Report, out: TextIO) -> None:
    for record in sorted(report.standing, key=lambda r: (r["election"], r["contest"])):
        lines = ", ".join(f"{name} {value}" for name, value in (record.get("lines") or {}).items())
        print(
            f"  {record['election']}/{record['contest']} version {record['version']} "
            f"(record {record['sequence']}, published {record['published_at']})",
            file=out,
        )
        print(f"    {lines}", file=out)
        for vote in record.get("votes") or []:
            print(f"    {vote['position']}. {vote['name']}: {vote['votes']}", file=out)


def print_bytes(report: client.Report, out: TextIO) -> None:
    if report.requests:
        print(
            f"read {report.bytes_read:,} bytes in {report.requests} requests "
            f"(and {report.header_bytes:,} bytes of HTTP headers)",
            file=out,
        )
    else:
        print(f"read {report.bytes_read:,} bytes", file=out)


def verify(argv: list[str], out: TextIO) -> int:
    args = verify_parser().parse_args(argv)
    try:
        source = client.open_source(args.source)
    except client.SourceError as error:
        print(f"saylau-verify: {error}", file=sys.stderr)
        return 2
    common = {"keys": args.key, "witnesses": args.witness}
    if (args.station or args.between) and not isinstance(source, client.Site):
        print("saylau-verify: --station and --between read a site; an archive is checked whole",
              file=sys.stderr)  # fmt: skip
        return 2
    reports = []
    if args.between:
        print(f"{source}: checkpoints {args.between[0]} and {args.between[1]}", file=out)
        reports.append(client.verify_between(source, *args.between, **common))
        print_report(reports[-1], out)
    for station in args.station:
        print(f"{source}: station {station}", file=out)
        reports.append(client.verify_station(source, station, kept=args.checkpoint, **common))
        print_report(reports[-1], out)
        print_standing(reports[-1], out)
        print_bytes(reports[-1], out)
    if not args.station and not args.between:
        print(f"{source}: the whole log", file=out)
        report = client.verify_all(source, kept=args.checkpoint, **common)
        reports.append(report)
        print_report(report, out)
        for contest in args.contest:
            totals = (report.totals or {}).get(contest)
            print(f"  {contest}: {json.dumps(totals, ensure_ascii=False)}", file=out)
        if args.totals and report.totals is not None:
            args.totals.write_text(json.dumps(report.totals, ensure_ascii=False, indent=1))
            print(f"  totals of {len(report.totals)} contests written to {args.totals}", file=out)
        print_bytes(report, out)
    problems = sum(len(r.problems) for r in reports)
    print("OK: every check passed" if not problems else f"FAILED: {problems} problems", file=out)
    return 1 if problems else 0


def witness(argv: list[str], out: TextIO) -> int:
    args = witness_parser().parse_args(argv)
    try:
        result = client.witness_step(args.url, args.key, args.state, log_key=args.log_key)
    except client.WitnessRefusal as refusal:
        print(f"refused to cosign: {refusal}", file=out)
        return 1
    except client.VerificationError as error:
        print(f"saylau-verify witness: {error}", file=sys.stderr)
        return 2
    print(result.message, file=out)
    return 0


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = out or sys.stdout
    if argv[:1] == ["witness"]:
        return witness(argv[1:], out)
    return verify(argv, out)


if __name__ == "__main__":
    sys.exit(main())
