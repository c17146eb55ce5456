"""The load test's page scenarios (benchmarks/run.py, benchmarks/pages.py) measure the pages.

wrk counts a redirect to the login page as a success, so a scenario whose session does not
open its page would measure the login redirect. This seeds a thousandth of the benchmark's
data into its own throw-away database, adds what the pages show today, serves it as the
benchmark does (gunicorn, production settings) and asks every page scenario's paths with the
session the benchmark makes: each answers 200 and is the page, not the login form.
"""

from __future__ import annotations

import http.client
import sys
from pathlib import Path

import pytest

from tests.test_bench_seed import URL, _run, _seed_url

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    not URL.startswith(("postgres://", "postgresql://")),
    reason="the seeder loads PostgreSQL with COPY (set DATABASE_URL to a PostgreSQL server)",
)


def _get(server, path: str, headers: dict) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def test_every_page_scenario_opens_its_page_for_the_benchmarks_session():
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from seed import sizes

    from benchmarks import run

    url = _seed_url()
    dsn = url.replace("postgres://", "postgresql://", 1)
    try:
        seeded = _run(url)
        assert seeded.returncode == 0, seeded.stderr[-2000:]
        data = run.reset_data(url, sizes(0.001), 42)
        run.collect_static()
        prepared = run.prepare_pages(url, data["cases"])
        # The seed has 5 doctors; each doctor's day of the week holds 12 consultations of
        # the cases waiting for one (open or triaged), or every such case when fewer (a
        # thousandth of the seed, aged, has only a few).
        with psycopg.connect(dsn) as conn:
            waiting = conn.execute(
                "SELECT count(*) FROM clinic_case WHERE status IN ('open', 'triaged')"
                " AND id <= %s",  # the seeded cases, not today's intakes' new ones
                [data["cases"]],
            ).fetchone()[0]
        assert waiting > 0
        assert prepared["counts"]["consultations"] == 5 * 7 * min(12, waiting)
        assert prepared["counts"]["intakes_today"] > 0
        pages = run.page_scenarios(data)
        assert set(pages) == {
            "page_reception_today",
            "page_diary_day",
            "page_diary_week",
            "page_doctor_cases",
            "page_case",
            "page_caseload",
            "page_runner",
            "page_reports",
            *(f"page_report_{name}" for name in run.REPORTS),
        }
        # The same pages as run.scenarios() measures, logged in as measure() logs in.
        assert set(pages) <= set(run.scenarios(data))
        with run.Server("clinic.settings", url, 1) as server:
            for name, spec in pages.items():
                spec = run.logged_in(server, spec)
                for path in spec["paths"][:5]:
                    status, body = _get(server, path, spec["headers"])
                    assert status == 200, (name, path, status)
                    assert 'name="password"' not in body, (name, path)
                run.probe(server, spec)
            # Without the cookie the same page is the login redirect: the probe refuses it.
            bare = {**pages["page_reception_today"], "headers": {}}
            with pytest.raises(RuntimeError, match="answered 302"):
                run.probe(server, bare)
            # Reception's page shows today's intakes, the diary today's bookings.
            reception = run.logged_in(server, pages["page_diary_day"])
            _, diary = _get(server, "/diary/", reception["headers"])
            assert "Doctor 01" in diary
    finally:
        admin = urlunsplit(urlsplit(dsn)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(urlsplit(dsn).path.lstrip("/"))
                )
            )
