"""Logs are JSON lines; the request line names the route, never the path, query or body."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from django.test import Client

from clinic.security.logs import JsonFormatter


@pytest.fixture
def log_lines(caplog):
    """Every record of the test, formatted as production writes it."""
    caplog.set_level(logging.INFO)
    formatter = JsonFormatter()

    def lines() -> list[str]:
        return [formatter.format(record) for record in caplog.records]

    return lines


def request_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "talus.request"]


def test_it_logs_the_route_and_no_search_term_or_id(api_as, dan, patient, caplog, log_lines):
    api = api_as(dan)

    listing = api.get("/api/v1/patients/?search=Martin")
    detail = api.get(f"/api/v1/patients/{patient.pk}/?search=Martin")

    assert listing.status_code == 200 and "Martin" in listing.content.decode()
    assert detail.status_code == 200
    routes = [r.route for r in request_records(caplog)]
    assert routes == ["/api/v1/patients/", "/api/v1/patients/{pk}/"]
    for line in log_lines():
        assert "Martin" not in line
        assert "Emma" not in line
        assert f"/{patient.pk}/" not in line
        assert patient.mrn not in line


def test_it_logs_method_status_duration_user_and_role(api_as, dan, case, caplog, monkeypatch):
    # The clock reads 10 s when the request starts and 10.0125 s when it is answered.
    ticks = iter([10.0, 10.0125])
    monkeypatch.setattr("clinic.security.middleware.monotonic", lambda: next(ticks))
    api_as(dan).get(f"/api/v1/cases/{case.pk}/", HTTP_X_REQUEST_ID="req-abcdef123")

    (record,) = request_records(caplog)
    line = json.loads(JsonFormatter().format(record))
    assert line["method"] == "GET"
    assert line["route"] == "/api/v1/cases/{pk}/"
    assert line["status"] == 200
    assert line["duration_ms"] == 12.5
    assert line["user_id"] == dan.pk
    assert line["role"] == "doctor"
    assert line["request_id"] == "req-abcdef123"
    assert set(line) >= {"time", "level", "logger", "message", "request_id"}


def test_it_logs_pages_by_route_too(client, rita, patient, caplog, log_lines):
    client.force_login(rita)

    client.get("/patients/?q=Martin")
    client.get(f"/patients/{patient.pk}/")

    assert [r.route for r in request_records(caplog)] == ["/patients/", "/patients/{pk}/"]
    assert not any("Martin" in line for line in log_lines())


def test_it_logs_an_unknown_address_without_its_path(client, db, caplog):
    client.get("/no-such-page/Martin/")

    (record,) = request_records(caplog)
    assert record.route == "<unmatched>"
    assert record.status == 404
    assert "Martin" not in record.getMessage()


@pytest.mark.urls("tests.clinic.urls_with_error")
def test_it_logs_a_failing_view_without_the_body_or_the_id(db, caplog, log_lines):
    client = Client(raise_request_exception=False)

    response = client.post("/explode/4242/", {"family_name": "Martin", "notes": "ankle pain"})

    assert response.status_code == 500
    lines = log_lines()
    assert any('"level": "ERROR"' in line and "/explode/{pk}/" in line for line in lines)
    assert any("RuntimeError: the view failed" in line for line in lines)
    for line in lines:
        assert "Martin" not in line
        assert "ankle pain" not in line
        assert "4242" not in line


def test_it_writes_one_json_object_per_line():
    record = logging.LogRecord("talus.test", logging.WARNING, __file__, 1, "a %s", ("b",), None)
    record.request_id = "rid-1"
    record.request = object()  # an extra outside the allow-list is never written

    line = JsonFormatter().format(record)

    assert "\n" not in line
    assert json.loads(line) == {
        "time": json.loads(line)["time"],
        "level": "WARNING",
        "logger": "talus.test",
        "message": "a b",
        "request_id": "rid-1",
    }


def test_it_drops_the_values_that_a_database_error_quotes():
    try:
        raise RuntimeError(
            'duplicate key value violates unique constraint "uniq_mrn"\n'
            "DETAIL:  Key (family_name)=(Martin) already exists."
        )
    except RuntimeError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )

    line = json.loads(JsonFormatter().format(record))

    assert "uniq_mrn" in line["exc_info"]
    assert "Martin" not in line["exc_info"]
