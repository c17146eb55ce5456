"""Request id, query-string, database-outage and audit middleware."""

from __future__ import annotations

import logging
import re
import sys
import uuid

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from clinic import audit
from clinic.parsers import NUL_MESSAGE
from clinic.request_context import request_id_var as _request_id

logger = logging.getLogger(__name__)

# What a database that is restarting, failing over or unreachable raises, wherever in the
# request it is met (psycopg's errors arrive wrapped in Django's).
DATABASE_OUTAGE = (OperationalError, InterfaceError)
# A restart takes about a second, a failover some more: a client may try again after this.
RETRY_AFTER_SECONDS = 5
API_PREFIX = "/api/"

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give each request an id (a well-formed X-Request-ID from a proxy is kept)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class AuditMiddleware:
    """Writes the audit events that the view collected, once the response is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        audit.flush(request, response)
        return response


def database_unavailable(request) -> HttpResponse:
    """503 with Retry-After: the API's JSON error shape, or a plain page that needs nothing
    from the database (no context processors, no session, no user)."""
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {
                "detail": "The database is unavailable; try again in a few seconds.",
                "code": "database_unavailable",
            },
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
        # Answered above the middlewares that set these when the outage was met in one.
        response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        response["X-Frame-Options"] = "DENY"
    response["X-Content-Type-Options"] = "nosniff"
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def note_database_outage(sender, request=None, **kwargs) -> None:
    """``got_request_exception`` receiver: mark a request that met a database outage outside
    its view (in a middleware: the session, the user, the audit flush), whose exception
    Django has already turned into a 500 before any outer middleware sees it."""
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_OUTAGE):
        request.database_unavailable = True


class DatabaseUnavailableMiddleware:
    """A database outage answers 503 with Retry-After (JSON on the API), never a 500.

    Nothing is half-written: every request is one transaction (ATOMIC_REQUESTS), rolled
    back before this answers. In a view the exception is caught here; met in a middleware
    below this one it was already a 500, marked by ``note_database_outage``, and replaced.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_unavailable", False):
            return database_unavailable(request)
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_OUTAGE):
            return None
        logger.warning("The database is unavailable (%s): answered 503.", type(exception).__name__)
        return database_unavailable(request)


class QueryStringMiddleware:
    """Refuses a NUL character anywhere in the query string, naming the parameter.

    PostgreSQL cannot compare text with a NUL in it (a search would be a 500), and no link
    or form of Talus makes one. The API answers its field-error shape; a page says which
    parameter of the address is unusable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        named = sorted(
            {
                key
                for key, values in request.GET.lists()
                if "\x00" in key or any("\x00" in value for value in values)
            }
        )
        if not named:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse({name: [NUL_MESSAGE] for name in named}, status=400)
        names = [name.replace("\x00", "\\u0000") for name in named]
        return render(request, "errors/bad_query.html", {"names": names}, status=400)
