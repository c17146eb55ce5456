"""TWO_FACTOR_ROLES: for those roles no page and no API call reaches patient data before the
second factor; enrolment ends every older session and token; the token API asks for the code."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from clinic import roles
from tests.conftest import token_for, totp_code
from tests.factories import UserFactory

PASSWORD = "correct horse battery"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def root(db):
    """An administrator by the admin group only: not staff, not superuser, no device yet."""
    return UserFactory(username="root", role=roles.ADMIN)


@pytest.fixture
def physios_need_it(settings):
    settings.TWO_FACTOR_ROLES = ["admin", "physio"]


def log_in(client, username: str):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def enrol(client, user):
    client.get("/accounts/2fa/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/2fa/", {"otp_token": totp_code(device)})
    assert response.status_code == 302
    return device


# --- Pages ------------------------------------------------------------------------------


def test_the_first_login_of_an_admin_group_member_leads_to_enrolment(client, root, patient):
    login = log_in(client, "root")
    page = client.get(login.url)

    assert login.status_code == 302
    assert page.status_code == 302
    assert page.url.startswith("/accounts/2fa/?next=")


def test_no_page_with_patient_data_opens_before_enrolment(client, root, patient):
    log_in(client, "root")

    record = client.get(f"/patients/{patient.pk}/")
    search = client.get("/patients/?q=Martin")

    assert record.status_code == 302
    assert record.url == f"/accounts/2fa/?next=%2Fpatients%2F{patient.pk}%2F"
    assert search.status_code == 302
    assert "Martin" not in search.content.decode()


def test_the_setup_page_opens_and_enrolment_opens_the_pages(client, root, patient):
    log_in(client, "root")

    setup = client.get("/accounts/2fa/")
    enrol(client, root)

    assert setup.status_code == 200
    assert client.get(f"/patients/{patient.pk}/").status_code == 200


def test_the_gate_knows_its_pages_under_a_script_prefix(client, root, patient):
    """Behind a proxy that mounts Talus at /talus, the gate compares the path within the
    application with its own pages' paths (no redirect loop on the setup page)."""
    from django.urls import get_script_prefix, set_script_prefix

    client.force_login(root)
    at_root = client.get(f"/patients/{patient.pk}/")
    before = get_script_prefix()
    # As the WSGI handler sets it from SCRIPT_NAME (Django's test client does not).
    set_script_prefix("/talus/")
    try:
        setup = client.get("/accounts/2fa/", SCRIPT_NAME="/talus")
        record = client.get(f"/patients/{patient.pk}/", SCRIPT_NAME="/talus")
    finally:
        set_script_prefix(before)

    assert setup.status_code == 200
    assert record.status_code == 302
    assert record.url.startswith("/talus/accounts/2fa/?next=")
    assert at_root.url.startswith("/accounts/2fa/?next=")


def test_admin_login_leads_to_enrolment_too(client, db):
    UserFactory(username="boss", is_staff=True, is_superuser=True)

    to_login = client.get("/admin/login/?next=/admin/")
    login = client.post(to_login.url, {"username": "boss", "password": PASSWORD, "next": "/admin/"})
    admin = client.get(login.url)

    assert to_login.url == "/accounts/login/?next=/admin/"
    assert login.url == "/admin/"
    assert admin.status_code == 302
    assert admin.url == "/accounts/2fa/?next=%2Fadmin%2F"


def test_a_role_the_clinic_adds_needs_the_second_factor(client, paula, case, physios_need_it):
    log_in(client, "paula")

    response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/2fa/?next=")


def test_a_role_not_listed_may_work_without_it(client, paula, case):
    log_in(client, "paula")

    assert client.get("/patients/").status_code == 200


# --- API --------------------------------------------------------------------------------


