"""The caseload's order, kept on the case: ``Case.has_open_alert`` and ``Case.next_session_at``.

The physio's caseload puts the cases with an open alert first, then the soonest booked session
(rehab.selectors.CASELOAD_ORDER). Computed per case at read time, that order made every active
case of the physio be evaluated before the first fifty were known; stored on the case, its
page is read in an index's order (``case_caseload``). What writes an alert or a session calls
``refresh_case`` inside its own transaction, so the columns change when the change
commits, and never otherwise.

Time passing is the one change no write sees: a booked session that has begun is no longer
the case's next one. The beat runs ``catch_up`` every few minutes (rehab.tasks), for the cases
whose stored next session is in the past; until it has, such a case keeps its place in the
order, while its row shows the exact next session, read for the page's rows only.

The same expressions fill the columns of existing rows (``backfill``: the migration that added
them, and benchmarks/seed.py after its COPY), given the querysets of the models they read, so
that a migration passes its historical models.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from clinic.models import Case
from rehab.models import Alert, PhysioSession, SessionStatus

SCHEDULED = SessionStatus.SCHEDULED.value


def open_alert(alerts: QuerySet) -> Exists:
    """Whether the outer case has an alert not yet acknowledged."""
    return Exists(alerts.filter(case=OuterRef("pk"), acknowledged_at__isnull=True))


def upcoming_sessions(sessions: QuerySet, *, now: datetime) -> QuerySet:
    """The outer case's sessions still booked, from ``now`` on."""
    return sessions.filter(case=OuterRef("pk"), status=SCHEDULED, scheduled_at__gte=now)


def next_session(sessions: QuerySet, *, now: datetime) -> Subquery:
    """When the outer case's soonest booked session starts (null: none booked)."""
    upcoming = upcoming_sessions(sessions, now=now).order_by("scheduled_at")
    return Subquery(upcoming.values("scheduled_at")[:1])


def refresh(cases: QuerySet, *, now: datetime | None = None) -> int:
    """Rewrite both columns of ``cases`` (one UPDATE, one case or a few); returns the rows."""
    return cases.update(
        has_open_alert=open_alert(Alert.objects.all()),
        next_session_at=next_session(PhysioSession.objects.all(), now=now or timezone.now()),
    )


def refresh_case(case_id: int) -> None:
    """Rewrite the columns of one case, in the caller's transaction (the services' call)."""
    case = Case.objects.filter(pk=case_id)
    # The case's row lock first (the session services hold it already; raising an alert does
    # not): a write of another of its sessions or alerts that holds it has committed when we
    # have it, and the UPDATE's own snapshot, taken after, sees it. An UPDATE that only waited
    # for the row would write both columns as its subqueries saw them before that commit.
    list(case.select_for_update().values_list("pk", flat=True))
    refresh(case)


def catch_up(*, now: datetime | None = None) -> int:
    """Move on the cases whose stored next session has begun (the beat's run); returns them.

    Idempotent: a second run finds none; two at once write the same values.
    """
    now = now or timezone.now()
    return refresh(Case.objects.filter(next_session_at__lt=now), now=now)


def backfill(cases: QuerySet, *, sessions: QuerySet, alerts: QuerySet, now: datetime) -> int:
    """Write both columns on every row of ``cases`` whose stored value is wrong, set-based:
    four UPDATEs, each touching only the rows it changes (on a fresh column, the cases with
    an open alert or a booked session), not one per case; returns the rows changed."""
    alerted = open_alert(alerts)
    upcoming = Exists(upcoming_sessions(sessions, now=now))
    soonest = next_session(sessions, now=now)
    changed = cases.filter(alerted, has_open_alert=False).update(has_open_alert=True)
    changed += cases.filter(~alerted, has_open_alert=True).update(has_open_alert=False)
    changed += (
        cases.filter(upcoming).exclude(next_session_at=soonest).update(next_session_at=soonest)
    )
    changed += cases.filter(~upcoming, next_session_at__isnull=False).update(next_session_at=None)
    return changed
