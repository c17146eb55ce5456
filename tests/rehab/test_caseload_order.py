"""The caseload's order kept on the case (rehab.caseload_order): every write of a session or an
alert leaves ``Case.has_open_alert`` and ``Case.next_session_at`` right in its own transaction,
the beat moves on the cases whose next session has begun, and the backfill fills old rows."""

from __future__ import annotations

import datetime
import importlib
import threading
import time

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext

from clinic.models import Case
from clinic.services import case_update
from rehab import caseload_order
from rehab.models import Alert, PhysioSession
from rehab.services.alerts import alert_acknowledge, alert_raise
from rehab.services.discharge import case_discharge
from rehab.services.sessions import session_cancel, session_log, session_move, session_schedule
from rehab.tasks import refresh_caseload_order
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

# A morning of the clinic: every test runs at this instant (the clock is still).
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clinic_morning():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def at(hours: float) -> datetime.datetime:
    return NOW + datetime.timedelta(hours=hours)


def stored(case) -> tuple[bool, datetime.datetime | None]:
    row = Case.objects.values_list("has_open_alert", "next_session_at").get(pk=case.pk)
    return row[0], row[1]


def test_a_quiet_case_has_no_alert_and_no_next_session(case):
    assert stored(case) == (False, None)


# --- Sessions --------------------------------------------------------------------------------


def test_it_keeps_the_session_booked_as_the_next_one(case, rita):
    session_schedule(case=case, scheduled_at=at(48), by=rita)

    assert stored(case) == (False, at(48))


def test_it_keeps_the_soonest_of_two_bookings_whatever_order_they_were_made(case, rita):
    session_schedule(case=case, scheduled_at=at(72), by=rita)
    session_schedule(case=case, scheduled_at=at(24), by=rita)

    assert stored(case) == (False, at(24))


def test_it_follows_a_session_moved_later_behind_the_other_booking(case, rita):
    first = session_schedule(case=case, scheduled_at=at(24), by=rita)
    session_schedule(case=case, scheduled_at=at(72), by=rita)

    session_move(session=first, scheduled_at=at(96), by=rita)

    assert stored(case) == (False, at(72))


def test_it_takes_the_next_booking_when_the_soonest_is_cancelled(case, rita):
    first = session_schedule(case=case, scheduled_at=at(24), by=rita)
    session_schedule(case=case, scheduled_at=at(72), by=rita)

    session_cancel(session=first, by=rita, reason="Ill")

    assert stored(case) == (False, at(72))


def test_it_has_no_next_session_once_the_only_one_is_cancelled(case, rita):
    session = session_schedule(case=case, scheduled_at=at(24), by=rita)
    assert stored(case) == (False, at(24))

    session_cancel(session=session, by=rita)

    assert stored(case) == (False, None)


@pytest.mark.parametrize("status", ["attended", "no_show"])
def test_a_session_logged_on_its_day_is_no_longer_the_next_one(case, rita, paula, status):
    session = session_schedule(case=case, scheduled_at=at(2), by=rita)
    assert stored(case) == (False, at(2))

    session_log(session=session, by=paula, status=status)

    assert stored(case) == (False, None)


def test_a_discharge_leaves_no_next_session(case, rita, paula):
    session_schedule(case=case, scheduled_at=at(24), by=rita)
    assert stored(case) == (False, at(24))

    case_discharge(case=case, by=paula, summary="Back to running.")

    assert stored(case) == (False, None)


# --- Alerts ----------------------------------------------------------------------------------


def test_it_marks_the_case_when_an_alert_is_raised(case):
    alert_raise(case=case, kind="high_pain", cause="outcome:1")

    assert stored(case) == (True, None)


def test_it_clears_the_mark_when_the_alert_is_acknowledged(case, paula):
    alert = alert_raise(case=case, kind="high_pain", cause="outcome:1")
    assert stored(case) == (True, None)

    alert_acknowledge(alert=alert, by=paula)

    assert stored(case) == (False, None)


def test_it_keeps_the_mark_until_the_last_of_two_alerts_is_acknowledged(case, paula):
    first = alert_raise(case=case, kind="high_pain", cause="outcome:1")
    second = alert_raise(case=case, kind="worsened", cause="outcome:2")

    alert_acknowledge(alert=first, by=paula)
    assert stored(case) == (True, None)

    alert_acknowledge(alert=second, by=paula)
    assert stored(case) == (False, None)


def test_an_alert_raised_twice_for_one_cause_leaves_one_mark(case, paula):
    alert = alert_raise(case=case, kind="high_pain", cause="outcome:1")
    assert alert_raise(case=case, kind="high_pain", cause="outcome:1") == alert
    assert stored(case) == (True, None)

    alert_acknowledge(alert=alert, by=paula)

    assert stored(case) == (False, None)


