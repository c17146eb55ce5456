"""One JSON error shape for the API.

Field errors: ``{"field": ["message", …], …}`` (``non_field_errors`` for the rest).
Other errors: ``{"detail": "message", "code": "…"}`` plus any context (e.g. ``match``).

DRF's exception handler (``exception_handler``) shapes what a view raises, and is where the
services' domain errors (``clinic.errors``) become HTTP: ``Invalid`` 400, ``NotAllowed`` 403,
``NotFound`` 404, ``Conflict`` 409 with its code and context. The URLconf's
error handlers (``bad_request``, ``not_found``, ``server_error``) answer the same shape for
any ``/api/`` path that fails outside DRF (an address no route matches, an error the
handler could not turn into a response) and Django's pages everywhere else.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from clinic import errors


class Conflict(exceptions.APIException):
    """The request conflicts with the record's current state (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This conflicts with the record's current state."
    default_code = "conflict"

    def __init__(self, detail=None, code=None, **extra):
        super().__init__(detail, code)
        self.extra = extra


class RequestTooLarge(exceptions.APIException):
    """The body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE (413)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


def _too_large() -> RequestTooLarge:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return RequestTooLarge(f"The request body is larger than {limit} bytes.")


# Django's own Http404 and PermissionDenied carry no DRF code.
_CODES = {403: "permission_denied", 404: "not_found"}


def api_exception(exc: errors.DomainError) -> exceptions.APIException:
    """The API's answer to a domain error: the one place its HTTP status is decided."""
    message = exc.message or None
    if isinstance(exc, errors.Invalid):
        return exceptions.ValidationError(exc.errors)
    if isinstance(exc, errors.NotFound):
        return exceptions.NotFound(message)
    if isinstance(exc, errors.NotAllowed):
        return exceptions.PermissionDenied(message)
    if isinstance(exc, errors.Conflict):
        return Conflict(message, code=exc.code, **exc.context)
    raise TypeError(f"No HTTP answer for {type(exc).__name__}.")  # a new kind of error: map it


def exception_handler(exc, context):
    if isinstance(exc, errors.DomainError):
        exc = api_exception(exc)
    if isinstance(exc, RequestDataTooBig):
        # Django refuses to read the body (a SuspiciousOperation: an HTML 400 otherwise).
        exc = _too_large()
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError) and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    elif isinstance(response.data, dict) and "detail" in response.data:
        code = exc.get_codes() if hasattr(exc, "get_codes") else _CODES.get(response.status_code)
        response.data = {"detail": str(response.data["detail"]), "code": code or "error"}
        response.data.update(getattr(exc, "extra", {}))
    return response


# --- The URLconf's error handlers (clinic.urls) ---------------------------------------------


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _error(detail: str, code: str, status_code: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status_code)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 (a SuspiciousOperation outside DRF); a body too large is a 413 on the API."""
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        too_large = _too_large()
        return _error(str(too_large.detail), too_large.default_code, too_large.status_code)
    return _error("Bad request.", "bad_request", status.HTTP_400_BAD_REQUEST)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for an address no route serves."""
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return _error("Not found.", "not_found", status.HTTP_404_NOT_FOUND)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: a bug. The response's X-Request-ID finds it in the logs."""
    if not is_api(request):
        return defaults.server_error(request)
    return _error(
        "A server error occurred. Please report it with this response's X-Request-ID.",
        "server_error",
        status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
