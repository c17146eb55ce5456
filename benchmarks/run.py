"""``make bench``: seed (once), serve Talus and its peers (floor, textbook DRF, naive), load them.

    python benchmarks/run.py [--duration 30] [--warmup 5] [--clients 20] [--rounds 3] [--reseed]

Each server is gunicorn with 2 x cores + 1 sync workers, DEBUG off, a random secret key,
on 127.0.0.1 only, against the seeded ``talus_bench`` database. Each scenario runs
``--warmup`` seconds unmeasured, then ``--duration`` seconds measured, with ``--clients``
concurrent connections (wrk, two threads). The cases list is measured on the three servers
back to back, ``--rounds`` times in a rotating order (the machine's speed drifts). The
figures go to stdout as a Markdown table
and to ``benchmarks/results/latest.md`` and ``latest.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
LUA_TEMPLATE = HERE / "scenario.lua"
PYTHON = sys.executable
STATUSES = ["open", "triaged", "diagnosed", "in_rehab", "discharged", "closed"]

# Targets on the reference machine.
TARGET_FLOOR_RATIO = 0.5
TARGET_NAIVE_RATIO = 3.0
TARGET_TEXTBOOK_RATIO = 1.0
TARGET_TEXTBOOK_AIM = 1.3
TARGET_P95_MS = 100.0
TARGET_INTAKE_P95_MS = 150.0
# Every other page and endpoint (the HTML pages, search, a case, its timeline, each report
# as JSON and as a page): p95 within 150 ms at 20 clients (issue 21).
TARGET_PAGE_P95_MS = 150.0
REPORTS = ("attendance", "utilisation", "episodes", "outcomes", "imaging", "recurrence")
# The seeded data ends at the seeder's ANCHOR (2025-06-01): a quarter and a year before it.
REPORT_PERIODS = ("from=2025-03-03&to=2025-05-31", "from=2024-06-01&to=2025-05-31")

TWISTED_ANKLE = {
    "onset": "trauma",
    "mechanism": "twist",
    "swelling": "moderate",
    "hematoma": True,
    "mobility": "difficult",
    "weight_bearing": "difficult",
    "pain_location": "lateral",
    "side": "left",
    "pain_at_rest": 4,
    "pain_after_running": 7,
    "pain_duration_days": 1,
    "still_running": False,
    "weekly_distance_km": 35.5,
    "recent_training_change": False,
    "recent_shoe_change": False,
    "known_flat_feet": False,
    "previous_sprains": 1,
    "calf_pain_or_swelling": False,
    "fever_or_hot_red_joint": False,
    "numbness_or_cold_foot": False,
    "night_pain": False,
    "focal_bone_pain": False,
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="default: one database per scale (talus_bench at 1, talus_bench_x10 at 10)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1 = 100,000 patients, 10 = 1,000,000"
    )
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--duration", type=int, default=30, help="measured seconds per scenario")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured seconds before each")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of the cases-list comparison (Talus, floor, textbook, naive back to back)",
    )
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--only", help="comma-separated scenario names (default: all)")
    parser.add_argument(
        "--server",
        choices=SERVER_KINDS,
        default="sync",
        help="the WSGI server of Talus and its peers (same server for all: a fair ratio)",
    )
    parser.add_argument(
        "--lever",
        choices=["wsgi"],
        help="measure a design lever side by side instead: wsgi = gunicorn sync vs gthread "
        "vs granian on the cases list and the doctor's case page, --rounds rounds",
    )
    return scaled_database(parser.parse_args(argv))


def scaled_database(args: argparse.Namespace) -> argparse.Namespace:
    """Without --database-url, each --scale loads and measures its own database (seed.py)."""
    if not args.database_url:
        sys.path.insert(0, str(HERE))
        from seed import default_database_url

        args.database_url = default_database_url(args.scale)
    return args


def dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def reset_data(url: str, counts: dict[str, int], seed: int) -> dict:
    """Reset the data to what the seeder loaded, and return the ids the scenarios draw from.

    A run adds intakes (and their cases) and audit events; deleting them first keeps every
    run on the same data. The audit trail is append-only for the application; this is the
    benchmark's own disposable database.
    """
    from seed import api_token  # benchmarks/ is on sys.path (main)

    with psycopg.connect(dsn(url), autocommit=True) as conn:
        cases, patients = counts["cases"], counts["patients"]
        conn.execute("DELETE FROM triage_intake WHERE case_id > %s", [cases])
        # Rows a reminders benchmark (benchmarks/reminders) left behind with --keep or a kill.
        conn.execute("DELETE FROM reminders_reminder WHERE case_id > %s", [cases])
        conn.execute("DELETE FROM clinic_case WHERE id > %s", [cases])
        conn.execute("TRUNCATE clinic_auditevent")
        # The seeder's tokens never expire (knox stores digests only: seed.api_token).
        tokens = {
            username: api_token(seed, username)
            for (username,) in conn.execute("SELECT username FROM auth_user").fetchall()
        }
        family_names = [
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT family_name FROM clinic_patient ORDER BY 1 LIMIT 200"
            ).fetchall()
        ]
        conn.execute("VACUUM ANALYZE clinic_case, triage_intake, clinic_auditevent")
    return {"cases": cases, "patients": patients, "tokens": tokens, "names": family_names}


def bring_up_to_date(url: str) -> None:
    """Indexes added since the seed was loaded (a newer migration), then the aggregates."""
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "on"},
        check=True,
    )
    fill_report_aggregates(url)


def fill_report_aggregates(url: str) -> None:
    """Build the reports' aggregates of a database seeded before they existed (once).

    Their last table, the episode days, is the one looked at: migrating a database whose
    facts were built sums them into it (reports/0003), and a full rebuild builds them all.
    """
    with psycopg.connect(dsn(url)) as conn:
        built = conn.execute("SELECT EXISTS (SELECT 1 FROM reports_episodeday)").fetchone()[0]
    if not built:
        subprocess.run(
            [PYTHON, "manage.py", "refresh_reports", "--all"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "on"},
            check=True,
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# WSGI servers (--server for Talus, --lever wsgi compares them): each runs --workers
# processes. sync: one request at a time per worker; gthread: GTHREAD_THREADS per worker;
# granian (Rust HTTP, the Django app in a blocking thread): GRANIAN_THREADS per worker.
SERVER_KINDS = ("sync", "gthread", "granian")
GTHREAD_THREADS = 4
GRANIAN_THREADS = 1


def server_command(kind: str, port: int, workers: int) -> list[str]:
    """The command line of one WSGI server on 127.0.0.1:port."""
    bin_dir = Path(PYTHON).parent
    if kind == "granian":
        return [
            str(bin_dir / "granian"),
            "--interface",
            "wsgi",
            "clinic.wsgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(GRANIAN_THREADS),
            "--no-ws",
            "--log-level",
            "warning",
        ]
    command = [
        str(bin_dir / "gunicorn"),
        "clinic.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        # Load Django once in the master: every worker is ready when the port opens.
        "--preload",
    ]
    if kind == "gthread":
        command += ["--worker-class", "gthread", "--threads", str(GTHREAD_THREADS)]
    elif kind != "sync":
        raise ValueError(f"unknown server kind {kind!r}")
    return command


def _descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            for child in (task / "children").read_text().split():
                found += [int(child), *_descendants(int(child))]
    return found


def _rollup(pid: int) -> tuple[int, int] | None:
    """(RSS, PSS) of a process in KiB, from /proc/<pid>/smaps_rollup."""
    try:
        fields = dict(
            line.split(":", 1)
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
        )
    except OSError:
        return None
    return int(fields["Rss"].split()[0]), int(fields["Pss"].split()[0])


def server_memory(pid: int) -> dict | None:
    """Resident memory of a server after its load: the master's, and per worker (mean).

    RSS counts the pages a worker shares with the master (gunicorn --preload forks them);
    PSS splits each shared page among the processes that map it, so the sum of PSS is
    what the server costs the machine.
    """
    master = _rollup(pid)
    workers = [m for m in (_rollup(child) for child in _descendants(pid)) if m]
    if master is None or not workers:
        return None
    mib = 1024
    return {
        "master_rss_mib": round(master[0] / mib, 1),
        "workers": len(workers),
        "worker_rss_mib": round(sum(w[0] for w in workers) / len(workers) / mib, 1),
        "worker_pss_mib": round(sum(w[1] for w in workers) / len(workers) / mib, 1),
        "total_pss_mib": round((master[1] + sum(w[1] for w in workers)) / mib, 1),
    }


class Server:
    """A WSGI server (gunicorn sync by default) on loopback with the given settings module."""

    def __init__(self, settings_module: str, url: str, workers: int, kind: str = "sync"):
        self.port = free_port()
        self.kind = kind
        self.memory: dict | None = None
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DJANGO_DEBUG": "off",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": url,
            "API_THROTTLE_USER": "10000000/min",
            "API_THROTTLE_ANON": "10000000/min",
            "LOG_LEVEL": "WARNING",
            # Production settings refuse fake delivery; these runs send no text message.
            "SMS_BACKEND": "reminders.sms.TwilioBackend",
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_AUTH_TOKEN": "benchmark",
            "TWILIO_FROM": "Talus",
            "TWILIO_API_URL": "http://127.0.0.1:9",
            "EMAIL_URL": "smtp://127.0.0.1:9",
            # No collectstatic for an API benchmark: whitenoise's warning is noise here.
            "PYTHONWARNINGS": "ignore:No directory at",
        }
        self.workers = workers
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            server_command(self.kind, self.port, self.workers),
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        # Under load (a shared machine) five workers each loading Django take a while.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                # Let every worker boot (granian's workers each load Django after the port
                # opens: no --preload).
                time.sleep(6 if self.kind == "granian" else 1)
                return self
            except OSError:
                time.sleep(0.3)
        # Not started in time: stop it (no __exit__ runs for a failed __enter__).
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        raise RuntimeError(f"{self.kind} server did not start")

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.memory = self.memory or server_memory(self.process.pid)
            # The master stops its workers gracefully (a SIGTERM to the whole group made
            # the master log each worker's SIGTERM as an error).
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def lua_script(spec: dict) -> Path:
    """benchmarks/scenario.lua with the scenario's data prepended as Lua globals."""
    headers = ", ".join(
        f"[ {lua_string(k)} ] = {lua_string(v)}" for k, v in spec["headers"].items()
    )
    prelude = "\n".join(
        [
            f"METHOD = {lua_string(spec.get('method', 'GET'))}",
            "PATHS = {" + ", ".join(lua_string(p) for p in spec["paths"]) + "}",
            "HEADERS = {" + headers + "}",
            f"BODY = {lua_string(spec['body']) if 'body' in spec else 'nil'}",
            f"PATIENT_MAX = {spec.get('patient_max', 0)}",
        ]
    )
    path = RESULTS / ".scenario.lua"
    RESULTS.mkdir(exist_ok=True)
    path.write_text(prelude + "\n" + LUA_TEMPLATE.read_text())
    return path


