"""/api/v1/log/: the transparency log's checkpoints, records and proofs, public and throttled.

The contract the standalone verifier (verifier/saylau_verify) reads: hashes and proofs in
standard base64, checkpoints as C2SP signed notes in text/plain, the log's signature line
first, then each accepted cosignature line. Bad input is a 400 naming the field and its rule,
something that is not there a 404, never a 500.
"""

import base64
import json
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import APIView
from saylau_verify.merkle import consistency_proof, inclusion_proof, pooled

from common.numbers import BIGINT_MAX, parse_whole
from elections.models import Publication
from stations.models import Station
from transparency import keys, tree
from transparency.models import Checkpoint
from transparency.public import station_leaves
from transparency.services import cosignature_add

COSIGNATURE_MAX_BYTES = 1000  # a cosignature line is about 150 bytes
TAGS = ["log"]


def b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode()


def whole(field: str, value: str, minimum: int = 0) -> int:
    number = parse_whole(value, minimum=minimum, maximum=BIGINT_MAX)
    if number is None:
        raise ValidationError(
            {
                field: [
                    _("must be a whole number from %(minimum)s (ASCII digits)")
                    % {"minimum": minimum}
                ]
            }  # fmt: skip
        )
    return number


def checkpoint_at(field: str, size: int) -> Checkpoint:
    """The checkpoint of ``size`` records, or a 400 naming the rule."""
    checkpoint = Checkpoint.objects.filter(size=size).first()
    if checkpoint is None:
        raise ValidationError(
            {
                field: [
                    _("must be the size of a signed checkpoint (see %(url)s)")
                    % {"url": "/api/v1/log/checkpoints.json"}
                ]
            }  # fmt: skip
        )
    return checkpoint


def signed_note(checkpoint: Checkpoint) -> str:
    """The checkpoint's note: its body, the log's signature line, then each cosignature's."""
    lines = checkpoint.cosignatures.order_by("received", "pk").values_list("line", flat=True)
    return checkpoint.note + "".join(f"{line}\n" for line in lines)


class PlainTextRenderer(BaseRenderer):
    media_type = "text/plain"
    format = "txt"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, str):
            return data.encode()
        if isinstance(data, dict) and "detail" in data:  # a refusal: its sentence
            return f"{data['detail']}\n".encode()
        if isinstance(data, dict):  # a refusal by field: each message on its line
            return "".join(
                f"{name}: {message}\n"
                for name, messages in data.items()
                for message in (messages if isinstance(messages, list) else [messages])
            ).encode()
        return str(data).encode()


