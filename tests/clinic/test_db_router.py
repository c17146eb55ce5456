"""The read replica router: opt-in through DATABASE_REPLICA_URL, reads only, never migrations."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connections

from clinic.db_router import PrimaryReplicaRouter, replica_alias
from clinic.models import Case
from tests.clinic.test_settings import ROOT, load_settings


def routers_with(**env: str) -> subprocess.CompletedProcess:
    """Import clinic.settings in a fresh interpreter; print the aliases and the routers."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "CLINIC_", "REMINDER_"))
    }
    clean.update(env, TALUS_VAR_DIR=str(ROOT / "var" / "test-settings"))
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import clinic.settings as s;"
            "print(sorted(s.DATABASES), getattr(s, 'DATABASE_ROUTERS', []))",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_has_no_router_without_a_replica_url():
    result = routers_with(DJANGO_DEBUG="on")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['default'] []"


def test_it_routes_through_the_replica_when_one_is_configured():
    result = routers_with(
        DJANGO_DEBUG="on",
        DATABASE_URL="postgres://talus@db/talus",
        DATABASE_REPLICA_URL="postgres://talus@replica/talus",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "['default', 'replica'] ['clinic.db_router.PrimaryReplicaRouter']"
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://talus@replica/talus", "DATABASE_REPLICA_URL must start with"),
        ("sqlite:///var/replica.sqlite3", "same kind of database"),
    ],
)
def test_it_refuses_a_malformed_or_mismatched_replica_url(url, message):
    result = load_settings(
        DJANGO_DEBUG="on", DATABASE_URL="postgres://talus@db/talus", DATABASE_REPLICA_URL=url
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_it_reads_from_the_replica_outside_a_transaction(monkeypatch):
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    assert PrimaryReplicaRouter().db_for_read(Case) == "replica"


def test_it_reads_from_the_primary_inside_a_transaction(monkeypatch):
    # A request runs in one transaction (ATOMIC_REQUESTS): it must read its own writes.
    monkeypatch.setattr(connections["default"], "in_atomic_block", True)
    assert PrimaryReplicaRouter().db_for_read(Case) == "default"


def test_it_writes_and_migrates_on_the_primary_only():
    router = PrimaryReplicaRouter()
    assert router.db_for_write(Case) == "default"
    assert router.allow_migrate("default", "clinic") is True
    assert router.allow_migrate("replica", "clinic") is False


def test_it_falls_back_to_the_primary_alias_without_a_replica():
    assert replica_alias() == "default"
