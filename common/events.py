"""Structured logs: one JSON line per state change and per task run, for the log pipeline.

`log_event("protocol.status", protocol=12, to_status="accepted", ...)` writes, once the
surrounding transaction has committed (so a rolled-back change is never reported):

    {"time": "...", "level": "INFO", "logger": "saylau.events", "event": "protocol.status",
     "protocol": 12, "to_status": "accepted", ...}
"""

import json
import logging
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

logger = logging.getLogger("saylau.events")


def log_event(event: str, **fields: Any) -> None:
    transaction.on_commit(lambda: logger.info(event, extra={"event": event, "fields": fields}))


class JsonFormatter(logging.Formatter):
    """Every record as one JSON object; an event's fields become keys of their own."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if hasattr(record, "event"):
            line["event"] = record.event
            line.update(record.fields)
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)
