"""/healthz answers 200 when the database, the cache and the broker answer, 503 naming the
failure."""

from __future__ import annotations

from django.db import OperationalError

from clinic import health
from clinic.celery import app as celery_app


def test_it_answers_200_when_everything_is_up(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_answers_503_naming_the_broker_when_it_is_down(client, db, monkeypatch):
    # Nothing listens on port 1: a real connection attempt that fails.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]


def test_it_answers_503_naming_the_database_when_it_is_down(client, db, monkeypatch):
    def database_down():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", database_down)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]


def test_it_answers_503_naming_the_cache_when_redis_is_down(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": ["cache"]}


def test_it_names_every_check_that_failed(client, db, settings, monkeypatch):
    def down():
        raise ConnectionError("refused")

    monkeypatch.setitem(health.CHECKS, "cache", down)
    monkeypatch.setitem(health.CHECKS, "broker", down)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["cache", "broker"]
