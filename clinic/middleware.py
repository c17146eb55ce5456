"""Request id, query-string and audit middleware."""

from __future__ import annotations

import re
import uuid

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from clinic import audit
from clinic.parsers import NUL_MESSAGE
from clinic.request_context import request_id_var as _request_id

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
