"""API tokens (knox): hashed, expiring, one per client; DELETE ends this client's, logout-all
ends them all, and so do a new password and a deactivated account. The API is throttled."""

from __future__ import annotations

import datetime

import time_machine
from django.contrib.sessions.models import Session
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle, UserRateThrottle

from tests.conftest import token_for

TOKEN_URL = "/api/v1/auth/token/"
LOGOUT_ALL_URL = "/api/v1/auth/logout-all/"
CREDENTIALS = {"username": "rita", "password": "correct horse battery"}


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_it_issues_a_token_with_its_expiry(api, rita, settings):
    response = api.post(TOKEN_URL, CREDENTIALS)

    assert response.status_code == 200
    body = response.json()
    row = AuthToken.objects.get(user=rita)
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert expires == row.expiry
    assert abs((row.expiry - row.created) - datetime.timedelta(hours=12)) < datetime.timedelta(
        seconds=1
    )


def test_it_stores_only_a_digest_of_the_token(api, rita):
    token = api.post(TOKEN_URL, CREDENTIALS).json()["token"]

    row = AuthToken.objects.get(user=rita)
    assert row.digest == hash_token(token)
    assert token not in row.digest


def test_it_gives_each_client_its_own_token(api, rita, patient):
    first = api.post(TOKEN_URL, CREDENTIALS).json()["token"]
    second = api.post(TOKEN_URL, CREDENTIALS).json()["token"]

    assert first != second
    assert AuthToken.objects.filter(user=rita).count() == 2
    assert with_token(first).get("/api/v1/patients/").status_code == 200
    assert with_token(second).get("/api/v1/patients/").status_code == 200


def test_it_refuses_an_expired_token(api, rita, patient):
    old = api.post(TOKEN_URL, CREDENTIALS).json()["token"]

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=12, minutes=1)):
        refused = with_token(old).get("/api/v1/patients/")
        new = api.post(TOKEN_URL, CREDENTIALS).json()["token"]

    assert refused.status_code == 401
    assert refused.json() == {"detail": "Invalid token.", "code": "authentication_failed"}
    assert new != old
    assert AuthToken.objects.filter(digest=hash_token(new)).exists()


def test_delete_ends_this_clients_token_only(api, rita, patient):
    laptop = api.post(TOKEN_URL, CREDENTIALS).json()["token"]
    phone = api.post(TOKEN_URL, CREDENTIALS).json()["token"]

    response = with_token(laptop).delete(TOKEN_URL)

    assert response.status_code == 204
    assert with_token(laptop).get("/api/v1/patients/").status_code == 401
    assert with_token(phone).get("/api/v1/patients/").status_code == 200
    assert list(AuthToken.objects.values_list("digest", flat=True)) == [hash_token(phone)]


def test_delete_without_a_token_is_a_clear_400(client, rita):
    client.force_login(rita)

    response = client.delete(TOKEN_URL)

    assert response.status_code == 400
    assert response.json()["code"] == "no_token"


def test_logout_all_ends_every_token_and_session(api, client, rita, patient):
    laptop = api.post(TOKEN_URL, CREDENTIALS).json()["token"]
    phone = api.post(TOKEN_URL, CREDENTIALS).json()["token"]
    client.force_login(rita)

    response = with_token(laptop).post(LOGOUT_ALL_URL)

    assert response.status_code == 204
    assert not AuthToken.objects.exists()
    assert with_token(phone).get("/api/v1/patients/").status_code == 401
    assert not Session.objects.exists()
    assert client.get("/patients/").status_code == 302


def test_logout_all_leaves_colleagues_signed_in(api, rita, dan, patient):
    mine = token_for(rita)
    theirs = token_for(dan)

    assert with_token(mine).post(LOGOUT_ALL_URL).status_code == 204
    assert with_token(theirs).get(f"/api/v1/patients/{patient.pk}/").status_code == 200


def test_a_new_password_ends_every_token(rita, patient):
    token = token_for(rita)

    rita.set_password("a brand new passphrase")
    rita.save()

    assert with_token(token).get("/api/v1/patients/").status_code == 401
    assert not AuthToken.objects.filter(user=rita).exists()


