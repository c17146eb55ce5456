"""One page's cost in-process: CPU ms (Python) and SQL ms per request, on a seeded database.

    DATABASE_URL=postgres://…/talus_bench_casepage .venv/bin/python benchmarks/pageprofile.py \
        case reports report_utilisation runner --rounds 5 --requests 20 [--profile case]

Serves the page scenarios of ``benchmarks/run.py: page_scenarios`` (the same ids and periods)
through ``django.test.Client`` with the production settings of a run (``DJANGO_DEBUG=off``,
``DELIVERY_ENV``, static files from the manifest: run ``collectstatic`` first), each as the role
that opens it. Per request it reports the median over the rounds of: the Python process's CPU
(``time.process_time``, which includes the driver's work but not PostgreSQL's), the time spent
in SQL (``connection.execute_wrapper``, wall), the queries sent and the wall time. Pages are
asked round-robin within a round, so that no page runs on a warmer machine than another.
``--profile NAME`` prints the cProfile of that page's requests (top functions by own time).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def setup() -> None:
    from benchmarks.run import DELIVERY_ENV

    os.environ.update(DELIVERY_ENV)
    os.environ["DJANGO_DEBUG"] = "off"
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    import django

    django.setup()


def pages(n_cases: int) -> dict[str, tuple[str, list[str]]]:
    """name -> (login, paths), from the benchmark's own page scenarios."""
    from benchmarks.run import page_scenarios

    found = {}
    for name, scenario in page_scenarios({"cases": n_cases}).items():
        found[name.removeprefix("page_")] = (scenario["login"], scenario["paths"])
    return found


def client_for(login: str):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core import signing
    from django.test import Client

    client = Client(SERVER_NAME="testserver", secure=settings.SESSION_COOKIE_SECURE)
    if login == "runner":
        from portal.models import PortalLink
        from portal.runner import COOKIE, COOKIE_SALT

        link = PortalLink.objects.order_by("-id").first()
        signer = signing.get_cookie_signer(salt=COOKIE + COOKIE_SALT)
        client.cookies[COOKIE] = signer.sign(str(link.pk))
    else:
        client.force_login(get_user_model().objects.get(username=login))
    return client


class SqlTimer:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0
        self.each: dict[str, float] = {}

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - start
            self.seconds += took
            self.count += 1
            key = sql[:160]
            self.each[key] = self.each.get(key, 0.0) + took


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="+")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=10, help="per page per round")
    parser.add_argument("--cases", type=int, default=120_000, help="seeded cases (ids)")
    parser.add_argument("--profile", default="", help="cProfile this page")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--dump", default="", help="write the cProfile stats to this file")
    parser.add_argument("--queries", action="store_true", help="print the slowest queries")
    args = parser.parse_args(argv)
    setup()
    from django.db import connection

    known = pages(args.cases)
    chosen = {name: known[name] for name in args.names}
    clients = {name: client_for(login) for name, (login, _paths) in chosen.items()}
    figures: dict[str, list[tuple[float, float, float, int, int]]] = {n: [] for n in chosen}
    slowest: dict[str, dict[str, float]] = {n: {} for n in chosen}
    profiler = cProfile.Profile() if args.profile else None
    sizes: dict[str, int] = {}
    for name, (_login, paths) in chosen.items():  # warm-up: templates, caches, connection
        for path in paths[:2]:
            response = clients[name].get(path)
            if response.status_code != 200:
                raise SystemExit(f"{name} {path}: {response.status_code}")
            sizes[name] = len(response.content)
    for _round in range(args.rounds):
        for name, (_login, paths) in chosen.items():
            timer = SqlTimer()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            profiling = profiler is not None and name == args.profile
            with connection.execute_wrapper(timer):
                if profiling:
                    profiler.enable()
                for n in range(args.requests):
                    response = clients[name].get(paths[n % len(paths)])
                    if response.status_code != 200:
                        raise SystemExit(f"{name}: {response.status_code}")
                if profiling:
                    profiler.disable()
            cpu = (time.process_time() - cpu0) / args.requests * 1000
            wall = (time.perf_counter() - wall0) / args.requests * 1000
            sql = timer.seconds / args.requests * 1000
            for key, took in timer.each.items():
                slowest[name][key] = slowest[name].get(key, 0.0) + took
            figures[name].append((cpu, sql, wall, timer.count // args.requests, sizes[name]))
    print(f"{'page':24} {'CPU ms':>8} {'SQL ms':>8} {'wall ms':>8} {'queries':>8} {'bytes':>8}")
    for name, rows in figures.items():
        cpu = statistics.median(r[0] for r in rows)
        sql = statistics.median(r[1] for r in rows)
        wall = statistics.median(r[2] for r in rows)
        spread = f"(CPU {min(r[0] for r in rows):.1f}-{max(r[0] for r in rows):.1f})"
        print(
            f"{name:24} {cpu:8.1f} {sql:8.1f} {wall:8.1f} {rows[0][3]:8d} {rows[0][4]:8d} {spread}"
        )
    if args.queries:
        for name, each in slowest.items():
            print(f"-- {name}: total ms per request, by statement (first 160 characters)")
            per = args.rounds * args.requests
            for key, took in sorted(each.items(), key=lambda kv: -kv[1])[:15]:
                print(f"{took / per * 1000:8.2f}  {key}")
    if profiler is not None:
        stats = pstats.Stats(profiler)
        if args.dump:
            stats.dump_stats(args.dump)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
