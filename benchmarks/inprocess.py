"""CPU per request of the bench's API scenarios, in-process, on a seeded bench database.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/talus_bench_<name> \
        python benchmarks/inprocess.py [--rounds 3] [--requests 60] [--only cases,floor]

What ``make bench`` sends (benchmarks/run.py: the seeded users' API tokens, the same paths
and bodies), answered by Django's WSGI handler called directly in this process: no server,
no network, DEBUG off, throttles counting in ``REDIS_URL`` when set. ``floor`` is the floor's
view (benchmarks/floor.py) behind the same middleware, as its server runs it;
``report_<name>`` each report's API, a quarter and a year in turn (``REPORT_PERIODS``). Each round
runs every scenario once, in an order that rotates; printed per scenario: the median round's
wall clock, this process's CPU (``py``) and its PostgreSQL backends' CPU (``db``), ms per
request. On a shared machine compare CPU, not wall clock, and before/after on the same
database. An intake adds a case: ``make bench`` deletes them before its next run.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 42  # benchmarks/seed.py's default: the tokens are derived from it (seed.api_token)


def configure(url: str) -> None:
    from benchmarks.run import DELIVERY_ENV

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "off",
            "DJANGO_SECRET_KEY": "in-process-measure-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "API_THROTTLE_USER": "10000000/min",
            "API_THROTTLE_ANON": "10000000/min",
            "LOG_LEVEL": "WARNING",
            # One connection for the run, so that its backend's CPU can be read.
            "DATABASE_CONN_MAX_AGE": "86400",
            **DELIVERY_ENV,
        }
    )
    # No collectstatic for an API measure: whitenoise's warning is noise here.
    warnings.filterwarnings("ignore", message="No directory at")


def environ(method: str, path: str, body: bytes, headers: dict[str, str]) -> dict:
    """A WSGI environ as gunicorn hands one to Django."""
    path_info, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)),
    }
    if body:
        env["CONTENT_TYPE"] = "application/json"
    for name, value in headers.items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    return env


def backend_cpu(pid: int) -> float:
    """Seconds of CPU a PostgreSQL backend on this machine has used (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    utime, stime = fields.rsplit(")", 1)[1].split()[11:13]
    return (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument(
        "--only",
        help="comma-separated: floor,cases,intake,timeline,search,report_attendance,…",
    )
    args = parser.parse_args(argv)
    configure(os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1/talus_bench"))

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import override_settings

    from benchmarks import floor
    from benchmarks.run import REPORT_PERIODS, REPORTS, STATUSES, TWISTED_ANKLE
    from clinic.models import Case, Patient

    def token(username: str) -> str:
        return hashlib.sha256(f"{SEED}:{username}".encode()).hexdigest()

    doctor = {"Authorization": f"Token {token('doctor01')}"}
    reception = {"Authorization": f"Token {token('reception01')}"}
    names = list(
        Patient.objects.order_by("family_name").values_list("family_name", flat=True).distinct()
    )[:200]
    patients = Patient.objects.count()
    case_ids = list(range(7, Case.objects.count(), 240))
    rng = random.Random(1)
    app = WSGIHandler()
    statuses: list[str] = []

    def call(method: str, path: str, headers: dict, body: bytes = b"") -> None:
        statuses.clear()
        result = app(environ(method, path, body, headers), lambda s, h, e=None: statuses.append(s))
        b"".join(result)
        result.close()
        if not statuses[0].startswith("2"):
            raise SystemExit(f"{method} {path}: {statuses[0]}")

    def cases(i: int) -> None:
        call("GET", f"/api/v1/cases/?status={STATUSES[i % len(STATUSES)]}&page_size=50", doctor)

    def intake(i: int) -> None:
        body = {"patient": rng.randint(1, patients), "questionnaire": TWISTED_ANKLE}
        call("POST", "/api/v1/intakes/", reception, json.dumps(body).encode())

    scenarios = {
        "floor": cases,  # the same requests, answered by the floor's URLconf (below)
        "cases": cases,
        "intake": intake,
        "timeline": lambda i: call(
            "GET", f"/api/v1/cases/{case_ids[i % len(case_ids)]}/timeline/", doctor
        ),
        "search": lambda i: call(
            "GET", f"/api/v1/patients/?search={names[i % len(names)]}", doctor
        ),
    }
    for report in REPORTS:  # make bench's report_<name>: a quarter and a year, in turn
        scenarios[f"report_{report}"] = lambda i, report=report: call(
            "GET", f"/api/v1/reports/{report}/?{REPORT_PERIODS[i % len(REPORT_PERIODS)]}", doctor
        )
    if args.only:
        scenarios = {name: scenarios[name] for name in args.only.split(",")}

    def timed(name: str, n: int) -> tuple[float, float, float]:
        urlconf = "benchmarks.floor" if name == "floor" else "clinic.urls"
        with override_settings(ROOT_URLCONF=urlconf):
            connection.ensure_connection()
            pids = [connection.connection.info.backend_pid]
            if name == "floor":
                pids.append(floor._connection().info.backend_pid)
            wall, cpu = time.perf_counter(), time.process_time()
            db = sum(backend_cpu(pid) for pid in pids)
            for i in range(n):
                scenarios[name](i)
            db = sum(backend_cpu(pid) for pid in pids) - db
            return (
                (time.perf_counter() - wall) * 1000 / n,
                (time.process_time() - cpu) * 1000 / n,
                db * 1000 / n,
            )

    for name in scenarios:  # warm-up: imports, connections, caches
        timed(name, 15)
    measured: dict[str, list] = {name: [] for name in scenarios}
    order = list(scenarios)
    for number in range(args.rounds):
        for name in order[number % len(order) :] + order[: number % len(order)]:
            measured[name].append(timed(name, args.requests))
    print(f"{'scenario':<18} {'wall':>7} {'py':>7} {'db':>6} {'py+db':>7} {'min':>7} {'max':>7}")
    for name, rounds in measured.items():
        total = [py + db for _, py, db in rounds]
        print(
            f"{name:<18} {statistics.median(r[0] for r in rounds):7.2f}"
            f" {statistics.median(r[1] for r in rounds):7.2f}"
            f" {statistics.median(r[2] for r in rounds):6.2f} {statistics.median(total):7.2f}"
            f" {min(total):7.2f} {max(total):7.2f}"
        )
    print(f"(ms per request; median of {args.rounds} rounds of {args.requests})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
