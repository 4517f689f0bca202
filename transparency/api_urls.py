"""/api/v1/log/…, included by config/api.py."""

from django.urls import path

from transparency import api

app_name = "log"

urlpatterns = [
    path("key", api.KeyView.as_view(), name="key"),
    path("checkpoint", api.LatestCheckpointView.as_view(), name="checkpoint"),
    path("checkpoints.json", api.CheckpointListView.as_view(), name="checkpoints"),
    path("checkpoints/<str:size>", api.CheckpointView.as_view(), name="checkpoint-size"),
    path(
        "checkpoints/<str:size>/cosignatures",
        api.CosignatureView.as_view(),
        name="cosignatures",
    ),
    path("records.jsonl", api.RecordsView.as_view(), name="records"),
    path("records/<str:index>", api.RecordView.as_view(), name="record"),
    path("proof/inclusion/<str:index>/<str:size>", api.InclusionView.as_view(), name="inclusion"),
    path(
        "proof/consistency/<str:old>/<str:new>", api.ConsistencyView.as_view(), name="consistency"
    ),
    path("stations/<str:station>", api.StationLeavesView.as_view(), name="station"),
    path(
        "stations/<str:station>/proofs/<str:size>",
        api.StationProofsView.as_view(),
        name="station-proofs",
    ),
]
