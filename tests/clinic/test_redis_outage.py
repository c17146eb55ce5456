"""Without Redis (cache and broker) the API and the pages keep answering.

The cache below is a real Redis client pointed at a port nothing listens on: every call
fails the way it does when Redis is down (connection refused).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable
from rest_framework.throttling import UserRateThrottle

from clinic import throttling
from clinic.models import Patient
from clinic.tasks import enqueue_on_commit, ping
from tests.factories import PatientFactory

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

NEW_PATIENT = {
    "given_name": "Emma",
    "family_name": "Martin",
    "date_of_birth": "1991-03-14",
    "sex": "female",
    "email": "emma@example.org",
    "preferred_channel": "email",
    "reminder_consent": True,
}


@pytest.fixture(autouse=True)
def _no_outage_left_behind():
    throttling.fallback.reset()
    yield
    throttling.fallback.reset()


@pytest.fixture
def redis_down(settings):
    settings.CACHES = DEAD_REDIS


def test_api_reads_and_writes_answer_while_redis_is_down(rita, api_as, redis_down):
    client = api_as(rita)
    PatientFactory(family_name="Okafor")  # not the new patient's name: one of each

    read = client.get("/api/v1/patients/")
    write = client.post("/api/v1/patients/", NEW_PATIENT)

    assert read.status_code == 200
    assert len(read.json()["results"]) == 1
    assert write.status_code == 201
    assert Patient.objects.filter(family_name="Martin").count() == 1


def test_the_throttle_still_counts_in_process_memory(rita, api_as, redis_down, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/min"})
    client = api_as(rita)

    statuses = [client.get("/api/v1/patients/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert throttling.fallback.in_use()


def test_it_counts_in_the_cache_again_once_it_answers(rita, api_as, settings, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "5/min"})
    settings.CACHES = DEAD_REDIS
    api_as(rita).get("/api/v1/patients/")
    assert throttling.fallback.in_use()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    throttling.fallback.skip_until = 0.0  # the pause is over

    assert api_as(rita).get("/api/v1/patients/").status_code == 200

    assert any(key.startswith(":1:throttle_user_") for key in cache._cache)


def test_a_token_can_be_had_while_redis_is_down(api, rita, redis_down):
    response = api.post(
        "/api/v1/auth/token/", {"username": "rita", "password": "correct horse battery"}
    )

    assert response.status_code == 200
    assert response.json()["token"]


def test_a_page_login_works_while_redis_is_down(client, rita, redis_down):
    response = client.post(
        "/accounts/login/", {"username": "rita", "password": "correct horse battery"}
    )

    assert response.status_code == 302
    assert client.get("/patients/").status_code == 200


def test_sessions_and_lockouts_never_live_in_the_cache():
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert django_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "clinic.throttling.AnonRateThrottle",
        "clinic.throttling.UserRateThrottle",
    ]


def test_web_code_queues_tasks_only_through_the_helper_that_survives_the_broker():
    """A publish on commit that raised would turn a committed request into a 500.

    The dispatcher's (reminders/tasks.py) runs in a worker; anything else goes through
    ``clinic.tasks.enqueue_on_commit``.
    """
    root = Path(__file__).resolve().parents[2]
    publishers = sorted(
        path.relative_to(root).as_posix()
        for app in ("clinic", "reminders", "triage", "rehab")
        for path in (root / app).rglob("*.py")
        if re.search(r"\.(delay|apply_async|send_task)\(", path.read_text())
    )

    assert publishers == ["clinic/tasks.py", "reminders/tasks.py"]


@pytest.mark.django_db(transaction=True)
def test_a_task_the_broker_refuses_does_not_fail_the_committed_request(monkeypatch, caplog):
    def broker_down(*args, **kwargs):
        raise BrokerUnavailable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(ping, "apply_async", broker_down)
    with transaction.atomic():
        patient = PatientFactory()
        enqueue_on_commit(ping, "x")

    assert Patient.objects.filter(pk=patient.pk).exists()
    assert "The broker did not take clinic.ping" in caplog.text
