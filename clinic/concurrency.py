"""Optimistic concurrency for the API: ETag on details, If-Match required on PUT/PATCH.

Two clinicians editing the same record never silently overwrite each other: the
second save carries the ETag of the version it read, and is refused with 412 if
someone changed the record since. A write without If-Match is refused with 428.
"""

from __future__ import annotations

import hashlib

from rest_framework import exceptions, status
from rest_framework.response import Response


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "Send the record's ETag in an If-Match header to change it."
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "Someone changed this record since you read it. Fetch it again and redo your change."
    )
    default_code = "precondition_failed"


def etag_for(obj) -> str:
    """A strong ETag from the record's identity and last change (``updated_at``)."""
    version = f"{obj._meta.label_lower}:{obj.pk}:{obj.updated_at.isoformat()}"
    return '"' + hashlib.sha256(version.encode()).hexdigest()[:32] + '"'


def if_match_satisfied(header: str, current: str) -> bool:
    """True when the If-Match header names the current version (or is ``*``)."""
    candidates = [tag.strip() for tag in header.split(",")]
    return "*" in candidates or current in candidates or f"W/{current}" in candidates


class ETagMixin:
    """For viewsets over models with ``updated_at``: ETag out, If-Match in."""

    def get_object(self):
        obj = super().get_object()
        self._etag_instance = obj
        if self.request.method in ("PUT", "PATCH"):
            header = self.request.headers.get("If-Match")
            if not header:
                raise PreconditionRequired()
            # Lock the row, then compare: two writers with the same ETag can't both pass.
            obj = self.get_queryset().select_for_update(of=("self",)).get(pk=obj.pk)
            if not if_match_satisfied(header, etag_for(obj)):
                raise PreconditionFailed()
            # The service saves this very instance, so its new updated_at makes the new ETag.
            self._etag_instance = obj
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        instance = getattr(self, "_etag_instance", None)
        if instance is not None and response.status_code < 300:
            if request.method in ("PUT", "PATCH"):
                # Services may save a fresh copy of the row: read the version that was stored.
                instance.updated_at = (
                    type(instance).objects.values_list("updated_at", flat=True).get(pk=instance.pk)
                )
            response["ETag"] = etag_for(instance)
        return response

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match and if_match_satisfied(if_none_match, etag_for(instance)):
            return Response(status=status.HTTP_304_NOT_MODIFIED)
        return Response(self.get_serializer(instance).data)


def stale_form_check(request, obj, form):
    """For a page's POST over ``obj``: the current row (locked) and, if the form was drawn
    from an older version, the current values as (label, value) pairs to show beside it.

    The form carries the ETag it was drawn from in a hidden ``version`` field; call inside
    the request's transaction (ATOMIC_REQUESTS) so that the lock holds until the save.
    """
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
    if request.POST.get("version") == etag_for(current):
        return current, None
    values = [
        (form[name].label, getattr(current, name)) for name in form.fields if hasattr(current, name)
    ]
    return current, values
