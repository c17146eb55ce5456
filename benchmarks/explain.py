"""EXPLAIN (ANALYZE, BUFFERS) of the SQL each benchmarked endpoint really sends.

    python benchmarks/explain.py [--database-url …] > var/explain.md

Each request goes through Django's test client against the seeded database; the SELECTs
it makes are captured and explained one by one (the writes are not re-run).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENDPOINTS = [
    ("cases list", "doctor01", "/api/v1/cases/?status=open&page_size=50"),
    ("cases list", "doctor01", "/api/v1/cases/?status=discharged&page_size=50"),
    ("patient search", "doctor01", "/api/v1/patients/?search=Abbott"),
    ("patient search (MRN)", "doctor01", "/api/v1/patients/?search=T00424242"),
    ("case detail", "doctor01", "/api/v1/cases/4242/"),
    ("case timeline", "doctor01", "/api/v1/cases/4242/timeline/"),
    *(
        (f"report {name}", "doctor01", f"/api/v1/reports/{name}/?from=2024-06-01&to=2025-05-31")
        for name in ("attendance", "utilisation", "episodes", "outcomes", "imaging", "recurrence")
    ),
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/talus_bench")
    parser.add_argument("--only", help="explain only the endpoints whose label starts with this")
    args = parser.parse_args(argv)
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="clinic.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver",
        API_THROTTLE_USER="1000000/min",
    )
    # Production settings refuse pretend delivery (EMAIL_URL, SMS_BACKEND); this sends none,
    # and DEBUG changes no query plan.
    os.environ.setdefault("DJANGO_DEBUG", "on")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from clinic.security.tokens import token_create

    users = get_user_model().objects
    for title, username, url in ENDPOINTS:
        if args.only and not title.startswith(args.only):
            continue
        token = token_create(user=users.get(username=username))[1]
        client = Client(HTTP_AUTHORIZATION=f"Token {token}")
        client.get(url)  # warm the cache, as a server that has run for a while has it
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        print(f"### {title}: `GET {url}` ({status}, {len(captured)} queries)\n")
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "knox_authtoken" in sql:
                continue
            with connection.cursor() as cursor:
                # The imaging report runs with JIT off (reports.selectors._analytical): explain
                # it so; the others read the small aggregates, as PostgreSQL is configured.
                cursor.execute("SET jit = " + ("off" if title == "report imaging" else "default"))
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"```sql\n{sql}\n```\n```\n{plan}\n```\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
