"""The diary's pages timed in-process: CPU and SQL milliseconds per request, no server.

    python benchmarks/diary_inprocess.py --database-url postgres://…/talus_bench \
        [--root CHECKOUT] [--requests 5] [--rounds 3] [PATH …]

A load test on a shared machine measures the neighbours as much as the page; CPU time
(``time.process_time``) of one request after another does not. Each path is asked
``--requests`` times per round with Django's test client as its role's bench user
(benchmarks/seed.py), with production settings (debug off, the delivery settings of
benchmarks/run.py); the median round is printed: CPU ms, wall ms and the queries' wall ms
(``connection.execute_wrapper``) per request. ``--root`` times another checkout of the code
against the same database (a copy of main, for before and after). Needs the static files
collected (``manage.py collectstatic``) in that checkout: the pages name their stylesheet
through the manifest.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

PATHS = {
    "/diary/": "reception01",
    "/diary/?view=week": "reception01",
    "/diary/my-day/": "doctor01",
}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--user", help="log in as this user (default: the path's role's)")
    parser.add_argument("paths", nargs="*", default=list(PATHS))
    args = parser.parse_args(argv)

    from benchmarks.run import DELIVERY_ENV

    sys.path.insert(0, str(args.root))
    os.chdir(args.root)
    os.environ.update(
        {
            **DELIVERY_ENV,
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "DATABASE_URL": args.database_url,
            "DJANGO_DEBUG": "off",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "testserver",
        }
    )
    import logging

    import django

    django.setup()
    logging.disable(logging.CRITICAL)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    sql = [0.0, 0]

    def timed(execute, statement, params, many, context):
        start = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql[0] += time.perf_counter() - start
            sql[1] += 1

    for path in args.paths:
        user = args.user or PATHS.get(path, "reception01")
        client = Client()
        client.force_login(get_user_model().objects.get(username=user))
        first = client.get(path)  # the session's first request does its own bookkeeping
        if first.status_code != 200:
            raise SystemExit(f"{path} as {user}: {first.status_code}, not the page")
        cpu, wall, queries = [], [], []
        for _ in range(args.rounds):
            sql[0], sql[1] = 0.0, 0
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            with connection.execute_wrapper(timed):
                for _ in range(args.requests):
                    client.get(path)
            cpu.append((time.process_time() - cpu_start) / args.requests * 1000)
            wall.append((time.perf_counter() - wall_start) / args.requests * 1000)
            queries.append(sql[0] / args.requests * 1000)
        print(
            f"{path} as {user}: {len(first.content) / 1024:.0f} KB, "
            f"{sql[1] // args.requests} queries; median of {args.rounds} rounds of "
            f"{args.requests}: CPU {statistics.median(cpu):.1f} ms, wall "
            f"{statistics.median(wall):.1f} ms, SQL {statistics.median(queries):.1f} ms "
            f"(CPU per round: {', '.join(f'{c:.0f}' for c in cpu)})"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