class TextOnly(BaseContentNegotiation):
    """A note is text whatever the reader accepts."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@method_decorator(gzip_page, name="dispatch")
class LogView(APIView):
    """Open to anyone, throttled for anonymous clients as every API view is. Compressed for a
    client that asks (a station's check: its records and proofs under 10 KB over the wire);
    nothing here is secret, so compression leaks nothing (BREACH needs a secret in the page)."""

    permission_classes = [AllowAny]


class TextView(LogView):
    renderer_classes = [PlainTextRenderer]
    content_negotiation_class = TextOnly


class KeyView(TextView):
    @extend_schema(
        tags=TAGS,
        summary="The log's verifier key",
        responses={(200, "text/plain"): OpenApiTypes.STR},
    )
    def get(self, request):
        """The note verifier key that checks the log's checkpoints (`<name>+<id>+<key>`)."""
        key = keys.published_key()
        if key is None:
            raise NotFound(_("No signing key is configured for this log."))
        return Response(key + "\n")


class LatestCheckpointView(TextView):
    @extend_schema(
        tags=TAGS,
        summary="The latest checkpoint",
        responses={(200, "text/plain"): OpenApiTypes.STR},
    )
    def get(self, request):
        """The latest signed checkpoint, as a C2SP signed note with its cosignatures."""
        checkpoint = Checkpoint.objects.order_by("-size").first()
        if checkpoint is None:
            raise NotFound(_("The log has no signed checkpoint yet."))
        return Response(signed_note(checkpoint))


class CheckpointView(TextView):
    @extend_schema(
        tags=TAGS,
        summary="The checkpoint of a size",
        responses={(200, "text/plain"): OpenApiTypes.STR},
    )
    def get(self, request, size: str):
        """The checkpoint of this many records, as a signed note with its cosignatures."""
        number = whole("size", size, 1)
        checkpoint = Checkpoint.objects.filter(size=number).first()
        if checkpoint is None:
            raise NotFound(_("No checkpoint of %(size)s records.") % {"size": number})
        return Response(signed_note(checkpoint))


class CheckpointListView(LogView):
    @extend_schema(
        tags=TAGS,
        summary="Every checkpoint",
        responses=inline_serializer(
            "LogCheckpoint",
            {
                "size": serializers.IntegerField(),
                "root": serializers.CharField(help_text="base64"),
                "time": serializers.DateTimeField(),
                "url": serializers.CharField(),
            },
            many=True,
        ),
    )
    def get(self, request):
        """Every signed checkpoint, oldest first, streamed as one JSON list."""
        rows = Checkpoint.objects.order_by("size").values_list("size", "root", "time")

        def items() -> Iterator[str]:
            yield "["
            for n, (size, root, time) in enumerate(rows.iterator(chunk_size=2000)):
                item = {"size": size, "root": b64(root), "time": time.isoformat(),
                        "url": f"/api/v1/log/checkpoints/{size}"}  # fmt: skip
                yield ("," if n else "") + json.dumps(item)
            yield "]"

        return StreamingHttpResponse(items(), content_type="application/json")


def record_item(sequence: int, sha256: str, record: dict) -> dict:
    return {"index": sequence - 1, "sequence": sequence, "sha256": sha256, "record": record}


RECORD = inline_serializer(
    "LogRecord",
    {
        "index": serializers.IntegerField(),
        "sequence": serializers.IntegerField(),
        "sha256": serializers.CharField(),
        "record": serializers.JSONField(),
    },
)


class RecordView(LogView):
    @extend_schema(tags=TAGS, summary="One leaf's record", responses=RECORD)
    def get(self, request, index: str):
        """The published record that is leaf ``index`` (its sequence is ``index + 1``)."""
        number = whole("index", index)
        row = (
            Publication.objects.filter(sequence=number + 1)
            .values_list("sequence", "sha256", "record")
            .first()
        )
        if row is None:
            raise NotFound(_("No leaf %(index)s in the log.") % {"index": number})
        return Response(record_item(*row))


class RecordsView(LogView):
    @extend_schema(
        tags=TAGS,
        summary="The records of leaves [start, end), as JSON lines",
        parameters=[
            OpenApiParameter("start", int, description="the first leaf (default 0)"),
            OpenApiParameter("end", int, description="after the last leaf (default: all)"),
        ],
        responses={(200, "application/jsonl"): OpenApiTypes.STR},
    )
    def get(self, request):
        """One JSON object per line, ``{"index", "sequence", "sha256", "record"}``, streamed."""
        start = whole("start", request.GET.get("start", "0"))
        end = request.GET.get("end")
        end = whole("end", end) if end is not None else None
        if end is not None and end < start:
            raise ValidationError({"end": [_("must not be less than start")]})
        rows = Publication.objects.filter(sequence__gt=start).order_by("sequence")
        if end is not None:
            rows = rows.filter(sequence__lte=end)
        rows = rows.values_list("sequence", "sha256", "record")

        def lines() -> Iterator[str]:
            for row in rows.iterator(chunk_size=2000):
                yield json.dumps(record_item(*row), ensure_ascii=False, sort_keys=True) + "\n"

        return StreamingHttpResponse(lines(), content_type="application/jsonl; charset=utf-8")


class InclusionView(LogView):
    @extend_schema(
        tags=TAGS,
        summary="A leaf's inclusion proof in a checkpoint",
        responses=inline_serializer(
            "LogInclusionProof",
            {
                "index": serializers.IntegerField(),
                "size": serializers.IntegerField(),
                "leaf_hash": serializers.CharField(help_text="base64"),
                "proof": serializers.ListField(child=serializers.CharField()),
            },
        ),
    )
    def get(self, request, index: str, size: str):
        """RFC 9162's audit path of leaf ``index`` in the tree of a signed checkpoint's size."""
        index, size = whole("index", index), whole("size", size, 1)
        checkpoint_at("size", size)
        if index >= size:
            raise ValidationError(
                {"index": [_("must be less than the size %(size)s") % {"size": size}]}
            )
        subtree = tree.StoredTree()
        proof = inclusion_proof(index, size, subtree)
        leaf = subtree(index, index + 1)
        return Response(
            {"index": index, "size": size, "leaf_hash": b64(leaf), "proof": [b64(p) for p in proof]}
        )


class ConsistencyView(LogView):
    @extend_schema(
        tags=TAGS,
        summary="The consistency proof between two checkpoints",
        responses=inline_serializer(
            "LogConsistencyProof",
            {
                "old": serializers.IntegerField(),
                "new": serializers.IntegerField(),
                "proof": serializers.ListField(child=serializers.CharField()),
            },
        ),
    )
    def get(self, request, old: str, new: str):
        """RFC 9162's proof that the tree of ``old`` records is a prefix of that of ``new``, a
        signed checkpoint's size. ``old`` may be any size up to ``new``: a reader checks the
        proof against the root of the checkpoint it kept (a witness's last cosigned one)."""
        old, new = whole("old", old, 1), whole("new", new, 1)
        checkpoint_at("new", new)
        if old > new:
            raise ValidationError({"old": [_("must not be greater than new")]})
        proof = consistency_proof(old, new, tree.StoredTree())
        return Response({"old": old, "new": new, "proof": [b64(p) for p in proof]})


def station_named(code: str) -> Station:
    region, _dash, digits = code.rpartition("-")
    number = parse_whole(digits, minimum=1)
    found = (
        Station.objects.filter(region__code=region, number=number).select_related("region")
        if region and number is not None
        else Station.objects.none()
    ).first()
    if found is None:
        raise NotFound(_("No station %(station)s.") % {"station": code[:40]})
    return found


class StationLeavesView(LogView):
    @extend_schema(
        tags=TAGS,
        summary="A station's leaves",
        responses=inline_serializer(
            "LogStationLeaves",
            {
                "station": serializers.CharField(),
                "leaves": inline_serializer(
                    "LogStationLeaf",
                    {
                        "index": serializers.IntegerField(),
                        "contest": serializers.CharField(),
                        "version": serializers.IntegerField(),
                        "sha256": serializers.CharField(),
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request, station: str):
        """Every published record of a station (``REGION-NUMBER``), each version, as leaves."""
        found = station_named(station)
        leaves = [
            {
                "index": row["sequence"] - 1,
                "contest": row["protocol__contest__code"],
                "version": row["protocol__version"],
                "sha256": row["sha256"],
            }  # fmt: skip
            for row in station_leaves(found)
        ]
        return Response({"station": f"{found.region.code}-{found.number}", "leaves": leaves})


class StationProofsView(LogView):
    @extend_schema(
        tags=TAGS,
        summary="A station's records and their inclusion proofs in a checkpoint, in one answer",
        responses=inline_serializer(
            "LogStationProofs",
            {
                "station": serializers.CharField(),
                "size": serializers.IntegerField(),
                "hashes": serializers.ListField(
                    child=serializers.CharField(), help_text="the proofs' distinct hashes, base64"
                ),
                "leaves": inline_serializer(
                    "LogStationProvenLeaf",
                    {
                        "index": serializers.IntegerField(),
                        "sequence": serializers.IntegerField(),
                        "sha256": serializers.CharField(),
                        "contest": serializers.CharField(),
                        "version": serializers.IntegerField(),
                        "record": serializers.JSONField(
                            help_text="absent for a leaf past the checkpoint"
                        ),
                        "proof": serializers.ListField(
                            child=serializers.IntegerField(),
                            help_text="its audit path: positions in hashes",
                        ),
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request, station: str, size: str):
        """What checking one station needs beside the checkpoint: each of its records and its
        audit path in the tree of ``size`` (a signed checkpoint's), the paths' hashes listed
        once (a station's records sit side by side in the tree and share most of them). A few
        kilobytes, whatever the log's size; a leaf past ``size`` comes without record or path."""
        size = whole("size", size, 1)
        checkpoint_at("size", size)
        found = station_named(station)
        rows = list(
            Publication.objects.filter(protocol__station=found)
            .order_by("sequence")
            .values_list("sequence", "sha256", "record", "protocol__contest__code",
                         "protocol__version")
        )  # fmt: skip
        subtree = tree.StoredTree()
        signed = [row for row in rows if row[0] - 1 < size]
        hashes, positions = pooled([inclusion_proof(row[0] - 1, size, subtree) for row in signed])
        paths = dict(zip([row[0] for row in signed], positions, strict=True))
        leaves = []
        for sequence, sha256, record, contest, version in rows:
            leaf = {"index": sequence - 1, "sequence": sequence, "sha256": sha256,
                    "contest": contest, "version": version}  # fmt: skip
            if sequence in paths:
                leaf.update(record=record, proof=paths[sequence])
            leaves.append(leaf)
        return Response(
            {"station": f"{found.region.code}-{found.number}", "size": size,
             "hashes": [b64(h) for h in hashes], "leaves": leaves}
        )  # fmt: skip


class CosignatureView(LogView):
    renderer_classes = [PlainTextRenderer]
    content_negotiation_class = TextOnly

    @extend_schema(
        tags=TAGS,
        summary="Add a witness's cosignature",
        request={"text/plain": OpenApiTypes.STR},
        responses={(201, "text/plain"): OpenApiTypes.STR},
    )
    def post(self, request, size: str):
        """One C2SP tlog-cosignature line (``— <name> <base64>``) of the checkpoint of ``size``
        records, by a witness the CEC registered: 201 once it verifies (the same line again:
        201 again, kept once); 400 naming why not."""
        number = whole("size", size, 1)
        checkpoint = checkpoint_at("size", number)
        body = request.body
        if len(body) > COSIGNATURE_MAX_BYTES:
            raise ValidationError(
                {"body": [_("longer than %(bytes)s bytes") % {"bytes": COSIGNATURE_MAX_BYTES}]}
            )
        try:
            line = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError({"body": [_("not UTF-8 text")]}) from None
        cosignature, _new = cosignature_add(checkpoint=checkpoint, line=line)
        return Response(cosignature.line + "\n", status=201)