def test_the_api_refuses_a_session_before_enrolment(client, root, case):
    log_in(client, "root")

    response = client.get(f"/api/v1/cases/{case.pk}/")

    assert response.status_code == 403
    assert response.json() == {
        "detail": (
            "Your role needs two-factor sign-in: set it up on the Security page"
            " (/accounts/security/) first."
        ),
        "code": "otp_enrolment_required",
    }


def test_the_token_api_asks_an_unenrolled_admin_to_enrol(api, root):
    response = api.post(TOKEN_URL, {"username": "root", "password": PASSWORD})

    assert response.status_code == 400
    assert list(response.json()) == ["otp_token"]
    assert "Security page" in response.json()["otp_token"][0]
    assert not AuthToken.objects.exists()


def test_the_token_api_asks_an_enrolled_admin_for_the_code(api, ada):
    credentials = {"username": "ada", "password": PASSWORD}

    missing = api.post(TOKEN_URL, credentials)
    wrong = api.post(TOKEN_URL, {**credentials, "otp_token": "000000"})
    with time_machine.travel(datetime.timedelta(minutes=1)):
        right = api.post(TOKEN_URL, {**credentials, "otp_token": totp_code(ada.otp_device)})

    assert missing.status_code == 400
    assert missing.json() == {
        "otp_token": ["This account uses two-factor sign-in: send the current code."]
    }
    assert wrong.status_code == 400
    assert wrong.json() == {"otp_token": ["That code did not match."]}
    assert right.status_code == 200
    assert AuthToken.objects.filter(user=ada).count() == 1


def test_a_token_issued_before_the_role_needed_it_is_refused(paula, case, settings):
    token = token_for(paula)
    settings.TWO_FACTOR_ROLES = ["admin", "physio"]

    response = with_token(token).get(f"/api/v1/cases/{case.pk}/")

    assert response.status_code == 403
    assert response.json()["code"] == "otp_enrolment_required"


def test_a_token_of_an_admin_whose_device_was_removed_is_refused(ada, case):
    token = token_for(ada)
    TOTPDevice.objects.filter(user=ada).delete()

    response = with_token(token).get(f"/api/v1/cases/{case.pk}/")

    assert response.status_code == 403
    assert response.json()["code"] == "otp_enrolment_required"


# --- Enrolment ends older sign-ins --------------------------------------------------------


def test_enrolment_ends_every_older_session_and_token(client, dan, case):
    old_token = token_for(dan)
    laptop = APIClient()
    laptop.force_login(dan)
    log_in(client, "dan")

    enrol(client, dan)

    assert not AuthToken.objects.filter(user=dan).exists()
    assert with_token(old_token).get(f"/api/v1/cases/{case.pk}/").status_code == 401
    assert laptop.get("/patients/").status_code == 302
    assert Session.objects.count() == 1
    # The enrolling session itself goes on, verified.
    assert client.get("/patients/").status_code == 200


def test_enrolment_leaves_colleagues_signed_in(client, dan, rita):
    theirs = token_for(rita)
    log_in(client, "dan")

    enrol(client, dan)

    assert with_token(theirs).get("/api/v1/").status_code == 200


# --- Settings and the Security page ---------------------------------------------------------


def test_it_refuses_a_role_name_that_does_not_exist(settings):
    settings.TWO_FACTOR_ROLES = ["admin", "physiotherapist"]

    with pytest.raises(SystemCheckError, match="physiotherapist"):
        call_command("check")


def test_every_member_of_staff_is_offered_two_factor(client, rita):
    client.force_login(rita)

    page = client.get("/accounts/security/")

    assert page.status_code == 200
    assert 'href="/accounts/2fa/"' in page.content.decode()


def test_the_security_page_logs_out_everywhere(client, rita):
    token = token_for(rita)
    client.force_login(rita)

    response = client.post("/accounts/security/logout-everywhere/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert not AuthToken.objects.filter(user=rita).exists()
    assert with_token(token).get("/api/v1/").status_code == 401
    assert client.get("/patients/").status_code == 302