def test_deactivating_the_account_ends_every_token_and_session(client, rita, patient):
    token = token_for(rita)
    client.force_login(rita)

    rita.is_active = False
    rita.save()

    assert not AuthToken.objects.filter(user=rita).exists()
    assert with_token(token).get("/api/v1/patients/").status_code == 401
    assert not Session.objects.exists()


def test_a_login_does_not_end_tokens(client, rita):
    token = token_for(rita)

    client.post("/accounts/login/", CREDENTIALS)

    assert AuthToken.objects.filter(user=rita).count() == 1
    assert with_token(token).get("/api/v1/").status_code == 200


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


def test_it_authenticates_a_token_in_few_queries(dan, patient, django_assert_max_num_queries):
    client = with_token(token_for(dan))

    # The token with its user and role in one query; then the request's own.
    with django_assert_max_num_queries(10):
        assert client.get(f"/api/v1/patients/{patient.pk}/").status_code == 200


def _authenticate(token: str):
    from django.test import RequestFactory
    from rest_framework.request import Request

    from clinic.security.tokens import TokenAuthentication

    request = Request(RequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {token}"))
    return TokenAuthentication().authenticate(request)


def test_it_reads_the_token_its_user_and_the_role_in_one_query(dan, django_assert_num_queries):
    from clinic import roles

    token = token_for(dan)

    with django_assert_num_queries(1):
        user, row = _authenticate(token)
        assert roles.role_of(user) == roles.DOCTOR

    assert user == dan
    assert row.digest == hash_token(token)


def test_it_gives_the_widest_role_of_a_token_user_in_two_groups(dan, rita):
    from django.contrib.auth.models import Group

    from clinic import roles

    rita.groups.add(Group.objects.get(name=roles.DOCTOR))

    user, _row = _authenticate(token_for(rita))

    assert roles.role_of(user) == roles.DOCTOR


def test_it_reads_the_role_anew_on_every_request(dan, rita):
    from django.contrib.auth.models import Group

    from clinic import roles

    token = token_for(dan)
    assert roles.role_of(_authenticate(token)[0]) == roles.DOCTOR

    dan.groups.set([Group.objects.get(name=roles.RECEPTION)])

    assert roles.role_of(_authenticate(token)[0]) == roles.RECEPTION


def test_a_wrong_token_with_a_real_tokens_key_is_refused_and_deletes_nothing(rita):
    import pytest
    from rest_framework.exceptions import AuthenticationFailed

    token = token_for(rita)
    forged = token[:15] + ("0" if token[15] != "0" else "1") + token[16:]

    with pytest.raises(AuthenticationFailed):
        _authenticate(forged)

    assert AuthToken.objects.filter(user=rita).count() == 1


def test_an_expired_token_is_refused_and_deleted(rita):
    import pytest
    from rest_framework.exceptions import AuthenticationFailed

    token = token_for(rita)

    later = timezone.now() + datetime.timedelta(hours=13)
    with time_machine.travel(later), pytest.raises(AuthenticationFailed):
        _authenticate(token)

    assert not AuthToken.objects.filter(user=rita).exists()


def test_another_clients_expired_token_is_left_to_the_hourly_task(rita, patient):
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=13)):
        token_for(rita)
    live = token_for(rita)

    assert with_token(live).get("/api/v1/patients/").status_code == 200

    # Refused whenever it is presented; removed by clinic.purge_expired_tokens, not here.
    assert AuthToken.objects.filter(user=rita).count() == 2


def test_the_hourly_task_deletes_expired_tokens_only(rita, settings):
    from clinic.tasks import purge_expired_tokens

    token_for(rita)
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=13)):
        token_for(rita)

    assert purge_expired_tokens.apply().get() == 1
    assert AuthToken.objects.filter(user=rita).count() == 1
    entry = settings.CELERY_BEAT_SCHEDULE["purge-expired-tokens"]
    assert (entry["task"], entry["schedule"]) == ("clinic.purge_expired_tokens", 3600.0)
