"""Alerts on a case: raised by events (a measure, a request without answer, a red flag),
sent to the assigned physio through the outbox, acknowledged by them."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.errors import Conflict, NotAllowed
from clinic.models import Case
from rehab import caseload_order
from rehab.models import Alert, AlertKind
from reminders.services import events


@transaction.atomic
def alert_raise(*, case: Case, kind: str, detail: str = "", cause: str = "") -> Alert:
    """Raise an alert on the case, once per cause: the same cause again answers the first.

    ``cause`` names the event (``outcome:12``, ``run:7``); empty, the alert is one per case
    and kind while it is open. The assigned physio is told through the outbox.
    """
    AlertKind(kind)  # an unknown kind is a programming error: fail loudly
    if not cause:
        open_alert = Alert.objects.filter(
            case=case, kind=kind, acknowledged_at__isnull=True
        ).first()
        if open_alert is not None:
            return open_alert
        cause = f"case:{case.pk}:{timezone.now().isoformat()}"
    existing = Alert.objects.filter(kind=kind, cause=cause).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            alert = Alert.objects.create(case=case, kind=kind, detail=detail, cause=cause)
    except IntegrityError:
        # Raised at the same moment by another request: theirs is the one.
        return Alert.objects.get(kind=kind, cause=cause)
    caseload_order.refresh_case(case.pk)
    if case.assigned_physio_id is not None:
        events.reminders_for_alert(
            case=case, alert_id=alert.pk, raised_at=alert.created_at, physio=case.assigned_physio
        )
    return alert


@transaction.atomic
def alert_acknowledge(*, alert: Alert, by) -> Alert:
    """The assigned physio has seen the alert; a second acknowledgement is a 409."""
    alert = Alert.objects.select_for_update().select_related("case").get(pk=alert.pk)
    if alert.case.assigned_physio_id != getattr(by, "pk", None):
        raise NotAllowed("Only the physio assigned to this case acknowledges its alerts.")
    if alert.acknowledged_at is not None:
        raise Conflict("This alert was already acknowledged.", code="already_acknowledged")
    alert.acknowledged_by = by
    alert.acknowledged_at = timezone.now()
    alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
    # The case leaves the top of the caseload with its last open alert.
    caseload_order.refresh_case(alert.case_id)
    return alert
