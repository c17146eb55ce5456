"""Production settings pass Django's deployment checklist; every answer carries the CSP."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "off",
    "DJANGO_SECRET_KEY": "a-long-private-value-for-this-test-only-0123456789-abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "clinic.example",
    "DATABASE_URL": "postgres://talus@db.example:5432/talus",
    "REDIS_URL": "redis://redis.example:6379/0",
    "EMAIL_URL": "smtp+tls://talus:secret@mail.example:587",
    "SMS_BACKEND": "reminders.sms.TwilioBackend",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "a-placeholder-token",
    "TWILIO_FROM": "Talus",
}


def check_deploy(**env: str) -> subprocess.CompletedProcess:
    """``manage.py check --deploy --fail-level WARNING`` with exactly this environment."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "CLINIC_", "AXES_", "SMS_", "TWILIO_")
        )
    }
    clean.update(env)
    clean["TALUS_VAR_DIR"] = str(ROOT / "var" / "test-settings")
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_the_checklist_behind_a_tls_terminating_proxy():
    result = check_deploy(**PRODUCTION, DJANGO_BEHIND_PROXY="on")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_passes_the_checklist_when_django_redirects_to_https_itself():
    result = check_deploy(**PRODUCTION, DJANGO_SECURE_SSL_REDIRECT="on")

    assert result.returncode == 0, result.stderr


def test_it_silences_the_https_redirect_warning_only_behind_a_proxy():
    result = check_deploy(**PRODUCTION)

    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_it_fails_the_checklist_with_insecure_cookies():
    result = check_deploy(**PRODUCTION, DJANGO_BEHIND_PROXY="on", DJANGO_SECURE_COOKIES="off")

    assert result.returncode != 0
    assert "security.W012" in result.stderr


def test_it_sends_the_security_headers(client, db):
    response = client.get("/accounts/login/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_it_relaxes_the_policy_for_swagger_ui_alone(client, db):
    docs = client.get("/api/docs/")
    login = client.get("/accounts/login/")

    assert "img-src 'self' data:" in docs["Content-Security-Policy"]
    assert "data:" not in login["Content-Security-Policy"]
    assert "<script>" not in docs.content.decode()
    assert "<style>" not in docs.content.decode()


def test_it_refuses_a_trusted_proxy_that_is_no_address():
    result = check_deploy(
        **PRODUCTION, DJANGO_BEHIND_PROXY="on", DJANGO_TRUSTED_PROXIES="10.0.0.0/8,nginx"
    )

    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES must list IP addresses or networks" in result.stderr
    assert "'nginx'" in result.stderr


def test_it_refuses_a_two_factor_role_that_does_not_exist():
    result = check_deploy(**PRODUCTION, DJANGO_BEHIND_PROXY="on", TWO_FACTOR_ROLES="admin,nurse")

    assert result.returncode != 0
    assert "TWO_FACTOR_ROLES lists nurse, which is no role." in result.stderr
