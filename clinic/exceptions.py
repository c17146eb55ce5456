"""One JSON error shape for the API.

Field errors: ``{"field": ["message", …], …}`` (``non_field_errors`` for the rest).
Other errors: ``{"detail": "message", "code": "…"}`` plus any context (e.g. ``match``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    """The request conflicts with the record's current state (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This conflicts with the record's current state."
    default_code = "conflict"

    def __init__(self, detail=None, code=None, **extra):
        super().__init__(detail, code)
        self.extra = extra


# Django's own Http404 and PermissionDenied carry no DRF code.
_CODES = {403: "permission_denied", 404: "not_found"}


def exception_handler(exc, context):
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