def wrk(base: str, spec: dict, *, seconds: int, clients: int) -> dict:
    """Run wrk (two threads) and read the figures its done() hook prints."""
    script = lua_script(spec)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH_JSON "))
    return json.loads(line.removeprefix("BENCH_JSON "))


def scenarios(data: dict) -> dict[str, dict]:
    """Each scenario: method, paths (wrk picks one at random per request), headers, body."""
    doctor = {"Authorization": f"Token {data['tokens']['doctor01']}"}
    reception = {"Authorization": f"Token {data['tokens']['reception01']}"}
    n_cases, n_patients = data["cases"], data["patients"]
    step = max(1, n_cases // 500)
    case_ids = list(range(7, n_cases, step))
    return {
        "cases_list": {
            "paths": [f"/api/v1/cases/?status={s}&page_size=50" for s in STATUSES],
            "headers": doctor,
        },
        **page_scenarios(data),
        "patients_search": {
            "paths": [f"/api/v1/patients/?search={name}" for name in data["names"]],
            "headers": doctor,
        },
        "case_detail": {"paths": [f"/api/v1/cases/{i}/" for i in case_ids], "headers": doctor},
        "case_timeline": {
            "paths": [f"/api/v1/cases/{i}/timeline/" for i in case_ids],
            "headers": doctor,
        },
        "intake_post": {
            "method": "POST",
            "paths": ["/api/v1/intakes/"],
            "headers": {**reception, "Content-Type": "application/json"},
            # wrk replaces the literal PATIENT_ID by a random patient id per request.
            "body": json.dumps({"patient": "PATIENT_ID", "questionnaire": TWISTED_ANKLE}),
            "patient_max": n_patients,
        },
        **{
            f"report_{name}": {
                "paths": [f"/api/v1/reports/{name}/?{period}" for period in REPORT_PERIODS],
                "headers": doctor,
            }
            for name in REPORTS
        },
    }


def page_scenarios(data: dict) -> dict[str, dict]:
    """The HTML pages, each with one logged-in session of the role that opens it.

    ``login`` names the user whose session cookie ``measure`` makes just before the run
    (benchmarks/pages.py: the cookie must be signed with that server's secret key, and a
    staff session ends after 15 idle minutes); ``runner`` is the runner's own cookie.
    The data the pages show around the run date comes from ``prepare_pages``.
    """
    n_cases = data["cases"]
    step = max(1, n_cases // 500)
    case_ids = list(range(7, n_cases, step))
    reports = {
        f"page_report_{name}": {
            "paths": [f"/reports/{name}/?{period}" for period in REPORT_PERIODS],
            "login": "doctor01",
        }
        for name in REPORTS
    }
    return {
        "page_reception_today": {"paths": ["/reception/"], "login": "reception01"},
        "page_diary_day": {"paths": ["/diary/"], "login": "reception01"},
        "page_diary_week": {"paths": ["/diary/?week=1"], "login": "reception01"},
        "page_doctor_cases": {"paths": ["/cases/"], "login": "doctor01"},
        "page_case": {"paths": [f"/cases/{i}/" for i in case_ids], "login": "doctor01"},
        "page_caseload": {"paths": ["/rehab/caseload/"], "login": "physio01"},
        "page_runner": {"paths": ["/r/"], "login": "runner"},
        "page_reports": {
            "paths": [f"/reports/?{period}" for period in REPORT_PERIODS],
            "login": "doctor01",
        },
        **reports,
    }


def run_pages_helper(env: dict, url: str, *extra: str) -> dict:
    out = subprocess.run(
        [PYTHON, str(HERE / "pages.py"), "--database-url", url, *extra],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("PAGES_JSON "))
    return json.loads(line.removeprefix("PAGES_JSON "))


# What every Django process of a run needs with DEBUG off besides its database (Server's
# environment says the same): production settings refuse fake delivery.
DELIVERY_ENV = {
    "SMS_BACKEND": "reminders.sms.TwilioBackend",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "benchmark",
    "TWILIO_FROM": "Talus",
    "TWILIO_API_URL": "http://127.0.0.1:9",
    "EMAIL_URL": "smtp://127.0.0.1:9",
}


def collect_static() -> None:
    """The pages name their stylesheet through the manifest (production's static storage):
    collect it as a deployment does (Dockerfile), or every page is a 500. Skipped when the
    manifest is newer than every static source (ours, and the installed packages'):
    collecting compresses every file again, minutes on a busy machine."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    sources = [
        path
        for folder in [ROOT / "static", *ROOT.glob("*/static")]
        for path in folder.rglob("*")
        if path.is_file()
    ] + [Path(sysconfig.get_paths()["purelib"])]
    if manifest.exists() and all(
        path.stat().st_mtime <= manifest.stat().st_mtime for path in sources
    ):
        return
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "DJANGO_DEBUG": "off",
            "DJANGO_SECRET_KEY": "collectstatic-only",
            "DJANGO_ALLOWED_HOSTS": "localhost",
            **DELIVERY_ENV,
        },
        check=True,
    )


def prepare_pages(url: str, seeded_cases: int) -> dict:
    """What the pages show around today (bookings, today's intakes, a runner's link)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DJANGO_DEBUG": "off",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        **DELIVERY_ENV,
    }
    return run_pages_helper(env, url, "--prepare", "--seeded-cases", str(seeded_cases))


LOGIN_REUSE_SECONDS = 600  # a staff session ends after 15 idle minutes, a runner's after 30


def logged_in(server: Server, spec: dict) -> dict:
    """The spec with a session cookie of its ``login`` user, made for this server (the
    logins are made again when the last ones are ten minutes old)."""
    made_at, made = getattr(server, "logins", (0.0, None))
    if made is None or time.monotonic() - made_at > LOGIN_REUSE_SECONDS:
        made = run_pages_helper(server.env, server.env["DATABASE_URL"], "--login")
        server.logins = (time.monotonic(), made)
    cookie = made["runner"] if spec["login"] == "runner" else made["cookies"][spec["login"]]
    return {**spec, "headers": {**spec.get("headers", {}), "Cookie": cookie}}


def probe(server: Server, spec: dict, timeout: float = 60) -> None:
    """The first paths answer 200 with the spec's headers (wrk counts a 302 to the login
    page as a success: an expired session must fail the run instead)."""
    for path in spec["paths"][:3]:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
        try:
            conn.request("GET", path, headers=spec["headers"])
            status = conn.getresponse().status
        finally:
            conn.close()
        if status != 200:
            raise RuntimeError(f"{path} answered {status}, not 200, for the benchmark's session")


def measure(server: Server, spec: dict, args) -> dict:
    if "login" in spec:
        spec = logged_in(server, spec)
        try:
            probe(server, spec, timeout=180)
        except (TimeoutError, ConnectionError, http.client.HTTPException) as exc:
            # The page did not answer at all (slower than the server's worker timeout): no
            # figure, and the run goes on to the next scenario.
            failed = {"requests": 0, "errors": 1, "rps": 0.0, "p50": 0.0, "p95": 0.0}
            return {**failed, "p99": 0.0, "mean": 0.0, "failed": f"probe: {exc!r}"}
    if args.warmup:
        wrk(server.base, spec, seconds=args.warmup, clients=args.clients)
    result = wrk(server.base, spec, seconds=args.duration, clients=args.clients)
    # The machine is shared: the 1-minute load average at the end of each figure.
    result["load"] = round(os.getloadavg()[0], 2)
    if "login" in spec:
        # Still logged in at the end: every request was the page. A page slower than wrk's
        # timeout leaves requests queued in the server: the probe waits behind them.
        try:
            probe(server, spec, timeout=180)
        except (TimeoutError, ConnectionError, http.client.HTTPException):
            result["probe_after"] = "no answer (the server still draining its queue)"
    return result


COMPARED = [
    ("talus", "clinic.settings"),
    ("floor", "benchmarks.settings_floor"),
    ("textbook", "benchmarks.settings_textbook"),
    ("naive", "benchmarks.settings_naive"),
]


def combine(rounds: list[dict]) -> dict:
    """Rounds of one scenario: throughput is their mean, each latency their median."""
    if len(rounds) == 1:
        return rounds[0]
    return {
        "requests": sum(r["requests"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "rps": sum(r["rps"] for r in rounds) / len(rounds),
        "p50": sorted(r["p50"] for r in rounds)[len(rounds) // 2],
        "p95": sorted(r["p95"] for r in rounds)[len(rounds) // 2],
        "p99": sorted(r["p99"] for r in rounds)[len(rounds) // 2],
        "rounds": len(rounds),
        "load": round(sum(r.get("load", 0) for r in rounds) / len(rounds), 2),
        "rps_min": min(r["rps"] for r in rounds),
        "rps_max": max(r["rps"] for r in rounds),
        "p95_min": min(r["p95"] for r in rounds),
        "p95_max": max(r["p95"] for r in rounds),
    }


LEVER_SCENARIOS = ("cases_list", "page_case")


def run_wsgi_lever(args, specs: dict, memory: dict) -> dict[str, dict]:
    """Talus on each WSGI server, side by side: rounds in a rotating order over the servers,
    each round the cases list and one page on every server back to back."""
    results: dict[str, dict] = {}
    with contextlib.ExitStack() as stack:
        servers = {
            kind: stack.enter_context(
                Server("clinic.settings", args.database_url, args.workers, kind)
            )
            for kind in SERVER_KINDS
        }
        rounds: dict[tuple[str, str], list[dict]] = {}
        for number in range(args.rounds):
            shift = number % len(SERVER_KINDS)
            for kind in SERVER_KINDS[shift:] + SERVER_KINDS[:shift]:
                for name in LEVER_SCENARIOS:
                    print(f"… lever round {number + 1}: {kind} {name}", flush=True)
                    rounds.setdefault((kind, name), []).append(
                        measure(servers[kind], specs[name], args)
                    )
    for (kind, name), measured in rounds.items():
        results[f"talus[{kind}] {name}"] = combine(measured)
    memory.update({f"talus[{kind}]": server.memory for kind, server in servers.items()})
    return results


def run_all(args, specs: dict, wanted: set | None, memory: dict | None = None) -> dict[str, dict]:
    """The cases-list comparison first, in rounds, then Talus's other scenarios.

    This machine's speed drifts by tens of percent over minutes (a shared VM): each round
    measures Talus, the floor and the naive baseline back to back, in a rotating order, so
    drift falls on all three alike; the ratios come from the rounds' mean throughput.
    """

    def wants(label: str, name: str) -> bool:
        return wanted is None or name in wanted or f"{label}:{name}" in wanted

    compared = [(label, module) for label, module in COMPARED if wants(label, "cases_list")]
    others = [name for name in specs if name != "cases_list" and wants("talus", name)]
    labels = {label for label, _ in compared} | ({"talus"} if others else set())
    results: dict[str, dict] = {}
    with contextlib.ExitStack() as stack:
        servers = {
            label: stack.enter_context(Server(module, args.database_url, args.workers, args.server))
            for label, module in COMPARED
            if label in labels
        }
        rounds: dict[str, list[dict]] = {label: [] for label, _ in compared}
        for number in range(args.rounds if compared else 0):
            order = compared[number % len(compared) :] + compared[: number % len(compared)]
            for label, _ in order:
                print(f"… round {number + 1}: {label} cases_list", flush=True)
                rounds[label].append(measure(servers[label], specs["cases_list"], args))
        for label, _ in compared:
            results[f"{label} cases_list"] = combine(rounds[label])
        for name in others:
            print(f"… talus {name}", flush=True)
            results[f"talus {name}"] = measure(servers["talus"], specs[name], args)
            # Each figure as it comes: a run stopped half-way keeps what it measured.
            print(f"… result talus {name}: {json.dumps(results[f'talus {name}'])}", flush=True)
    if memory is not None:
        memory.update({label: server.memory for label, server in servers.items()})
    return results


def machine() -> dict:
    def run(*cmd) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
        except FileNotFoundError:
            return ""

    lscpu = run("lscpu")
    model = next(
        (ln.split(":", 1)[1].strip() for ln in lscpu.splitlines() if ln.startswith("Model name")),
        platform.processor(),
    )
    mem_kb = next(
        int(ln.split()[1])
        for ln in Path("/proc/meminfo").read_text().splitlines()
        if ln.startswith("MemTotal")
    )
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
    }


def fmt_row(name: str, r: dict) -> str:
    spread = (
        f"{r['rps_min']:.0f} to {r['rps_max']:.0f} req/s, p95 {r['p95_min']:.0f} to {r['p95_max']:.0f}"
        if "rps_min" in r
        else ""
    )
    return (
        f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
        f"{r['requests']} | {r['errors']} | {r.get('load', '')} | {spread} |"
    )


def memory_lines(memory: dict) -> list[str]:
    """Each server's resident memory after its run (benchmarks.run.server_memory)."""
    lines = [
        "",
        "| server | workers | RSS per worker MiB | PSS per worker MiB | master RSS MiB "
        "| total PSS MiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, m in memory.items():
        if m:
            lines.append(
                f"| {label} | {m['workers']} | {m['worker_rss_mib']} | {m['worker_pss_mib']} "
                f"| {m['master_rss_mib']} | {m['total_pss_mib']} |"
            )
    return lines if len(lines) > 3 else []


def report(results: dict, meta: dict) -> str:
    lines = [
        f"# Talus load test — {meta['at']}",
        "",
        f"Machine: {meta['machine']['cpu']}, {meta['machine']['cores']} cores, "
        f"{meta['machine']['memory_gib']} GiB; {meta['postgres']}; Python "
        f"{meta['machine']['python']}.",
        f"{meta.get('server', 'sync')} server, {meta['workers']} workers; wrk, {meta['clients']} connections, "
        f"{meta['warmup']} s warm-up + {meta['duration']} s per scenario; the cases list "
        f"compared in {meta['rounds']} rounds (Talus, floor, textbook and naive back to back, mean "
        f"req/s, median latencies); data set: "
        f"{meta['data']}.",
        "",
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | requests | errors | load 1m "
        "| spread over rounds |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    lines += [fmt_row(name, r) for name, r in results.items()]
    lines += memory_lines(meta.get("memory") or {})
    lines += ["", "| check | value | target | met |", "| --- | ---: | ---: | :---: |"]
    for check in meta["checks"]:
        lines.append(
            f"| {check['name']} | {check['value']} | {check['target']} | "
            f"{'yes' if check['met'] else '**no**'} |"
        )
    return "\n".join(lines) + "\n"


def scenario_checks(results: dict) -> list[dict]:
    """Every other page and endpoint of Talus: p95 within TARGET_PAGE_P95_MS (issue 21)."""
    own_rows = {"talus cases_list", "talus intake_post"}
    return [
        {
            "name": f"{name.removeprefix('talus ')} p95 (ms)",
            "value": f"{measured['p95']:.1f}",
            "target": f"≤ {TARGET_PAGE_P95_MS:.0f}",
            # No request answered in the run (all slower than wrk's timeout): not met.
            "met": measured["requests"] > 0 and measured["p95"] <= TARGET_PAGE_P95_MS,
        }
        for name, measured in results.items()
        if name.startswith("talus ") and name not in own_rows
    ]


def checks(results: dict) -> list[dict]:
    talus = results.get("talus cases_list")
    out = []
    if talus and results.get("floor cases_list", {}).get("rps"):
        ratio = talus["rps"] / results["floor cases_list"]["rps"]
        out.append(
            {
                "name": "cases list: Talus / floor (req/s)",
                "value": f"{ratio:.2f}",
                "target": f"≥ {TARGET_FLOOR_RATIO}",
                "met": ratio >= TARGET_FLOOR_RATIO,
            }
        )
    if talus and results.get("textbook cases_list", {}).get("rps"):
        ratio = talus["rps"] / results["textbook cases_list"]["rps"]
        out.append(
            {
                "name": "cases list: Talus / textbook DRF (req/s)",
                "value": f"{ratio:.2f}",
                "target": f"≥ {TARGET_TEXTBOOK_RATIO}",
                "met": ratio >= TARGET_TEXTBOOK_RATIO,
            }
        )
    if talus and results.get("textbook cases_list", {}).get("rps"):
        ratio = talus["rps"] / results["textbook cases_list"]["rps"]
        out.append(
            {
                "name": "cases list: Talus / textbook DRF, the aim (req/s)",
                "value": f"{ratio:.2f}",
                "target": f"≥ {TARGET_TEXTBOOK_AIM}",
                "met": ratio >= TARGET_TEXTBOOK_AIM,
            }
        )
    if talus and results.get("naive cases_list", {}).get("rps"):
        ratio = talus["rps"] / results["naive cases_list"]["rps"]
        out.append(
            {
                "name": "cases list: Talus / naive (req/s)",
                "value": f"{ratio:.2f}",
                "target": f"≥ {TARGET_NAIVE_RATIO}",
                "met": ratio >= TARGET_NAIVE_RATIO,
            }
        )
    if talus:
        out.append(
            {
                "name": "cases list p95 (ms)",
                "value": f"{talus['p95']:.1f}",
                "target": f"≤ {TARGET_P95_MS:.0f}",
                "met": talus["p95"] <= TARGET_P95_MS,
            }
        )
    intake = results.get("talus intake_post")
    if intake:
        out.append(
            {
                "name": "intake POST p95 (ms)",
                "value": f"{intake['p95']:.1f}",
                "target": f"≤ {TARGET_INTAKE_P95_MS:.0f}",
                "met": intake["p95"] <= TARGET_INTAKE_P95_MS,
            }
        )
    out += scenario_checks(results)
    errors = sum(r["errors"] for name, r in results.items() if name.startswith("talus"))
    out.append({"name": "Talus errors", "value": str(errors), "target": "0", "met": errors == 0})
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install -y wrk (make bench does it)", file=sys.stderr)
        return 2
    subprocess.run(
        [
            PYTHON,
            str(HERE / "seed.py"),
            "--database-url",
            args.database_url,
            "--seed",
            str(args.seed),
            "--scale",
            str(args.scale),
        ]
        + (["--reseed"] if args.reseed else []),
        check=True,
    )
    bring_up_to_date(args.database_url)
    sys.path.insert(0, str(HERE))
    from seed import sizes

    data = reset_data(args.database_url, sizes(args.scale), args.seed)
    collect_static()
    data["pages"] = prepare_pages(args.database_url, data["cases"])
    specs = scenarios(data)
    wanted = set(args.only.split(",")) if args.only else None
    with psycopg.connect(dsn(args.database_url)) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
    memory: dict[str, dict | None] = {}
    if args.lever == "wsgi":
        results = run_wsgi_lever(args, specs, memory)
    else:
        results = run_all(args, specs, wanted, memory)
    meta = {
        "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "postgres": f"PostgreSQL {postgres}",
        "workers": args.workers,
        "clients": args.clients,
        "duration": args.duration,
        "warmup": args.warmup,
        "rounds": args.rounds,
        "server": args.server,
        "memory": memory,
        "data": f"seed {args.seed}, scale {args.scale} ({data['patients']} patients, "
        f"{data['cases']} cases)",
    }
    meta["checks"] = checks(results)
    text = report(results, meta)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(text)
    (RESULTS / "latest.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
