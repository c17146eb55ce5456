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
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
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
TARGET_P95_MS = 100.0
TARGET_INTAKE_P95_MS = 150.0
# Each report (reports/) answers within a second at p95 on the seeded data.
TARGET_REPORT_P95_MS = 1000.0
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


def fill_report_aggregates(url: str) -> None:
    """Build the reports' aggregates of a database seeded before they existed (once)."""
    with psycopg.connect(dsn(url)) as conn:
        built = conn.execute("SELECT EXISTS (SELECT 1 FROM reports_episodefact)").fetchone()[0]
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


class Server:
    """gunicorn on loopback with the given settings module."""

    def __init__(self, settings_module: str, url: str, workers: int):
        self.port = free_port()
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
        gunicorn = str(Path(PYTHON).parent / "gunicorn")
        self.process = subprocess.Popen(
            [
                gunicorn,
                "clinic.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
                # Load Django once in the master: every worker is ready when the port opens.
                "--preload",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                time.sleep(1)  # let every worker boot
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        if self.process is not None:
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


def measure(server: Server, spec: dict, args) -> dict:
    if args.warmup:
        wrk(server.base, spec, seconds=args.warmup, clients=args.clients)
    return wrk(server.base, spec, seconds=args.duration, clients=args.clients)


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
    }


def run_all(args, specs: dict, wanted: set | None) -> dict[str, dict]:
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
            label: stack.enter_context(Server(module, args.database_url, args.workers))
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
    return (
        f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
        f"{r['requests']} | {r['errors']} |"
    )


def report(results: dict, meta: dict) -> str:
    lines = [
        f"# Talus load test — {meta['at']}",
        "",
        f"Machine: {meta['machine']['cpu']}, {meta['machine']['cores']} cores, "
        f"{meta['machine']['memory_gib']} GiB; {meta['postgres']}; Python "
        f"{meta['machine']['python']}.",
        f"gunicorn {meta['workers']} sync workers; wrk, {meta['clients']} connections, "
        f"{meta['warmup']} s warm-up + {meta['duration']} s per scenario; the cases list "
        f"compared in {meta['rounds']} rounds (Talus, floor, textbook and naive back to back, mean "
        f"req/s, median latencies); data set: "
        f"{meta['data']}.",
        "",
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | requests | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [fmt_row(name, r) for name, r in results.items()]
    lines += ["", "| check | value | target | met |", "| --- | ---: | ---: | :---: |"]
    for check in meta["checks"]:
        lines.append(
            f"| {check['name']} | {check['value']} | {check['target']} | "
            f"{'yes' if check['met'] else '**no**'} |"
        )
    return "\n".join(lines) + "\n"


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
    for name in REPORTS:
        measured = results.get(f"talus report_{name}")
        if measured:
            out.append(
                {
                    "name": f"report {name} p95 (ms)",
                    "value": f"{measured['p95']:.1f}",
                    "target": f"≤ {TARGET_REPORT_P95_MS:.0f}",
                    "met": measured["p95"] <= TARGET_REPORT_P95_MS,
                }
            )
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
    # Indexes added since the seed was loaded (a newer migration) are applied here.
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": args.database_url, "DJANGO_DEBUG": "on"},
        check=True,
    )
    fill_report_aggregates(args.database_url)
    sys.path.insert(0, str(HERE))
    from seed import sizes

    data = reset_data(args.database_url, sizes(args.scale), args.seed)
    specs = scenarios(data)
    wanted = set(args.only.split(",")) if args.only else None
    with psycopg.connect(dsn(args.database_url)) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
    results = run_all(args, specs, wanted)
    meta = {
        "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "postgres": f"PostgreSQL {postgres}",
        "workers": args.workers,
        "clients": args.clients,
        "duration": args.duration,
        "warmup": args.warmup,
        "rounds": args.rounds,
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
