"""One page, in-process, N times: CPU ms per request (Python and PostgreSQL's query time apart).

    DATABASE_URL=postgres://…/talus_bench_<name> .venv/bin/python benchmarks/page_cpu.py \
        doctor01:/cases/ physio01:/rehab/caseload/ reception01:/reception/ --requests 20 --rounds 5

``runner:/r/`` opens a page as the bench's runner (the newest private link's signed cookie,
as benchmarks/pages.py makes it) instead of a staff login.

Production settings (debug off, the delivery settings of ``benchmarks/run.py``), a logged-in
``django.test.Client`` per user. For each page and round: the median over the round's requests
of the process's CPU time (``time.process_time``, which includes psycopg's and the template
engine's work but not PostgreSQL's), of the CPU its PostgreSQL backend used meanwhile
(``/proc/<backend pid>/stat``, as benchmarks/inprocess.py reads it, the round's mean: /proc
counts 10 ms ticks, so give it 20 requests or more; what the server's share of a request
costs, which a loaded machine blurs far less than the query times) and of the
time the queries took as the client saw them (``connection.execute_wrapper``); the rounds
alternate between the pages and the figure is the median of the rounds. ``--profile`` prints cProfile's top functions for each page instead;
``--calls`` the Python function calls per request, which a loaded machine does not blur.
Needs ``staticfiles/`` (``manage.py collectstatic``), as the pages name the stylesheet through
the manifest.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.inprocess import backend_cpu  # noqa: E402
from benchmarks.run import DELIVERY_ENV  # noqa: E402


def _setup() -> None:
    os.environ.update(DELIVERY_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    os.environ["DJANGO_DEBUG"] = "off"
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()


class _QueryTimer:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pages", nargs="+", help="user:path")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--calls", action="store_true", help="Python function calls per request (cProfile)"
    )
    parser.add_argument("--sort", default="cumulative", help="pstats order for --profile")
    parser.add_argument("--top", type=int, default=35, help="functions --profile prints")
    args = parser.parse_args()
    _setup()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    clients = {}
    for spec in args.pages:
        username, path = spec.split(":", 1)
        client = Client()
        if username == "runner":
            # The runner's signed cookie for the newest private link, as benchmarks/pages.py
            # makes it for the bench (page_scenarios: "page_runner").
            from benchmarks.pages import runner_cookie
            from portal.models import PortalLink

            name, value = runner_cookie(PortalLink.objects.order_by("-id").first()).split("=", 1)
            client.cookies[name] = value
        else:
            client.force_login(get_user_model().objects.get(username=username))
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{spec}: {response.status_code}, not 200")
        clients[spec] = (client, path, len(response.content))

    if args.calls:
        import cProfile
        import pstats

        print("| page | function calls per request |")
        print("| --- | ---: |")
        for spec, (client, path, _) in clients.items():
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.requests):
                client.get(path)
            profile.disable()
            calls = pstats.Stats(profile).total_calls / args.requests
            print(f"| {spec} | {calls:,.0f} |")
        return

    if args.profile:
        import cProfile
        import pstats

        for spec, (client, path, _) in clients.items():
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.requests):
                client.get(path)
            profile.disable()
            print(f"== {spec}")
            stats = pstats.Stats(profile).sort_stats(args.sort)
            stats.print_stats(args.top)
        return

    def backend() -> int | None:
        return connection.connection.info.backend_pid if connection.connection else None

    results: dict[str, list[tuple[float, float, float, float, int]]] = {
        spec: [] for spec in clients
    }
    for _ in range(args.rounds):
        for spec, (client, path, _) in clients.items():
            cpu, db, sql, wall, queries = [], [], [], [], 0
            for _ in range(args.requests):
                timer = _QueryTimer()
                pid = backend()
                d0 = backend_cpu(pid) if pid else 0.0
                with connection.execute_wrapper(timer):
                    c0, w0 = time.process_time(), time.perf_counter()
                    client.get(path)
                    cpu.append(time.process_time() - c0)
                    wall.append(time.perf_counter() - w0)
                if pid and backend() == pid:  # the same backend served the whole request
                    db.append(backend_cpu(pid) - d0)
                sql.append(timer.seconds)
                queries = timer.count
            results[spec].append(
                (
                    statistics.median(cpu),
                    # A mean: /proc counts in clock ticks (10 ms), too coarse per request.
                    statistics.fmean(db) if db else float("nan"),
                    statistics.median(sql),
                    statistics.median(wall),
                    queries,
                )
            )
    print(
        "| page | KB | queries | Python CPU ms | PostgreSQL CPU ms | SQL ms (client side) "
        "| wall ms |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for spec, rounds in results.items():
        size = clients[spec][2] / 1024
        cpu, db, sql, wall = (statistics.median(r[i] for r in rounds) * 1000 for i in range(4))
        print(
            f"| {spec} | {size:.0f} | {rounds[-1][4]} | {cpu:.1f} | {db:.1f} | {sql:.1f} "
            f"| {wall:.1f} |"
        )


if __name__ == "__main__":
    main()
