"""The audit trail's one mechanism: views *touch* records, the middleware writes the events.

A view (API mixin, page mixin or helper) calls ``touch(request, obj)`` for every
patient record it reads or writes. When the response is a success, AuditMiddleware
writes one ``AuditEvent`` per record in a single INSERT; a failed request (4xx/5xx)
wrote nothing and so records nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from clinic import roles
from clinic.models import AuditAction, AuditEvent
from clinic.security.proxies import client_ip

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


def _pending(request, action: str | None) -> tuple[list, str]:
    """The request's list of events to write, and the action a touch records by default."""
    django_request = _django_request(request)
    pending = getattr(django_request, "_audit_pending", None)
    if pending is None:
        pending = django_request._audit_pending = []
    return pending, action or _METHOD_ACTIONS.get(django_request.method, AuditAction.VIEW)


def touch_many(request, objects: Iterable, action: str | None = None) -> None:
    """Note several records at once (a page of a list)."""
    pending, default = _pending(request, action)
    for obj in objects:
        pending.append(
            (default, obj._meta.label_lower, str(obj.pk), getattr(obj, "audit_patient_id", None))
        )


def touch_aggregate(request, object_type: str, object_id: str, action: str | None = None) -> None:
    """Note a read of counts over many patients' records (a report): an event about no one.

    The event names what was read (``object_type``, e.g. ``reports.attendance``, and the
    query in ``object_id``) and no patient: a report lists none.
    """
    pending, default = _pending(request, action)
    pending.append((default, object_type[:64], object_id[:64], None))


def touch_rows(request, model, rows: Iterable[dict], action: str | None = None) -> None:
    """Note records read as ``values()`` dicts: each has ``id`` and the model's patient column.

    The model names that column in ``audit_patient_column`` (Case: ``patient_id``).
    """
    pending, default = _pending(request, action)
    label, column = model._meta.label_lower, model.audit_patient_column
    pending.extend((default, label, str(row["id"]), row[column]) for row in rows)


def touch_refs(
    request, refs: Iterable[tuple[str, object, int | None]], action: str | None = None
) -> None:
    """Note records known only by reference: (``app_label.model``, id, patient id) each,
    such as the entries of a case's timeline, whose content is shown without their rows."""
    pending, default = _pending(request, action)
    pending.extend((default, label, str(pk), patient_id) for label, pk, patient_id in refs)


def flush(request, response) -> None:
    """Write the events of a successful request; called once by AuditMiddleware."""
    pending = getattr(request, "_audit_pending", None)
    if not pending or response.status_code >= 400:
        return
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    ip = client_ip(request) or None
    request_id = getattr(request, "request_id", "")
    role = roles.role_of(actor) or "" if actor else ""
    acting_role = getattr(request, "audit_actor_role", "")
    if acting_role:
        # A runner's page (the portal): the patient acts, not a staff user who may be logged
        # in on the same browser. No user id; the role says who, the event's patient is them.
        actor, role = None, acting_role
    seen = set()
    rows = []
    for action, object_type, object_id, patient_id in pending:
        key = (action, object_type, object_id)
        if key in seen:
            continue
        seen.add(key)
        rows.append((action, object_type, object_id, patient_id))
    _insert(rows, actor_id=actor.pk if actor else None, role=role, ip=ip, request_id=request_id)
    request._audit_pending = []


def _insert(rows: list[tuple], *, actor_id, role: str, ip, request_id: str) -> None:
    """One INSERT for every event of the request.

    A page of a list is 50 events: building 50 model instances for ``bulk_create`` cost
    more than the query itself (docs/benchmarks.md). The events of one request share
    actor, role, address, request id and instant, so only four values vary per row;
    other databases (SQLite in tests) keep ``bulk_create``, also a single INSERT.
    """
    at = timezone.now()
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create(
            AuditEvent(
                at=at,
                actor_id=actor_id,
                actor_role=role,
                action=action,
                object_type=object_type,
                object_id=object_id,
                patient_id=patient_id,
                ip=ip,
                request_id=request_id,
            )
            for action, object_type, object_id, patient_id in rows
        )
        return
    # The rows travel as one JSON text: quoting four arrays of 50 values for the wire cost
    # the request more Python time than PostgreSQL spends reading them back.
    payload = json.dumps(rows, separators=(",", ":"))
    with connection.cursor() as cursor:
        cursor.execute(
            # A literal statement (no formatting): the table is AuditEvent's, pinned by a test.
            "INSERT INTO clinic_auditevent "
            "(at, actor_id, actor_role, action, object_type, object_id, patient_id, ip, "
            "request_id) SELECT %s, %s, %s, e->>0, e->>1, e->>2, (e->>3)::bigint, %s::inet, %s "
            "FROM json_array_elements(%s::json) AS e",
            [at, actor_id, role, ip, request_id, payload],
        )
