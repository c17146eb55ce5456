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


SCHEMA_SQL = (
    "SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
    "UNION ALL SELECT 'constraint', con.conname, rel.relname || ': ' || "
    "pg_get_constraintdef(con.oid) FROM pg_constraint con "
    "JOIN pg_class rel ON rel.oid = con.conrelid "
    "JOIN pg_namespace ns ON ns.oid = rel.relnamespace WHERE ns.nspname = 'public' "
    "ORDER BY 1, 2"
)


@pytest.mark.django_db
def test_seeder_loads_the_current_schema_reproducibly():
    import psycopg
    from django.db import connection
    from psycopg import sql

    with connection.cursor() as cursor:
        cursor.execute(SCHEMA_SQL)
        migrated = cursor.fetchall()

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
            # The caseload's order kept on the case was filled after the COPY.
            kept = conn.execute(
                "SELECT id, next_session_at FROM clinic_case WHERE next_session_at IS NOT NULL "
                "ORDER BY id"
            ).fetchall()
            soonest = conn.execute(
                "SELECT case_id, min(scheduled_at) FROM rehab_physiosession "
                "WHERE status = 'scheduled' AND scheduled_at >= now() GROUP BY case_id "
                "ORDER BY case_id"
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
        assert kept == soonest
        # The load dropped foreign keys, unique constraints and indexes and built them again:
        # the schema is the migrated one, every index and constraint back as it was.
        with psycopg.connect(dsn) as conn:
            seeded = [
                row
                for row in conn.execute(SCHEMA_SQL).fetchall()
                if "bench_seed_info" not in row[2]
            ]
        assert [tuple(row) for row in seeded] == [tuple(row) for row in migrated]

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


def test_each_scale_has_its_own_database(monkeypatch):
    """``--scale 10`` (1,000,000 patients) never loads into the 100k database."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import seed

    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    assert seed.parse_args([]).database_url.endswith("/talus_bench")
    assert seed.parse_args(["--scale", "10"]).database_url.endswith("/talus_bench_x10")
    assert seed.parse_args(["--scale", "0.1"]).database_url.endswith("/talus_bench_x0_1")
    assert seed.sizes(10)["patients"] == 1_000_000
    named = "postgres://postgres@127.0.0.1:5432/mine"
    assert seed.parse_args(["--scale", "10", "--database-url", named]).database_url == named
    monkeypatch.setenv("BENCH_DATABASE_URL", named)
    assert seed.parse_args(["--scale", "10"]).database_url == named
    with pytest.raises(SystemExit):
        seed.parse_args(["--scale", "0"])
