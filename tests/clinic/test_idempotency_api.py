"""``Idempotency-Key`` on the creating POSTs: a repeat answers the first response only."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from clinic import roles
from clinic.idempotency import purge_expired
from clinic.models import AuditEvent, Case, IdempotencyKey, Patient
from rehab.models import OutcomeMeasure, PhysioSession
from reminders.models import Reminder
from tests.factories import UserFactory
from triage.models import Intake

KEY = "6f1c2f2e-4d7a-4a43-9f7e-2b8f0f4f2a11"

QUESTIONNAIRE = {
    "onset": "gradual",
    "swelling": "none",
    "hematoma": False,
    "mobility": "normal",
    "weight_bearing": "normal",
    "pain_location": "posterior",
    "side": "left",
    "pain_at_rest": 2,
    "pain_after_running": 6,
    "pain_duration_days": 30,
    "still_running": True,
    "weekly_distance_km": 35.0,
    "recent_training_change": True,
    "recent_shoe_change": False,
    "known_flat_feet": False,
    "previous_sprains": 0,
    "calf_pain_or_swelling": False,
    "fever_or_hot_red_joint": False,
    "numbness_or_cold_foot": False,
    "night_pain": False,
    "focal_bone_pain": False,
    "mechanism": None,
}


def new_patient_intake(**questionnaire) -> dict:
    return {
        "new_patient": {"given_name": "Ana", "family_name": "Lopez", "date_of_birth": "1990-05-02"},
        "questionnaire": {**QUESTIONNAIRE, **questionnaire},
    }


def tomorrow(*, hours: int = 0) -> str:
    moment = timezone.now() + datetime.timedelta(days=1, hours=hours)
    return moment.replace(microsecond=0).isoformat()


def post(client, url: str, data, key: str | None = KEY):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(url, data, format="json", **extra)


def test_it_answers_a_repeated_intake_with_the_first_response(rita, api_as):
    client = api_as(rita)

    first = post(client, "/api/v1/intakes/", new_patient_intake())
    again = post(client, "/api/v1/intakes/", new_patient_intake())

    assert (first.status_code, again.status_code) == (201, 201), first.json()
    assert again.json() == first.json()
    intake = Intake.objects.get()
    assert first["Location"] == again["Location"] == f"/api/v1/intakes/{intake.pk}/"
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert (Patient.objects.count(), Case.objects.count()) == (1, 1)


def test_it_books_a_repeated_session_once_with_one_reminder(rita, api_as, case):
    client = api_as(rita)
    booking = {"case": case.pk, "scheduled_at": tomorrow()}

    first = post(client, "/api/v1/sessions/", booking)
    again = post(client, "/api/v1/sessions/", booking)

    assert (first.status_code, again.status_code) == (201, 201), first.json()
    assert again.json() == first.json()
    assert PhysioSession.objects.count() == 1
    assert Reminder.objects.filter(kind="session_reminder").count() == 1


def test_it_records_a_repeated_outcome_once(paula, api_as, case):
    client = api_as(paula)
    measure = {"case": case.pk, "instrument": "nprs", "answers": [4]}

    first = post(client, "/api/v1/outcomes/", measure)
    again = post(client, "/api/v1/outcomes/", measure)

    assert (first.status_code, again.status_code) == (201, 201), first.json()
    assert again.json() == first.json()
    assert again["Location"] == f"/api/v1/outcomes/{OutcomeMeasure.objects.get().pk}/"


def test_it_treats_the_same_body_in_another_key_order_as_the_same_request(rita, api_as, case):
    client = api_as(rita)
    when = tomorrow()

    post(client, "/api/v1/sessions/", {"case": case.pk, "scheduled_at": when})
    again = post(client, "/api/v1/sessions/", {"scheduled_at": when, "case": case.pk})

    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert PhysioSession.objects.count() == 1


def test_it_refuses_the_same_key_with_another_body_with_422(rita, api_as, case):
    client = api_as(rita)
    post(client, "/api/v1/sessions/", {"case": case.pk, "scheduled_at": tomorrow()})

    other = post(
        client, "/api/v1/sessions/", {"case": case.pk, "scheduled_at": tomorrow(), "physio": None}
    )

    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert PhysioSession.objects.count() == 1


def test_it_refuses_the_same_key_on_another_endpoint_with_422(rita, api_as, case):
    client = api_as(rita)
    post(client, "/api/v1/sessions/", {"case": case.pk, "scheduled_at": tomorrow()})

    other = post(client, "/api/v1/intakes/", new_patient_intake())

    assert other.status_code == 422
    assert not Intake.objects.exists()


def test_it_keeps_keys_apart_per_user(rita, api_as, case):
    rosa = UserFactory(username="rosa", role=roles.RECEPTION)
    booking = {"case": case.pk, "scheduled_at": tomorrow()}

    by_rita = post(api_as(rita), "/api/v1/sessions/", booking)
    # The same key, another booking (one physio is in one session at a time).
    by_rosa = post(
        api_as(rosa), "/api/v1/sessions/", {**booking, "scheduled_at": tomorrow(hours=2)}
    )

    assert (by_rita.status_code, by_rosa.status_code) == (201, 201)
    assert not by_rosa.has_header("Idempotent-Replayed")
    assert PhysioSession.objects.count() == 2


def test_it_writes_twice_without_a_key(rita, api_as, case):
    client = api_as(rita)
    booking = {"case": case.pk, "scheduled_at": tomorrow()}

    post(client, "/api/v1/sessions/", booking, key=None)
    post(client, "/api/v1/sessions/", {**booking, "scheduled_at": tomorrow(hours=2)}, key=None)

    assert PhysioSession.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_it_stores_nothing_for_a_refused_request_so_the_key_can_be_retried(rita, api_as, case):
    client = api_as(rita)

    refused = post(client, "/api/v1/sessions/", {"case": case.pk, "scheduled_at": "soon"})
    corrected = post(client, "/api/v1/sessions/", {"case": case.pk, "scheduled_at": tomorrow()})

    assert (refused.status_code, corrected.status_code) == (400, 201)
    assert not corrected.has_header("Idempotent-Replayed")
    assert PhysioSession.objects.count() == 1


def test_it_forgets_a_key_after_24_hours(rita, api_as, case):
    client = api_as(rita)
    booking = {"case": case.pk, "scheduled_at": tomorrow()}
    post(client, "/api/v1/sessions/", booking)

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=24, minutes=1)):
        # The key is forgotten: the same key books again (another time: the first still holds).
        later = post(client, "/api/v1/sessions/", {**booking, "scheduled_at": tomorrow(hours=2)})

    assert later.status_code == 201
    assert not later.has_header("Idempotent-Replayed")
    assert PhysioSession.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1


def test_it_still_replays_just_before_24_hours(rita, api_as, case):
    client = api_as(rita)
    booking = {"case": case.pk, "scheduled_at": tomorrow()}
    post(client, "/api/v1/sessions/", booking)

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=23, minutes=59)):
        later = post(client, "/api/v1/sessions/", booking)

    assert later["Idempotent-Replayed"] == "true"
    assert PhysioSession.objects.count() == 1


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "caf\u00e9"])
def test_it_refuses_a_malformed_key_naming_the_header(rita, api_as, case, key):
    response = api_as(rita).post(
        "/api/v1/sessions/",
        {"case": case.pk, "scheduled_at": tomorrow()},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )

    assert response.status_code == 400
    assert list(response.json()) == ["Idempotency-Key"]
    assert not PhysioSession.objects.exists()


def test_it_answers_404_to_a_replay_once_the_record_is_out_of_reach(paula, oscar, api_as, case):
    measure = {"case": case.pk, "instrument": "nprs", "answers": [4]}
    post(api_as(paula), "/api/v1/outcomes/", measure)
    case.assigned_physio = oscar
    case.save(update_fields=["assigned_physio"])

    again = post(api_as(paula), "/api/v1/outcomes/", measure)

    assert again.status_code == 404
    assert OutcomeMeasure.objects.count() == 1


def test_it_audits_a_replay_as_a_view_of_the_record(rita, api_as, case):
    client = api_as(rita)
    booking = {"case": case.pk, "scheduled_at": tomorrow()}
    post(client, "/api/v1/sessions/", booking)

    post(client, "/api/v1/sessions/", booking)

    session = PhysioSession.objects.get()
    events = AuditEvent.objects.filter(object_type="rehab.physiosession", object_id=str(session.pk))
    assert sorted(events.values_list("action", flat=True)) == ["create", "view"]


def test_it_purges_keys_older_than_24_hours(rita, api_as, case):
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=25)):
        post(api_as(rita), "/api/v1/sessions/", {"case": case.pk, "scheduled_at": tomorrow()})
    post(api_as(rita), "/api/v1/sessions/", {"case": case.pk, "scheduled_at": tomorrow()}, "k2")

    assert purge_expired() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["k2"]


def test_it_purges_them_hourly_from_celery_beat(rita, api_as, case, settings):
    from clinic.tasks import purge_idempotency_keys

    with time_machine.travel(timezone.now() - datetime.timedelta(hours=25)):
        post(api_as(rita), "/api/v1/sessions/", {"case": case.pk, "scheduled_at": tomorrow()})

    assert purge_idempotency_keys.apply().get() == 1
    entry = settings.CELERY_BEAT_SCHEDULE["purge-idempotency-keys"]
    assert (entry["task"], entry["schedule"]) == ("clinic.purge_idempotency_keys", 3600.0)


@pytest.mark.parametrize("path", ["/api/v1/intakes/", "/api/v1/sessions/", "/api/v1/outcomes/"])
def test_it_documents_the_header_and_the_422_in_the_schema(db, client, path):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    operation = schema["paths"][path]["post"]
    header = next(p for p in operation["parameters"] if p["name"] == "Idempotency-Key")
    assert (header["in"], header["required"], header["schema"]["maxLength"]) == (
        "header",
        False,
        255,
    )
    reused = operation["responses"]["422"]["content"]["application/json"]["schema"]
    assert reused["properties"]["code"]["enum"] == ["idempotency_key_reused"]


# --- Two identical requests at the same time ------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Two concurrent transactions racing for one key need PostgreSQL (SQLite has one "
    "writer); set DATABASE_URL to run it.",
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_books_once_when_two_identical_requests_race(rita, case, monkeypatch):
    """The first request holds its transaction open in the booking service; the second one
    arrives meanwhile, waits on the key's unique index, then replays the first answer."""
    from rehab.api import sessions as sessions_api

    real = sessions_api.session_services.session_schedule

    def slow_schedule(**kwargs):
        session = real(**kwargs)
        time.sleep(1.0)
        return session

    monkeypatch.setattr(sessions_api.session_services, "session_schedule", slow_schedule)
    booking = {"case": case.pk, "scheduled_at": tomorrow()}
    barrier = threading.Barrier(2)
    responses = []

    def request():
        client = APIClient()
        client.force_authenticate(rita)
        try:
            barrier.wait(timeout=30)
            responses.append(post(client, "/api/v1/sessions/", booking))
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(r.status_code for r in responses) == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert sorted(r.has_header("Idempotent-Replayed") for r in responses) == [False, True]
    assert PhysioSession.objects.count() == 1
    assert Reminder.objects.filter(kind="session_reminder").count() == 1
