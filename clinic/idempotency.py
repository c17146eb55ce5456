"""A creating request made twice writes once: ``Idempotency-Key`` for the API, a token for pages.

A client that sends a creating POST again, because the answer was lost or the button
was pressed twice, or a person who goes Back and submits a page form again, gets the
first answer instead of a second record. One mechanism for both (docs/api.md):

- ``claim`` inserts ``(user, key)`` under a unique constraint *before* the write, in the
  write's transaction. A concurrent request with the same key waits on that row until
  the first transaction ends, then reads what it stored; if the first one failed, its row
  rolled back with its writes and the second one runs as if it were the first.
- Only a success is stored (status, JSON body, the created record's location and id).
  A refused request stores nothing, so the client may correct it and retry with the key.
- The same key with another request (another body or path) is refused with 422.
- A key is kept ``KEY_TTL`` (24 hours); after that it is forgotten, and purged by
  ``purge_expired`` (Celery beat, ``clinic.purge_idempotency_keys``).

API: decorate a viewset's creating method with ``@idempotent`` (above ``@action`` and
``@extend_schema``); the OpenAPI schema gains the header and the 422 answer. Pages:
decorate the view with ``@idempotent_form`` (below ``@role_required``), put
``{% idempotency_token %}`` in the form and answer a success with ``created_redirect``.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
import uuid
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from clinic import audit
from clinic.exceptions import Conflict
from clinic.models import AuditAction, IdempotencyKey

HEADER = "Idempotency-Key"
KEY_TTL = timedelta(hours=24)
# Visible ASCII, no blank: the key travels in a header and is compared byte for byte.
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")
KEY_RULE = "1 to 255 visible ASCII characters (no spaces), e.g. a UUID."
REPLAYED_HEADER = "Idempotent-Replayed"
FORM_FIELD = "idempotency_token"
FORM_PREFIX = "form:"
# A browser that reloads the form on Back (no back-forward cache) keeps the answers typed but
# not the hidden token: the same answers to the same form within this window are the same
# submission.
FORM_ANSWERS_PREFIX = "form-answers:"
FORM_ANSWERS_WINDOW = timedelta(minutes=10)


class IdempotencyKeyReused(exceptions.APIException):
    """The key was already used for another request (422)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = (
        "This Idempotency-Key was already used for a different request: "
        "send a new key for a new request."
    )
    default_code = "idempotency_key_reused"


# --- The service -------------------------------------------------------------------------


def fingerprint(method: str, path: str, payload) -> str:
    """What makes two requests "the same": method, path and body (keys in any order)."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def claim(
    *, user, key: str, fingerprint: str, ttl: timedelta = KEY_TTL
) -> tuple[IdempotencyKey, bool]:
    """Take ``key`` for ``user``: (the new row, True), or (the row of its first use within
    ``ttl``, False). Call inside the transaction of the write it guards.
    """
    now = timezone.now()
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=now - ttl).delete()
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                user=user, key=key, fingerprint=fingerprint, created_at=now
            )
    except IntegrityError:
        # Taken: committed by an earlier request, or by a concurrent one whose transaction
        # this INSERT has just waited for.
        return IdempotencyKey.objects.get(user=user, key=key), False
    return row, True


def remember(
    row: IdempotencyKey,
    *,
    status_code: int,
    body: str = "",
    location: str = "",
    object_id: int | None = None,
) -> None:
    """Store the first successful answer on the claimed row."""
    row.status_code, row.body, row.location, row.object_id = status_code, body, location, object_id
    row.save(update_fields=["status_code", "body", "location", "object_id"])


def purge_expired() -> int:
    """Delete the keys older than ``KEY_TTL``; the number deleted."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEY_TTL).delete()
    return deleted


# --- The API: @idempotent ------------------------------------------------------------------


def _payload(request):
    data = request.data
    if hasattr(data, "getlist"):  # a form or multipart body: a QueryDict
        return {name: data.getlist(name) for name in data}
    return data


def _created(view, response) -> tuple[int | None, str]:
    """The created record's id and detail URL, from the answer's ``id``."""
    data = response.data
    pk = data.get("id") if isinstance(data, dict) else None
    if not isinstance(pk, int) or isinstance(pk, bool):
        return None, ""
    try:
        return pk, reverse(f"{view.basename}-detail", kwargs={"pk": pk})
    except (NoReverseMatch, AttributeError):
        return pk, ""


def _replay(view, request, row: IdempotencyKey, fingerprint: str) -> Response:
    if row.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if row.status_code is None:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed.",
            code="idempotency_key_in_use",
        )
    if row.object_id is not None:
        # The answer shows the record: it must still be within the caller's reach.
        record = view.get_queryset().filter(pk=row.object_id).first()
        if record is None:
            raise exceptions.NotFound()
        audit.touch(request, record, AuditAction.VIEW)
    headers = {REPLAYED_HEADER: "true"}
    if row.location:
        headers["Location"] = row.location
    return Response(json.loads(row.body) if row.body else None, row.status_code, headers=headers)


