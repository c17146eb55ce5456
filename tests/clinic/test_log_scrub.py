"""Each logger, run through the production handler, writes no id, name, MRN, token or query.

The lines are read from the console handler configured by settings.LOGGING (its filters and
formatter, as in production), not from pytest's capture, which bypasses the handler.
"""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client

from clinic.security.logs import JsonFormatter, PlainFormatter, scrub_database_lines
from reminders.models import Reminder
from tests.conftest import token_for


@pytest.fixture
def console():
    """The text the production console handler writes during the test."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)
    yield stream
    root.setLevel(level)
    handler.setStream(previous)


def secrets_of(patient, *more: str) -> list[str]:
    """What must never reach a log line about Emma."""
    return [
        f"/{patient.pk}/",
        patient.given_name,
        patient.family_name,
        patient.mrn,
        "Martin",
        "search=",
        *more,
    ]


def assert_clean(text: str, secrets: list[str]) -> None:
    assert text, "the scenario wrote no line at all"
    found = [secret for secret in secrets if secret and secret in text]
    assert found == [], text


def test_a_csrf_failure_logs_the_route_not_the_path(rita, patient, console):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rita)

    response = client.post(f"/patients/{patient.pk}/edit/?q=Martin", {"family_name": "Martin"})

    assert response.status_code == 403
    text = console.getvalue()
    assert "Forbidden (CSRF" in text
    assert "/patients/{pk}/edit/" in text
    assert_clean(text, secrets_of(patient))


def test_a_csrf_failure_on_the_opt_out_link_keeps_its_token_out(case, console):
    from django.utils import timezone

    from reminders.services.events import reminders_for_session_scheduled

    reminders_for_session_scheduled(
        case=case, session_id=1, scheduled_at=timezone.now() + timezone.timedelta(days=2)
    )
    reminder = Reminder.objects.get()
    from reminders.messages import render

    stop_url = render(reminder, channel="email").stop_url
    path = stop_url.split("://", 1)[1].split("/", 1)[1]
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"/{path}", {})

    assert response.status_code == 403
    text = console.getvalue()
    token_part = path.rstrip("/").rsplit("/", 1)[-1]
    assert_clean(text, [token_part, *secrets_of(case.patient)])


def test_the_request_line_of_an_api_call_names_the_route_only(dan, patient, console):
    token = token_for(dan)
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")

    client.get("/api/v1/patients/?search=Martin")
    client.get(f"/api/v1/patients/{patient.pk}/?search=Martin")
    client.get("/api/v1/patients/99999999/")

    text = console.getvalue()
    assert "/api/v1/patients/{pk}/" in text
    assert_clean(text, [token, "99999999", *secrets_of(patient)])


def test_a_server_error_logs_the_route_and_a_scrubbed_traceback(
    dan, patient, console, settings, monkeypatch
):
    from clinic import views

    def broken(*args, **kwargs):
        raise RuntimeError(
            'duplicate key value violates unique constraint "patient_identity"\n'
            "DETAIL:  Key (lower(family_name))=(martin) already exists.\n"
            "LINE 1: ...SET family_name = 'Martin' WHERE id = 42\n"
            "                             ^\n"
            "CONTEXT:  unnamed portal parameter $1 = 'Martin'"
        )

    monkeypatch.setattr(views, "render", broken)
    client = Client(raise_request_exception=False)
    client.force_login(dan)

    response = client.get(f"/patients/{patient.pk}/?q=Martin")

    assert response.status_code == 500
    text = console.getvalue()
    assert "Internal Server Error" in text
    assert "duplicate key value" in text
    assert_clean(text, ["WHERE id = 42", "CONTEXT", *secrets_of(patient)])


def test_the_axes_lockout_lines_carry_no_username_or_address(db, console, settings):
    client = Client()

    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post(
            "/accounts/login/",
            {"username": "emma.martin", "password": "wrong"},
            REMOTE_ADDR="203.0.113.9",
        )

    text = console.getvalue()
    assert_clean(text, ["emma.martin", "203.0.113.9"])


@pytest.mark.parametrize("formatter", [JsonFormatter(), PlainFormatter()])
def test_both_formats_drop_postgresqls_quoting_lines(formatter):
    try:
        raise RuntimeError(
            "invalid input syntax for type integer\n"
            "LINE 1: SELECT * FROM clinic_patient WHERE family_name = 'Martin'\n"
            "                                                         ^\n"
            "DETAIL:  Key (mrn)=(T00000420) already exists.\n"
            "CONTEXT:  SQL function \"f\" statement 1, parameter $1 = 'Emma'"
        )
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", (), sys_exc_info())

    text = formatter.format(record)

    assert "invalid input syntax" in text
    for secret in ("Martin", "T00000420", "Emma", "LINE 1", "^"):
        assert secret not in text


def sys_exc_info():
    import sys

    return sys.exc_info()


def test_scrubbing_keeps_the_rest_of_the_traceback():
    text = "Traceback\n  File x\nLINE 3: 'a'\n      ^\nError: after"

    assert scrub_database_lines(text) == "Traceback\n  File x\nError: after"
