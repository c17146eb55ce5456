"""The client's address: X-Forwarded-For only from a trusted proxy, for throttles, lockout
and the audit alike; and the login pages' own rate limit."""

from __future__ import annotations

import ipaddress

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from rest_framework.throttling import ScopedRateThrottle

from clinic.models import AuditEvent
from clinic.security.proxies import client_ip

PROXY = "10.0.0.5"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/24")]


def request_from(peer: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_it_ignores_a_forwarded_header_from_an_untrusted_peer(behind_proxy):
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_it_ignores_the_header_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXIES = []

    assert client_ip(request_from(PROXY, "198.51.100.1")) == PROXY


def test_it_takes_the_address_the_trusted_proxy_appended(behind_proxy):
    forged_then_real = "192.0.2.66, 198.51.100.1"

    assert client_ip(request_from(PROXY, forged_then_real)) == "198.51.100.1"


def test_it_skips_every_trusted_hop_from_the_right(behind_proxy):
    assert client_ip(request_from(PROXY, "198.51.100.1, 10.0.0.7")) == "198.51.100.1"


def test_it_stops_at_garbage_in_the_header(behind_proxy):
    assert client_ip(request_from(PROXY, "198.51.100.1, not-an-address")) == PROXY


def test_it_answers_the_proxy_when_it_forwarded_nothing(behind_proxy):
    assert client_ip(request_from(PROXY)) == PROXY


def test_a_forged_header_does_not_reset_the_api_throttle(api, rita, monkeypatch, behind_proxy):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/min", "anon": "60/min"})
    wrong = {"username": "rita", "password": "guess"}

    statuses = [
        api.post(
            TOKEN_URL, wrong, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(4)
    ]

    assert statuses == [400, 400, 400, 429]


def test_the_api_throttle_counts_clients_behind_the_proxy_apart(
    api, rita, monkeypatch, behind_proxy
):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "2/min", "anon": "60/min"})
    wrong = {"username": "rita", "password": "guess"}

    def attempt(client_address: str) -> int:
        return api.post(
            TOKEN_URL, wrong, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address
        ).status_code

    first = [attempt("198.51.100.1") for _ in range(3)]
    other = attempt("198.51.100.2")

    assert first == [400, 400, 429]
    assert other == 400


def test_a_forged_header_does_not_escape_the_lockout(client, rita, behind_proxy):
    statuses = [
        client.post(
            "/accounts/login/",
            {"username": "rita", "password": f"guess {n}"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(5)
    ]

    assert statuses == [200, 200, 200, 200, 429]
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]


def test_the_audit_stores_the_client_address(api_as, dan, case, behind_proxy):
    response = api_as(dan).get(
        f"/api/v1/cases/{case.pk}/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1"
    )

    assert response.status_code == 200
    assert AuditEvent.objects.get().ip == "198.51.100.1"


def test_the_audit_ignores_a_forged_header(api_as, dan, case, behind_proxy):
    response = api_as(dan).get(
        f"/api/v1/cases/{case.pk}/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.66"
    )

    assert response.status_code == 200
    assert AuditEvent.objects.get().ip == "203.0.113.9"


# --- The login pages' rate limit --------------------------------------------------------


@pytest.fixture
def login_rate(monkeypatch):
    from clinic.throttling import LoginRateThrottle

    monkeypatch.setattr(LoginRateThrottle, "THROTTLE_RATES", {"login": "3/min"})


def test_it_limits_password_posts_to_the_login_page_per_address(client, db, login_rate):
    statuses = [
        client.post(
            "/accounts/login/",
            {"username": f"someone{n}", "password": "guess"},
            REMOTE_ADDR="203.0.113.9",
        )
        for n in range(4)
    ]

    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert int(statuses[3]["Retry-After"]) >= 1
    assert "Too many login attempts" in statuses[3].content.decode()


def test_the_login_limit_leaves_other_addresses_alone(client, rita, login_rate):
    for _ in range(3):
        client.post(
            "/accounts/login/", {"username": "x", "password": "y"}, REMOTE_ADDR="203.0.113.9"
        )

    response = client.post(
        "/accounts/login/",
        {"username": "rita", "password": "correct horse battery"},
        REMOTE_ADDR="203.0.113.10",
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(rita.pk)


def test_the_login_limit_does_not_count_showing_the_page(client, db, login_rate):
    statuses = [client.get("/accounts/login/").status_code for _ in range(5)]

    assert statuses == [200] * 5


def test_admin_login_is_the_throttled_login_page(client, db, login_rate):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"


def test_a_password_posted_to_admin_login_logs_nobody_in(client, ada):
    response = client.post(
        "/admin/login/", {"username": "ada", "password": "correct horse battery"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
