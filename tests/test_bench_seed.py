"""The load test's seeder (benchmarks/seed.py) still loads into the current schema.

It writes with COPY and names every column itself, so a model change (a new NOT NULL
column, say) breaks it silently until someone runs ``make bench``. This runs it at a
thousandth of the scale into its own throw-away PostgreSQL database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not URL.startswith(("postgres://", "postgresql://")),
    reason="the seeder loads PostgreSQL with COPY (set DATABASE_URL to a PostgreSQL server)",
)


def _seed_url() -> str:
    parts = urlsplit(URL)
    name = parts.path.lstrip("/") or "talus"
    return urlunsplit(parts._replace(path=f"/{name}_seedcheck_{os.getpid()}"))


def _run(url: str, *extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(  # noqa: S603 — our own script, argv built here
        [sys.executable, "benchmarks/seed.py", "--database-url", url, "--scale", "0.001", *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_seeder_loads_the_current_schema_reproducibly():
    import psycopg
    from psycopg import sql

    url = _seed_url()
    dsn = url.replace("postgres://", "postgresql://", 1)
    try:
        first = _run(url)
        assert first.returncode == 0, first.stderr[-2000:]
        with psycopg.connect(dsn) as conn:
            counts = {
                table: conn.execute(
                    sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
                ).fetchone()[0]
                for table in (
                    "clinic_patient",
                    "clinic_case",
                    "triage_intake",
                    "rehab_physiosession",
                    "rehab_outcomemeasure",
                )
            }
            names = conn.execute(
                "SELECT given_name, family_name FROM clinic_patient ORDER BY id LIMIT 5"
            ).fetchall()
            # The sequences were moved past the copied ids: the next row gets a fresh one.
            top = conn.execute("SELECT max(id) FROM clinic_patient").fetchone()[0]
            nxt = conn.execute(
                "SELECT nextval(pg_get_serial_sequence('clinic_patient', 'id'))"
            ).fetchone()[0]
        assert counts == {
            "clinic_patient": 100,
            "clinic_case": 120,
            "triage_intake": 120,
            "rehab_physiosession": 600,
            "rehab_outcomemeasure": 300,
        }
        assert nxt > top

        # Same seed, same rows; and a second run with the same seed and scale loads nothing.
        again = _run(url)
        assert again.returncode == 0, again.stderr[-2000:]
        assert "Already seeded" in again.stdout
        reseeded = _run(url, "--reseed")
        assert reseeded.returncode == 0, reseeded.stderr[-2000:]
        with psycopg.connect(dsn) as conn:
            assert (
                conn.execute(
                    "SELECT given_name, family_name FROM clinic_patient ORDER BY id LIMIT 5"
                ).fetchall()
                == names
            )
    finally:
        admin = urlunsplit(urlsplit(dsn)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(urlsplit(dsn).path.lstrip("/"))
                )
            )
