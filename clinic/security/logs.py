"""JSON log lines with an allow-list of fields, and a filter that keeps paths out of logs.

Hand-written rather than python-json-logger: that library copies every ``extra`` of a
record into the line, and Django's own records carry ``request`` in their extras, whose
text is the full URL with its query string. Here only the names below ever reach a line.
"""

from __future__ import annotations

import datetime
import json
import logging
import re

from django.http import HttpRequest

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
        """The traceback, less the lines in which PostgreSQL quotes values: ``DETAIL:`` (the
        row: "Key (mrn)=(T-000123) already exists"), ``LINE n:`` and its caret (the statement,
        literals included), ``CONTEXT:`` (a parameter's value, a function's arguments)."""
        return scrub_database_lines(super().formatException(exc_info))


class PlainFormatter(logging.Formatter):
    """LOG_FORMAT=plain: Django's text lines, with tracebacks scrubbed as the JSON ones."""

    def formatException(self, exc_info) -> str:
        return scrub_database_lines(super().formatException(exc_info))


# The lines of a PostgreSQL error that quote the data: the row, the statement, the context.
_DATABASE_LINES = re.compile(r"^\s*(DETAIL:|LINE \d+:|CONTEXT:|QUERY:)")
_CARET = re.compile(r"^\s*\^\s*$")


def scrub_database_lines(text: str) -> str:
    """``text`` without the lines in which PostgreSQL quotes values (and the caret under a
    ``LINE`` line)."""
    kept = []
    skipping = False
    for line in text.splitlines():
        if _DATABASE_LINES.match(line):
            skipping = True
            continue
        if skipping and (_CARET.match(line) or line.startswith((" ", "\t"))):
            continue  # the caret, or a quoted statement's continuation
        skipping = False
        kept.append(line)
    return "\n".join(kept)


class RouteOnlyFilter(logging.Filter):
    """A record about a request names ``request.path``: put the route pattern in its place.

    ``django.request`` logs "Internal Server Error: /patients/12/", ``django.security.csrf``
    "Forbidden (CSRF token missing.): /patients/12/edit/", with the request in the record;
    the id in that path identifies a patient (an opt-out link's token is a credential), and
    a query string carries search terms. On the handler, so every logger is covered: the
    path as requested (with or without its query) becomes the route, and the request goes.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            from clinic.security.middleware import route_of

            route = route_of(request)
            message = record.getMessage()
            for path in (request.get_full_path(), request.path, request.path_info):
                if path and path != "/":
                    message = message.replace(path, route)
            record.msg, record.args = message, ()
            record.request = None
        return True