def test_changing_the_physio_from_a_stale_copy_of_the_case_keeps_the_columns(case, oscar):
    copy = Case.objects.get(pk=case.pk)
    alert_raise(case=case, kind="high_pain", cause="outcome:1")

    case_update(case=copy, assigned_physio=oscar)

    assert stored(case) == (True, None)
    assert Case.objects.get(pk=case.pk).assigned_physio == oscar


# --- Time passing: the beat's catch-up -------------------------------------------------------


def test_the_beat_moves_on_a_case_whose_next_session_has_begun(case, rita, clinic_morning):
    session_schedule(case=case, scheduled_at=at(1), by=rita)
    session_schedule(case=case, scheduled_at=at(26), by=rita)
    untouched = CaseFactory(assigned_physio=case.assigned_physio)
    session_schedule(case=untouched, scheduled_at=at(50), by=rita)

    clinic_morning.move_to(at(2))
    assert stored(case) == (False, at(1))  # stale until the beat's run

    assert refresh_caseload_order() == 1
    assert stored(case) == (False, at(26))
    assert stored(untouched) == (False, at(50))
    assert refresh_caseload_order() == 0  # a second run finds nothing to do


def test_the_beat_leaves_no_next_session_after_the_last_one_began(case, rita, clinic_morning):
    session_schedule(case=case, scheduled_at=at(1), by=rita)

    clinic_morning.move_to(at(2))
    refresh_caseload_order()

    assert stored(case) == (False, None)


def test_the_beat_runs_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-caseload-order"]

    assert entry["task"] == "rehab.refresh_caseload_order"
    assert entry["schedule"] == 300.0


# --- The backfill (rehab 0010, and benchmarks/seed.py after its COPY) ------------------------


def _migration_fill():
    """The data migration's own function, with the models of its point in the history."""
    name = "0010_case_caseload_order_fill"
    state = MigrationLoader(connection).project_state(("rehab", name))
    migration = importlib.import_module(f"rehab.migrations.{name}")
    migration.fill(state.apps, None)


def test_the_backfill_writes_both_columns_of_rows_written_without_them(rita, paula):
    alerted, booked, quiet, past = (CaseFactory(assigned_physio=paula) for _ in range(4))
    # Rows as the services never write them: as they were before the columns existed.
    Alert.objects.create(case=alerted, kind="high_pain", cause="outcome:1")
    Alert.objects.create(
        case=quiet, kind="high_pain", cause="outcome:2", acknowledged_by=paula, acknowledged_at=NOW
    )
    PhysioSession.objects.create(case=booked, physio=paula, scheduled_at=at(30))
    PhysioSession.objects.create(case=booked, physio=paula, scheduled_at=at(5))
    PhysioSession.objects.create(case=booked, physio=paula, scheduled_at=at(3), status="cancelled")
    PhysioSession.objects.create(case=past, physio=paula, scheduled_at=at(-3))
    Case.objects.filter(pk=quiet.pk).update(has_open_alert=True, next_session_at=at(4))

    with CaptureQueriesContext(connection) as queries:
        _migration_fill()

    assert stored(alerted) == (True, None)
    assert stored(booked) == (False, at(5))
    assert stored(quiet) == (False, None)
    assert stored(past) == (False, None)
    # Set-based: four UPDATEs whatever the number of cases, and only the wrong rows rewritten.
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 4


def test_the_backfill_rewrites_only_the_rows_it_corrects(paula):
    right, wrong = CaseFactory(assigned_physio=paula), CaseFactory(assigned_physio=paula)
    Case.objects.filter(pk=wrong.pk).update(has_open_alert=True)

    changed = caseload_order.backfill(
        Case.objects.all(),
        sessions=PhysioSession.objects.all(),
        alerts=Alert.objects.all(),
        now=NOW,
    )

    assert changed == 1
    assert stored(wrong) == (False, None)
    assert stored(right) == (False, None)


# --- Two writes of one case at once ----------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are PostgreSQL's (SQLite has none)"
)
@pytest.mark.django_db(transaction=True)
def test_an_alert_raised_while_a_session_is_cancelled_keeps_both_columns_right(rita, paula):
    """The alert's write waits for the cancellation's lock on the case, then sees it: without
    that lock first, its UPDATE would wait only for the row, and write the next session as
    its snapshot from before the cancellation had it."""
    case = CaseFactory(assigned_physio=paula)
    soon = session_schedule(case=case, scheduled_at=at(24), by=rita)
    holding, release = threading.Event(), threading.Event()

    def cancel():
        try:
            with transaction.atomic():
                session_cancel(session=soon, by=rita)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    def raise_alert():
        try:
            alert_raise(case=case, kind="high_pain", cause="outcome:1")
        finally:
            connections.close_all()

    one = threading.Thread(target=cancel)
    one.start()
    assert holding.wait(10)
    two = threading.Thread(target=raise_alert)
    two.start()
    time.sleep(0.5)  # the alert's write is waiting for the case's row by now
    release.set()
    one.join(10)
    two.join(10)

    assert stored(case) == (True, None)
