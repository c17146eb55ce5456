"""TOTP two-factor: enrolment for all staff, a code after the password, required for admin."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import totp_code
from tests.factories import UserFactory


def log_in_with_password(client, username: str, password: str = "correct horse battery"):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.fixture
def dan_device(dan):
    """Dan has set up his phone."""
    return TOTPDevice.objects.create(user=dan, name="Dan's phone", confirmed=True)


def test_it_shows_a_new_device_as_text_uri_and_qr_code(client, dan):
    client.force_login(dan)

    page = client.get("/accounts/2fa/")

    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=dan)
    assert device.confirmed is False
    html = page.content.decode()
    assert page.context["secret"] in html
    assert "otpauth://totp/" in html
    assert "<svg" in html and "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    # A reload keeps the same secret: a code already scanned stays valid.
    assert client.get("/accounts/2fa/").context["secret"] == page.context["secret"]


def test_it_confirms_the_device_only_with_a_code_from_it(client, dan):
    client.force_login(dan)
    client.get("/accounts/2fa/")
    device = TOTPDevice.objects.get(user=dan)

    wrong = client.post("/accounts/2fa/", {"otp_token": "000000"})
    with time_machine.travel(datetime.timedelta(minutes=1)):  # past the throttle's pause
        right = client.post("/accounts/2fa/", {"otp_token": totp_code(device)})

    assert wrong.status_code == 200
    assert "did not match" in wrong.content.decode()
    assert right.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    # This session is verified from now on: the next page opens without another code.
    assert client.get("/patients/").status_code == 200


def test_it_asks_for_the_code_after_the_password(client, dan, dan_device):
    login = log_in_with_password(client, "dan")
    page = client.get("/patients/?q=Martin")

    assert login.status_code == 302
    assert page.status_code == 302
    assert page.url.startswith("/accounts/2fa/verify/?next=")

    verify = client.post(
        "/accounts/2fa/verify/", {"otp_token": totp_code(dan_device), "next": "/patients/"}
    )

    assert verify.status_code == 302
    assert verify.url == "/patients/"
    assert client.get("/patients/").status_code == 200


def test_it_refuses_a_wrong_code_and_keeps_the_gate_closed(client, dan, dan_device):
    log_in_with_password(client, "dan")

    verify = client.post("/accounts/2fa/verify/", {"otp_token": "123456"})

    assert verify.status_code == 200
    assert "did not match" in verify.content.decode()
    assert client.get("/patients/").status_code == 302


def test_it_refuses_a_code_that_was_already_used(client, dan, dan_device):
    code = totp_code(dan_device)
    log_in_with_password(client, "dan")
    client.post("/accounts/2fa/verify/", {"otp_token": code})
    other = client.__class__()
    log_in_with_password(other, "dan")

    replay = other.post("/accounts/2fa/verify/", {"otp_token": code})

    assert replay.status_code == 200
    assert other.get("/patients/").status_code == 302


def test_it_never_follows_a_next_to_another_site(client, dan, dan_device):
    log_in_with_password(client, "dan")

    verify = client.post(
        "/accounts/2fa/verify/",
        {"otp_token": totp_code(dan_device), "next": "https://evil.example/"},
    )

    assert verify.status_code == 302
    assert verify.url == "/"


def test_it_does_not_let_a_half_logged_in_person_enrol_a_new_device(client, dan, dan_device):
    log_in_with_password(client, "dan")

    setup = client.get("/accounts/2fa/?new=1")

    assert setup.status_code == 302
    assert setup.url.startswith("/accounts/2fa/verify/")
    assert TOTPDevice.objects.filter(user=dan).count() == 1


def test_it_answers_the_api_with_json_until_the_session_is_verified(client, dan, dan_device):
    log_in_with_password(client, "dan")

    response = client.get("/api/v1/cases/")

    assert response.status_code == 403
    assert response.json()["code"] == "otp_required"


def test_it_leaves_staff_without_a_device_free_to_work(client, dan):
    log_in_with_password(client, "dan")

    assert client.get("/patients/").status_code == 200


def test_it_sends_an_admin_without_a_device_to_set_one_up(client, db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/2fa/?next=")


def test_it_asks_an_admin_with_a_device_for_a_code_before_admin(client, ada):
    log_in_with_password(client, "ada")

    refused = client.get("/admin/")
    client.post("/accounts/2fa/verify/", {"otp_token": totp_code(ada.otp_device)})
    admitted = client.get("/admin/")

    assert refused.status_code == 302
    assert refused.url.startswith("/accounts/2fa/verify/")
    assert admitted.status_code == 200


def test_it_keeps_admin_closed_to_an_unverified_session_even_past_the_middleware(rf, ada):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = ada
    ada.is_verified = lambda: False

    assert admin.site.has_permission(request) is False


def test_it_gives_an_api_token_to_a_two_factor_account_only_with_its_code(api, dan, dan_device):
    credentials = {"username": "dan", "password": "correct horse battery"}

    missing = api.post("/api/v1/auth/token/", credentials)
    wrong = api.post("/api/v1/auth/token/", {**credentials, "otp_token": "000000"})
    with time_machine.travel(datetime.timedelta(minutes=1)):
        right = api.post("/api/v1/auth/token/", {**credentials, "otp_token": totp_code(dan_device)})

    assert missing.status_code == 400
    assert "otp_token" in missing.json()
    assert wrong.status_code == 400
    assert right.status_code == 200
    assert right.json()["token"]
