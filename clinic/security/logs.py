"""JSON log lines with an allow-list of fields, and a filter that keeps paths out of logs.

Hand-written rather than python-json-logger: that library copies every ``extra`` of a
record into the line, and Django's own records carry ``request`` in their extras, whose
text is the full URL with its query string. Here only the names below ever reach a line.
"""

from __future__ import annotations

import datetime
import json
import logging

# The request line's fields (RequestLogMiddleware); nothing else from ``extra`` is written.
REQUEST_FIELDS = ("method", "route", "status", "duration_ms", "user_id", "role")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id (+ request fields)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)

    def formatException(self, exc_info) -> str:
        """The traceback, less PostgreSQL's DETAIL lines: they quote the row's values
        ("Key (mrn)=(T-000123) already exists")."""
        text = super().formatException(exc_info)
        return "\n".join(
            line for line in text.splitlines() if not line.lstrip().startswith("DETAIL:")
        )


class RouteOnlyFilter(logging.Filter):
    """Django's request errors name ``request.path``: put the route pattern in its place.

    ``django.request`` logs "Internal Server Error: /patients/12/" with the request in the
    record; the id in that path identifies a patient, so only the route is kept.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and record.name.startswith("django.request"):
            from clinic.security.middleware import route_of

            if isinstance(record.args, tuple) and len(record.args) == 2:
                record.args = (record.args[0], route_of(request))
            record.request = None
        return True
