"""Nothing typed is lost: a form posted after the idle log-off is kept and given back once."""

from __future__ import annotations

import json
import re
import time

import pytest
from django.conf import settings
from django.test import Client

from clinic import kept_forms, roles
from clinic.models import Patient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REGISTER = "/reception/patients/new/"
TYPED = {"given_name": "Zoé", "family_name": "Roux", "idempotency_token": "tok-1"}


def kept_on(html: str):
    found = re.search(r'<script id="kept-form" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1)) if found else None


def expired(user) -> Client:
    """A browser in which ``user`` worked, then left it idle until the session ended."""
    browser = Client()
    browser.force_login(user)
    browser.get(REGISTER)
    browser.cookies.pop(settings.SESSION_COOKIE_NAME)
    return browser


def test_a_form_posted_after_the_log_off_is_kept_for_the_login(rita):
    browser = expired(rita)

    response = browser.post(REGISTER, {**TYPED, "password": "secret"})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={REGISTER}"
    kept = browser.session[kept_forms.SESSION_KEY]
    assert kept["path"] == REGISTER
    assert kept["owner"] == str(rita.pk)
    assert kept["data"] == {k: [v] for k, v in TYPED.items()}  # never the password
    assert Patient.objects.count() == 0


def test_the_page_gives_it_back_once_after_logging_in(rita):
    browser = expired(rita)
    browser.post(REGISTER, TYPED)
    browser.force_login(rita)  # keeps the session's data, as the login page does

    first = browser.get(REGISTER).content.decode()
    second = browser.get(REGISTER).content.decode()

    assert kept_on(first) == {k: [v] for k, v in TYPED.items()}
    assert "What you typed before you were logged out" in first
    assert kept_on(second) is None


def test_another_page_does_not_take_it(rita, patient):
    browser = expired(rita)
    browser.post(REGISTER, TYPED)
    browser.force_login(rita)

    other = browser.get(f"/patients/{patient.pk}/").content.decode()

    assert kept_on(other) is None
    assert kept_on(browser.get(REGISTER).content.decode()) is not None


def test_a_stale_form_is_not_given_back(rita):
    browser = expired(rita)
    browser.post(REGISTER, TYPED)
    session = browser.session
    session[kept_forms.SESSION_KEY]["at"] = time.time() - kept_forms.KEEP_SECONDS - 1
    session.save()
    browser.force_login(rita)

    assert kept_on(browser.get(REGISTER).content.decode()) is None


def test_someone_else_logging_in_at_that_browser_never_sees_it(rita):
    rosa = UserFactory(username="rosa", role=roles.RECEPTION)
    browser = expired(rita)
    browser.post(REGISTER, TYPED)
    browser.force_login(rosa)

    assert kept_on(browser.get(REGISTER).content.decode()) is None


def test_a_browser_where_nobody_worked_keeps_nothing():
    browser = Client()

    response = browser.post(REGISTER, TYPED)

    assert response.status_code == 302
    assert kept_forms.SESSION_KEY not in browser.session


def test_keep_alive_restarts_the_idle_time(client, rita):
    client.force_login(rita)

    assert client.get("/accounts/keep-alive/").status_code == 204


def test_pages_carry_the_idle_time_for_the_warning(client, rita, settings):
    client.force_login(rita)

    html = client.get(REGISTER).content.decode()

    assert f'data-idle-seconds="{settings.SESSION_COOKIE_AGE}"' in html
    assert 'role="alertdialog"' in html
