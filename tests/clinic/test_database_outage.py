"""A database outage answers 503 with Retry-After (JSON on the API), never a 500, and
leaves nothing half-written. The outage is injected: the error psycopg raises when the
server restarts under a connection, wrapped by Django as it is in production.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client

from clinic import api as clinic_api
from clinic import audit, selectors, services
from clinic.models import Patient
from tests.factories import PatientFactory

RESTARTED = OperationalError(
    "terminating connection due to administrator command\nserver closed the connection unexpectedly"
)

NEW_PATIENT = {
    "given_name": "Emma",
    "family_name": "Martin",
    "date_of_birth": "1991-03-14",
    "sex": "female",
    "email": "emma@example.org",
    "preferred_channel": "email",
    "reminder_consent": True,
}


def _raise(exc):
    def fail(*args, **kwargs):
        raise exc

    return fail


def assert_json_503(response):
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "The database is unavailable; try again in a few seconds.",
        "code": "database_unavailable",
    }


def test_an_api_read_answers_a_json_503(rita, api_as, monkeypatch):
    monkeypatch.setattr(clinic_api.PatientViewSet, "get_queryset", _raise(RESTARTED))

    response = api_as(rita).get("/api/v1/patients/")

    assert_json_503(response)


def test_a_closed_connection_answers_the_same(rita, api_as, monkeypatch):
    monkeypatch.setattr(
        clinic_api.PatientViewSet,
        "get_queryset",
        _raise(InterfaceError("connection already closed")),
    )

    assert_json_503(api_as(rita).get("/api/v1/patients/"))


def test_a_write_cut_short_leaves_nothing_behind(rita, api_as, monkeypatch):
    original = services.patient_create

    def create_then_lose_the_database(**kwargs):
        original(**kwargs)  # the row is written ...
        raise RESTARTED  # ... and the server goes away before the request ends

    monkeypatch.setattr(services, "patient_create", create_then_lose_the_database)

    response = api_as(rita).post("/api/v1/patients/", NEW_PATIENT)

    assert_json_503(response)
    assert not Patient.objects.filter(family_name="Martin").exists()


def test_an_outage_in_the_audit_flush_answers_a_json_503(rita, api_as, monkeypatch):
    PatientFactory()
    monkeypatch.setattr(audit, "_insert", _raise(RESTARTED))
    client = api_as(rita)
    client.raise_request_exception = False

    assert_json_503(client.get("/api/v1/patients/"))


def test_a_page_answers_a_plain_503_page(client, rita, monkeypatch):
    client.force_login(rita)
    monkeypatch.setattr(selectors, "patient_search", _raise(RESTARTED))

    response = client.get("/patients/", {"q": "Martin"})

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "5"
    assert "Talus is briefly unavailable" in response.content.decode()


def test_an_outage_met_loading_the_session_answers_a_503_page(rita, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(rita)
    monkeypatch.setattr(SessionStore, "load", _raise(RESTARTED))

    response = client.get("/patients/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Talus is briefly unavailable" in response.content.decode()
    # Answered above the security middlewares, it carries their headers itself.
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.urls("tests.clinic.urls_with_error")
def test_any_other_error_is_still_a_500(db):
    client = Client(raise_request_exception=False)

    assert client.get("/explode/1/").status_code == 500


def test_reused_connections_are_checked_before_a_request_uses_them():
    assert django_settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
