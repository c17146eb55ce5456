"""API tokens expire, are replaced when expired, can be revoked, and the API is throttled."""

from __future__ import annotations

import datetime

import time_machine
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.throttling import ScopedRateThrottle, UserRateThrottle

TOKEN_URL = "/api/v1/auth/token/"
CREDENTIALS = {"username": "rita", "password": "correct horse battery"}


def test_it_issues_a_token_with_its_expiry(api, rita, settings):
    body = api.post(TOKEN_URL, CREDENTIALS).json()

    expires = datetime.datetime.fromisoformat(body["expires_at"])
    expected = Token.objects.get(user=rita).created + datetime.timedelta(
        hours=settings.API_TOKEN_TTL_HOURS
    )
    assert abs((expires - expected).total_seconds()) < 1


def test_it_refuses_an_expired_token_and_issues_a_new_one(api, rita, patient, settings):
    old = api.post(TOKEN_URL, CREDENTIALS).json()["token"]

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=12, minutes=1)):
        api.credentials(HTTP_AUTHORIZATION=f"Token {old}")
        refused = api.get("/api/v1/patients/")
        api.credentials()
        new = api.post(TOKEN_URL, CREDENTIALS).json()["token"]

    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]
    assert new != old
    assert not Token.objects.filter(key=old).exists()


def test_it_revokes_the_token(api, rita):
    token = api.post(TOKEN_URL, CREDENTIALS).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api.delete(TOKEN_URL).status_code == 204
    assert api.get("/api/v1/patients/").status_code == 401
    assert not Token.objects.exists()


def test_it_throttles_password_guessing_on_the_token_endpoint(api, rita, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/min", "anon": "60/min"})
    wrong = {"username": "rita", "password": "guess"}

    statuses = [api.post(TOKEN_URL, wrong).status_code for _ in range(4)]

    assert statuses == [400, 400, 400, 429]


def test_it_throttles_a_user_who_calls_too_often(api_as, rita, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/min"})
    client = api_as(rita)

    statuses = [client.get("/api/v1/patients/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_it_answers_401_to_anonymous_api_calls(api, db):
    response = api.get("/api/v1/patients/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_it_learns_the_role_with_the_token_in_one_query(
    api, dan, patient, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token = api.post(TOKEN_URL, {"username": "dan", "password": "correct horse battery"}).json()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")

    with CaptureQueriesContext(connection) as queries:
        assert api.get(f"/api/v1/patients/{patient.pk}/").status_code == 200

    group_lookups = [q["sql"] for q in queries if "auth_group" in q["sql"]]
    assert len(group_lookups) == 1 and "authtoken_token" in group_lookups[0]


def test_it_reads_every_column_of_the_user_with_the_token():
    from django.contrib.auth import get_user_model

    from clinic.authentication import USER_FIELDS

    assert [f.attname for f in get_user_model()._meta.concrete_fields] == USER_FIELDS
