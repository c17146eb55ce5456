"""The audit trail's one mechanism: views *touch* records, the middleware writes the events.

A view (API mixin, page mixin or helper) calls ``touch(request, obj)`` for every
patient record it reads or writes. When the response is a success, AuditMiddleware
writes one ``AuditEvent`` per record in a single INSERT; a failed request (4xx/5xx)
wrote nothing and so records nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from clinic import roles
from clinic.models import AuditAction, AuditEvent

_METHOD_ACTIONS = {
    "GET": AuditAction.VIEW,
    "HEAD": AuditAction.VIEW,
    "POST": AuditAction.CREATE,
    "PUT": AuditAction.UPDATE,
    "PATCH": AuditAction.UPDATE,
    "DELETE": AuditAction.DELETE,
}


def _django_request(request):
    return getattr(request, "_request", request)


def touch(request, obj, action: str | None = None) -> None:
    """Note that this request read or wrote ``obj`` (a model with ``audit_patient_id``)."""
    touch_many(request, [obj], action)


def touch_many(request, objects: Iterable, action: str | None = None) -> None:
    """Note several records at once (a page of a list)."""
    django_request = _django_request(request)
    pending = getattr(django_request, "_audit_pending", None)
    if pending is None:
        pending = django_request._audit_pending = []
    default = action or _METHOD_ACTIONS.get(django_request.method, AuditAction.VIEW)
    for obj in objects:
        pending.append(
            (default, obj._meta.label_lower, str(obj.pk), getattr(obj, "audit_patient_id", None))
        )


def flush(request, response) -> None:
    """Write the events of a successful request; called once by AuditMiddleware."""
    pending = getattr(request, "_audit_pending", None)
    if not pending or response.status_code >= 400:
        return
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    ip = request.META.get("REMOTE_ADDR") or None
    request_id = getattr(request, "request_id", "")
    role = roles.role_of(actor) or "" if actor else ""
    seen = set()
    events = []
    for action, object_type, object_id, patient_id in pending:
        key = (action, object_type, object_id)
        if key in seen:
            continue
        seen.add(key)
        events.append(
            AuditEvent(
                actor=actor,
                actor_role=role,
                action=action,
                object_type=object_type,
                object_id=object_id,
                patient_id=patient_id,
                ip=ip,
                request_id=request_id,
            )
        )
    AuditEvent.objects.bulk_create(events)
    request._audit_pending = []
