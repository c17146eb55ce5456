"""/api/v1/reminders/: scoped reads, filters, and cancelling a pending reminder."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clinic.models import AuditEvent
from reminders.models import Reminder, ReminderStatus
from tests.factories import CaseFactory
from tests.reminders.helpers import make_reminder

URL = "/api/v1/reminders/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def reminder(case):
    """Emma's pending session reminder (her case is Paula's)."""
    return make_reminder(case, due_at=timezone.now() + timedelta(days=1))


@pytest.fixture
def other_reminder(db):
    """A reminder on a case nobody here is assigned to."""
    return make_reminder(CaseFactory(), due_at=timezone.now() + timedelta(days=2))


@pytest.mark.parametrize("persona", ["rita", "dan", "ada"])
def test_it_lists_every_reminder_to_reception_doctors_and_admins(
    persona, request, api_as, reminder, other_reminder
):
    user = request.getfixturevalue(persona)

    response = api_as(user).get(URL)

    assert response.status_code == 200
    assert {r["id"] for r in response.json()["results"]} == {reminder.pk, other_reminder.pk}


def test_it_shows_a_physio_only_the_reminders_of_their_cases(
    paula, api_as, reminder, other_reminder
):
    listed = api_as(paula).get(URL).json()["results"]

    assert [r["id"] for r in listed] == [reminder.pk]
    assert api_as(paula).get(f"{URL}{reminder.pk}/").status_code == 200
    assert api_as(paula).get(f"{URL}{other_reminder.pk}/").status_code == 404


def test_it_shows_an_outsider_physio_nothing(oscar, api_as, reminder):
    assert api_as(oscar).get(URL).json()["results"] == []
    assert api_as(oscar).get(f"{URL}{reminder.pk}/").status_code == 404
    assert api_as(oscar).post(f"{URL}{reminder.pk}/cancel/").status_code == 404
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING


def test_it_refuses_anonymous_callers(api, reminder):
    assert api.get(URL).status_code == 401


def test_it_describes_a_reminder(rita, api_as, reminder):
    body = api_as(rita).get(f"{URL}{reminder.pk}/").json()

    assert body["kind"] == "session_reminder"
    assert body["status"] == "pending"
    assert body["case"] == reminder.case_id
    assert body["patient"] == reminder.case.patient_id
    assert "claim_token" not in body


def test_it_says_when_a_reminder_the_server_refused_is_tried_again(rita, api_as, reminder):
    retry_at = timezone.now() + timedelta(minutes=4)
    Reminder.objects.filter(pk=reminder.pk).update(
        attempts=3, last_error="ConnectionRefusedError", next_attempt_at=retry_at
    )

    body = api_as(rita).get(f"{URL}{reminder.pk}/").json()

    assert body["status"] == "pending"
    assert body["attempts"] == 3
    assert body["last_error"] == "ConnectionRefusedError"
    assert body["next_attempt_at"] == retry_at.isoformat().replace("+00:00", "Z")


def test_it_filters_by_status_kind_case_and_due_range(dan, api_as, reminder, other_reminder):
    Reminder.objects.filter(pk=other_reminder.pk).update(status="sent", sent_at=timezone.now())
    client = api_as(dan)

    def ids(**params):
        return {r["id"] for r in client.get(URL, params).json()["results"]}

    assert ids(status="pending") == {reminder.pk}
    assert ids(status=["pending", "sent"]) == {reminder.pk, other_reminder.pk}
    assert ids(kind="discharge_checkin") == set()
    assert ids(case=other_reminder.case_id) == {other_reminder.pk}
    after = (timezone.now() + timedelta(days=1, hours=12)).isoformat()
    assert ids(due_after=after) == {other_reminder.pk}
    assert ids(due_before=after) == {reminder.pk}


def test_it_refuses_an_unknown_status_filter(dan, api_as):
    assert api_as(dan).get(URL, {"status": "lost"}).status_code == 400


def test_it_records_who_read_which_reminders(dan, api_as, reminder):
    api_as(dan).get(URL)

    event = AuditEvent.objects.get(object_type="reminders.reminder")
    assert (event.actor, event.patient_id, event.object_id) == (
        dan,
        reminder.case.patient_id,
        str(reminder.pk),
    )


def test_the_list_makes_a_fixed_number_of_queries(dan, api_as, django_assert_max_num_queries):
    for _ in range(3):
        make_reminder(CaseFactory())
    client = api_as(dan)
    with django_assert_max_num_queries(6):
        assert client.get(URL).status_code == 200
    for _ in range(10):
        make_reminder(CaseFactory())
    with django_assert_max_num_queries(6):
        assert len(client.get(URL).json()["results"]) == 13


@pytest.mark.parametrize("persona", ["rita", "dan", "paula", "ada"])
def test_it_lets_reception_doctors_admins_and_the_assigned_physio_cancel(
    persona, request, api_as, reminder
):
    user = request.getfixturevalue(persona)

    response = api_as(user).post(f"{URL}{reminder.pk}/cancel/")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "cancelled"
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.CANCELLED


@pytest.mark.parametrize("status", ["sent", "failed", "skipped", "cancelled"])
def test_it_answers_409_to_cancel_a_reminder_that_is_not_pending(status, rita, api_as, reminder):
    sent_at = timezone.now() if status == "sent" else None
    Reminder.objects.filter(pk=reminder.pk).update(status=status, sent_at=sent_at)

    response = api_as(rita).post(f"{URL}{reminder.pk}/cancel/")

    assert response.status_code == 409
    assert response.json()["code"] == "not_pending"
    reminder.refresh_from_db()
    assert reminder.status == status


def test_it_offers_no_way_to_write_a_reminder(rita, api_as, reminder):
    client = api_as(rita)

    # No create, update or delete action exists: 405 for every role and route.
    assert client.post(URL, {"case": reminder.case_id}).status_code == 405
    assert client.patch(f"{URL}{reminder.pk}/", {"status": "sent"}).status_code == 405
    assert client.delete(f"{URL}{reminder.pk}/").status_code == 405
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING


def test_it_finds_reminders_by_mrn(rita, api_as, reminder, other_reminder):
    listed = api_as(rita).get(URL, {"search": reminder.case.patient.mrn}).json()["results"]

    assert [r["id"] for r in listed] == [reminder.pk]


# --- Django admin -------------------------------------------------------------------------------

ADMIN_URL = "/admin/reminders/reminder/"


def test_admin_lists_reminders_and_finds_them_by_mrn(client, ada, reminder, other_reminder):
    client.force_login(ada)

    response = client.get(ADMIN_URL, {"q": reminder.case.patient.mrn})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [reminder]


def test_admin_retry_puts_failed_skipped_and_cancelled_rows_back(client, ada, case):
    client.force_login(ada)
    failed = make_reminder(
        case,
        status="failed",
        attempts=5,
        last_error="SMTPDataError 554",
        failing_since=timezone.now() - timedelta(days=1),
        alerted_at=timezone.now(),
    )
    skipped = make_reminder(case, status="skipped", skip_reason="The patient has no email.")
    sent = make_reminder(case, status="sent", sent_at=timezone.now())

    response = client.post(
        ADMIN_URL,
        {"action": "retry", "_selected_action": [failed.pk, skipped.pk, sent.pk]},
    )

    assert response.status_code == 302
    failed.refresh_from_db()
    skipped.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == ("pending", 0, "")
    # A fresh retry window, and a fresh alert should it fail again.
    assert (failed.failing_since, failed.next_attempt_at, failed.alerted_at) == (None, None, None)
    assert (skipped.status, skipped.skip_reason) == ("pending", "")
    assert sent.status == "sent"


def test_admin_cancel_cancels_only_pending_rows(client, ada, case, reminder):
    client.force_login(ada)
    sent = make_reminder(case, status="sent", sent_at=timezone.now())

    client.post(ADMIN_URL, {"action": "cancel", "_selected_action": [reminder.pk, sent.pk]})

    reminder.refresh_from_db()
    sent.refresh_from_db()
    assert (reminder.status, sent.status) == ("cancelled", "sent")
