"""Settings are read strictly from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env: str) -> subprocess.CompletedProcess:
    """Import clinic.settings in a fresh interpreter with exactly this environment."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "CLINIC_", "REMINDER_", "SMS_", "TWILIO_")
        )
    }
    clean.update(env)
    clean["TALUS_VAR_DIR"] = str(ROOT / "var" / "test-settings")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import clinic.settings as s; print(s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_starts_with_no_environment_at_all_in_debug():
    result = load_settings(DJANGO_DEBUG="on")
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://db/talus"),
        ("DATABASE_URL", "postgres://host:notaport/talus"),
        ("REDIS_URL", "http://localhost:6379"),
        ("CLINIC_TIME_ZONE", "Mars/Olympus_Mons"),
        ("REMINDER_QUIET_HOURS", "9pm-8am"),
        ("REMINDER_QUIET_HOURS", "21-25"),
        ("EMAIL_URL", "pigeon://loft"),
        ("SESSION_IDLE_MINUTES", "soon"),
    ],
)
def test_it_refuses_a_malformed_value_and_names_the_variable(variable, value):
    result = load_settings(**{"DJANGO_DEBUG": "on", variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


def test_it_refuses_the_development_key_in_production():
    from clinic.settings import DEV_SECRET_KEY

    result = load_settings(
        DJANGO_DEBUG="off", DJANGO_SECRET_KEY=DEV_SECRET_KEY, DJANGO_ALLOWED_HOSTS="clinic.example"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_it_refuses_production_without_a_secret_key():
    result = load_settings(DJANGO_ALLOWED_HOSTS="clinic.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_it_refuses_production_without_allowed_hosts():
    result = load_settings(DJANGO_SECRET_KEY="a-long-private-value-for-this-test-only-123456")
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_it_accepts_a_complete_production_environment():
    result = load_settings(
        DJANGO_SECRET_KEY="a-long-private-value-for-this-test-only-123456",
        DJANGO_ALLOWED_HOSTS="clinic.example",
        DATABASE_URL="postgres://talus@db.example:5432/talus",
        REDIS_URL="redis://redis.example:6379/0",
        CLINIC_TIME_ZONE="Europe/Paris",
        REMINDER_QUIET_HOURS="",
        EMAIL_URL="smtp+tls://talus:secret@mail.example:587",
        SMS_BACKEND="reminders.sms.TwilioBackend",
        TWILIO_ACCOUNT_SID="AC" + "0" * 32,
        TWILIO_AUTH_TOKEN="a-placeholder-token",
        TWILIO_FROM="Talus",
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout


def test_it_runs_the_suite_with_atomic_requests_and_big_ids(settings):
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"] is True
    assert settings.DEFAULT_AUTO_FIELD == "django.db.models.BigAutoField"
    assert settings.DEBUG is False


def _manage(*args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    return subprocess.run(  # noqa: S603 — our own manage.py, argv built here
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_makemigrations_check_runs_on_a_fresh_checkout_without_a_key():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "No changes detected" in result.stdout


def test_other_commands_keep_refusing_to_start_without_a_key():
    result = _manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


PRODUCTION = {
    "DJANGO_DEBUG": "off",
    "DJANGO_SECRET_KEY": "a-long-private-value-for-this-test-only-0123456789-abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "clinic.example",
    "EMAIL_URL": "smtp+tls://talus:secret@mail.example:587",
    "SMS_BACKEND": "reminders.sms.TwilioBackend",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "a-placeholder-token",
    "TWILIO_FROM": "Talus",
}


def test_production_starts_on_smtp_and_a_provider():
    result = load_settings(**PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "email_url", ["consolemail://", "memorymail://", "dummymail://", "filemail:///tmp/mail"]
)
def test_production_refuses_an_email_backend_that_only_pretends(email_url):
    result = load_settings(**{**PRODUCTION, "EMAIL_URL": email_url})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "EMAIL_URL" in result.stderr
    assert "SMS_BACKEND (" not in result.stderr.splitlines()[-1]


@pytest.mark.parametrize("backend", ["reminders.sms.ConsoleBackend", "reminders.sms.LocmemBackend"])
def test_production_refuses_an_sms_backend_that_only_pretends(backend):
    result = load_settings(**{**PRODUCTION, "SMS_BACKEND": backend})
    assert result.returncode != 0
    assert f"SMS_BACKEND ({backend})" in result.stderr.splitlines()[-1]


def test_production_names_every_offending_variable_in_one_message():
    env = {k: v for k, v in PRODUCTION.items() if k not in ("EMAIL_URL", "SMS_BACKEND")}

    result = load_settings(**env)

    assert result.returncode != 0
    message = result.stderr.splitlines()[-1]
    assert message.startswith("django.core.exceptions.ImproperlyConfigured")
    assert "EMAIL_URL (console backend)" in message
    assert "SMS_BACKEND (reminders.sms.ConsoleBackend)" in message


def test_the_console_backends_are_fine_in_debug():
    result = load_settings(DJANGO_DEBUG="on")
    assert result.returncode == 0, result.stderr


def test_twilio_needs_its_account_token_and_sender():
    env = {k: v for k, v in PRODUCTION.items() if k not in ("TWILIO_AUTH_TOKEN", "TWILIO_FROM")}

    result = load_settings(**env)

    assert result.returncode != 0
    assert "TWILIO_AUTH_TOKEN, TWILIO_FROM" in result.stderr.splitlines()[-1]