_HEADER_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"^[!-~]+$"},
    "description": (
        "Makes this POST safe to repeat: the same key again (within 24 hours, by the same "
        "user, with the same body) answers the first response, with the header "
        f"`{REPLAYED_HEADER}: true`, and writes nothing. The same key with another body is a "
        f"422. {KEY_RULE}"
    ),
}
_REUSED_RESPONSE = {
    "description": "The Idempotency-Key was already used for a different request.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "detail": {"type": "string"},
                    "code": {"type": "string", "enum": ["idempotency_key_reused"]},
                },
                "required": ["detail", "code"],
            }
        }
    },
}


def _document(method):
    """Add the header and the 422 answer to the method's OpenAPI operation."""
    kwargs = dict(getattr(method, "kwargs", None) or {})
    base = kwargs.get("schema") or api_settings.DEFAULT_SCHEMA_CLASS

    class IdempotentSchema(base):
        def get_operation(self, *args, **op_kwargs):
            operation = super().get_operation(*args, **op_kwargs)
            if operation is None or self.method != "POST":
                return operation
            operation.setdefault("parameters", []).append(copy.deepcopy(_HEADER_PARAMETER))
            operation["responses"].setdefault("422", copy.deepcopy(_REUSED_RESPONSE))
            return operation

    # The same place drf-spectacular's @extend_schema keeps a method's schema class.
    kwargs["schema"] = IdempotentSchema
    method.kwargs = kwargs
    return method


def idempotent(view_method):
    """A viewset's creating method honours ``Idempotency-Key`` (see the module's docstring)."""

    @functools.wraps(view_method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view_method(view, request, *args, **kwargs)
        if not KEY_PATTERN.fullmatch(key):
            raise exceptions.ValidationError({HEADER: [KEY_RULE]})
        signature = fingerprint(request.method, request.get_full_path(), _payload(request))
        with transaction.atomic():
            row, first = claim(user=request.user, key=key, fingerprint=signature)
            if not first:
                return _replay(view, request, row, signature)
            response = view_method(view, request, *args, **kwargs)
            if not status.is_success(response.status_code):
                row.delete()
                return response
            object_id, location = _created(view, response)
            remember(
                row,
                status_code=response.status_code,
                body=JSONRenderer().render(response.data).decode(),
                location=location,
                object_id=object_id,
            )
        if location and "Location" not in response:
            response["Location"] = location
        return response

    return _document(wrapper)


# --- Pages: @idempotent_form, {% idempotency_token %}, created_redirect ---------------------


def form_token(request) -> str:
    """The token a page form carries: the one it was posted with, when it is shown again
    (with its errors), else a new one."""
    posted = request.POST.get(FORM_FIELD, "") if request and request.method == "POST" else ""
    return posted if KEY_PATTERN.fullmatch(posted) else uuid.uuid4().hex


def created_redirect(to, *args, **kwargs) -> HttpResponseRedirect:
    """Go to the page of what the form just created; a repeat of the form is sent there too."""
    response = redirect(to, *args, **kwargs)
    response.idempotent_location = response.url
    return response


def _form_payload(post) -> dict:
    return {
        name: post.getlist(name) for name in post if name not in (FORM_FIELD, "csrfmiddlewaretoken")
    }


def idempotent_form(view):
    """A page view whose POST creates a record: the same form posted again (Back, then
    submit) redirects to what the first one created, and writes nothing.

    Two keys: the form's token (the page as it was shown, restored by the back-forward
    cache), and its answers for ``FORM_ANSWERS_WINDOW`` (a page reloaded on Back).
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        token = request.POST.get(FORM_FIELD, "") if request.method == "POST" else ""
        if not KEY_PATTERN.fullmatch(token) or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        signature = fingerprint("POST", request.get_full_path(), _form_payload(request.POST))
        with transaction.atomic():
            row, first = claim(
                user=request.user, key=f"{FORM_PREFIX}{token}", fingerprint=signature
            )
            if not first:
                return _form_replay(request, row, signature)
            twin, first = claim(
                user=request.user,
                key=f"{FORM_ANSWERS_PREFIX}{signature}",
                fingerprint=signature,
                ttl=FORM_ANSWERS_WINDOW,
            )
            if not first:
                # This token now leads where the twin led, should it come back changed.
                remember(row, status_code=twin.status_code or 302, location=twin.location)
                return _form_replay(request, twin, signature)
            response = view(request, *args, **kwargs)
            location = getattr(response, "idempotent_location", None)
            if location:
                for claimed in (row, twin):
                    remember(claimed, status_code=response.status_code, location=location)
            else:
                # Not saved (errors shown, or refused): the form may be sent again.
                IdempotencyKey.objects.filter(pk__in=[row.pk, twin.pk]).delete()
        return response

    return wrapped


def _form_replay(request, row: IdempotencyKey, signature: str) -> HttpResponseRedirect:
    if row.status_code is None:
        messages.warning(request, "This form is still being saved: look again in a moment.")
        return HttpResponseRedirect(request.get_full_path())
    if row.fingerprint == signature:
        messages.info(request, "This form was already saved: here is what it recorded.")
    else:
        messages.warning(
            request,
            "This form had already been saved, so the changes made after saving it were not "
            "saved: here is what it recorded.",
        )
    return HttpResponseRedirect(row.location)
