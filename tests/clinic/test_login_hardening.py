"""Lockout after repeated failures (page and API token), password rules, idle logoff."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

RIGHT = "correct horse battery"


def page_login(client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def token_login(api, username: str, password: str, ip: str = "10.0.0.1"):
    return api.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


# --- Lockout -------------------------------------------------------------------------------


def test_it_locks_the_login_page_after_five_failures(client, rita):
    failures = [page_login(client, "rita", f"guess {n}") for n in range(5)]
    locked = page_login(client, "rita", RIGHT)

    assert [r.status_code for r in failures[:4]] == [200] * 4
    assert failures[4].status_code == 429
    assert locked.status_code == 429
    assert "try again in 15 minutes" in locked.content.decode().lower()
    assert "_auth_user_id" not in client.session


def test_it_lets_the_person_in_again_after_the_cool_off(client, rita):
    for n in range(5):
        page_login(client, "rita", f"guess {n}")

    with time_machine.travel(datetime.timedelta(minutes=16)):
        response = page_login(client, "rita", RIGHT)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(rita.pk)


def test_it_locks_the_pair_not_the_person_everywhere(client, rita):
    for n in range(5):
        page_login(client, "rita", f"guess {n}", ip="10.0.0.1")

    elsewhere = page_login(client, "rita", RIGHT, ip="10.0.0.2")

    assert elsewhere.status_code == 302


def test_it_forgets_failures_after_a_successful_login(client, rita):
    for n in range(4):
        page_login(client, "rita", f"guess {n}")
    page_login(client, "rita", RIGHT)
    client.logout()

    after = [page_login(client, "rita", f"again {n}").status_code for n in range(4)]

    assert after == [200] * 4


def test_it_reads_the_limit_from_settings(client, rita, settings):
    settings.AXES_FAILURE_LIMIT = 2

    first = page_login(client, "rita", "guess 1")
    second = page_login(client, "rita", "guess 2")

    assert first.status_code == 200
    assert second.status_code == 429


def test_it_locks_the_token_api_with_a_json_answer(api, rita):
    failures = [token_login(api, "rita", f"guess {n}") for n in range(4)]
    fifth = token_login(api, "rita", "guess 5")
    locked = token_login(api, "rita", RIGHT)

    assert [r.status_code for r in failures] == [400] * 4
    for response in (fifth, locked):
        assert response.status_code == 429
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert body["code"] == "locked_out"
        assert "try again in 15 minutes" in body["detail"]
        assert body["retry_after_minutes"] == 15
        assert "token" not in body
    assert response["Retry-After"] == "900"
    # The failures were recorded, not rolled back with the request.
    assert AccessAttempt.objects.get(username="rita").failures_since_start >= 5


def test_it_counts_page_and_api_failures_together(client, api, rita):
    for n in range(3):
        page_login(client, "rita", f"guess {n}")
    for n in range(2):
        token_login(api, "rita", f"api guess {n}")

    assert page_login(client, "rita", RIGHT).status_code == 429


def test_it_still_answers_a_bad_token_request_with_a_field_error(api, rita):
    response = api.post("/api/v1/auth/token/", {"username": "rita"})

    assert response.status_code == 400
    assert "password" in response.json()


def test_it_records_no_password_with_a_failure(client, rita):
    page_login(client, "rita", "my-secret-guess")

    attempt = AccessAttempt.objects.get(username="rita")
    assert "my-secret-guess" not in attempt.post_data


# --- Password rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("4815162342", "entirely numeric"),
        ("rita-the-receptionist", "too similar"),
    ],
)
def test_it_refuses_a_weak_password(rita, password, reason):
    rita.username = "rita-the-receptionist"

    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=rita)

    assert reason in " ".join(refused.value.messages)


def test_it_applies_the_rules_to_the_set_password_form(rita):
    weak = SetPasswordForm(rita, {"new_password1": "password", "new_password2": "password"})
    strong = SetPasswordForm(
        rita, {"new_password1": "ankle-talus-fibula-42", "new_password2": "ankle-talus-fibula-42"}
    )

    assert not weak.is_valid()
    assert "new_password2" in weak.errors
    assert strong.is_valid()


# --- Idle logoff --------------------------------------------------------------------------


def test_it_logs_an_idle_person_out_after_fifteen_minutes(client, rita):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        page_login(client, "rita", RIGHT)
        assert client.get("/patients/").status_code == 200

    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 16, tzinfo=datetime.UTC)):
        response = client.get("/patients/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_keeps_an_active_person_logged_in(client, rita):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        page_login(client, "rita", RIGHT)
        for _ in range(4):  # a page every 10 minutes: 40 minutes of work
            clock.shift(datetime.timedelta(minutes=10))
            assert client.get("/patients/").status_code == 200


def test_it_sets_the_idle_time_from_the_environment(settings):
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
