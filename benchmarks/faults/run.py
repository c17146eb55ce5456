"""Faults injected on a running Talus: an SMTP outage, a Redis outage, a PostgreSQL restart.

    .venv/bin/python benchmarks/faults/run.py smtp      # SMTP down 10 min during 500 reminders
    .venv/bin/python benchmarks/faults/run.py redis     # Redis down under API reads and writes
    .venv/bin/python benchmarks/faults/run.py postgres  # PostgreSQL restarted under load

Each scenario starts the real processes (Celery workers, gunicorn), breaks one dependency
while they work, brings it back, and checks the outcome: every reminder delivered once
(smtp); every API answer 2xx (redis); only JSON 503s, for under a second, and no
half-written record (postgres). It exits 1 when the outcome is not that. See README.md here.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from tests.reminders.smtp_counter import CountingSMTPServer, free_port  # noqa: E402

PASSWORD = "fault-script-password-1"  # noqa: S105 - a throwaway user in a throwaway database


# --- Shared ------------------------------------------------------------------------------------


def configure(run: str, extra: dict[str, str], *, code_dir: Path) -> tuple[dict, Path]:
    """Environment for this process and the ones it starts; answers it and a temporary folder."""
    tmp = Path(tempfile.mkdtemp(prefix=f"talus-faults-{run}-"))
    queue = f"faults-{run}"
    (tmp / "fault_settings.py").write_text(
        f"from clinic.settings import *  # noqa: F403\nCELERY_TASK_DEFAULT_QUEUE = {queue!r}\n"
    )
    env = {
        "PYTHONPATH": os.pathsep.join([str(tmp), str(code_dir)]),
        "DJANGO_SETTINGS_MODULE": "fault_settings",
        "DJANGO_DEBUG": "off",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TALUS_VAR_DIR": str(tmp / "var"),
        "LOG_LEVEL": "WARNING",
        # Production settings refuse fake delivery: an unreached SMTP server (the runs that
        # mail pass their own) and SMS provider (no run sends a text message).
        "EMAIL_URL": "smtp://127.0.0.1:9",
        "SMS_BACKEND": "reminders.sms.TwilioBackend",
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "benchmark",
        "TWILIO_FROM": "Talus",
        "TWILIO_API_URL": "http://127.0.0.1:9",
        **extra,
    }
    os.environ.update(env)
    sys.path.insert(0, str(tmp))
    return {**os.environ, **env}, tmp


def require_postgres() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a throwaway PostgreSQL database.")
    return url


def django_setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_user(run: str, role: str) -> str:
    """A user of ``role`` with a fresh API token; answers the token."""
    from clinic.security.tokens import token_create
    from tests.factories import UserFactory

    user = UserFactory(username=f"fault-{role}-{run}", role=role)
    user.set_password(PASSWORD)
    user.save()
    return token_create(user=user)[1]


def start_web(env: dict, port: int, workers: int, code_dir: Path, logs: Path):
    log = (logs / "web.log").open("a")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "clinic.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
        ],
        cwd=code_dir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process
        except urllib.error.HTTPError:
            return process  # it answers (a 503 names what is down)
        except OSError:
            time.sleep(0.3)
    stop(process)
    sys.exit(f"gunicorn did not answer on port {port}; see {logs / 'web.log'}")


def stop(process, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class Answer:
    __slots__ = ("at", "body", "content_type", "kind", "marker", "retry_after", "seconds", "status")

    def __init__(self, **values):
        for name in self.__slots__:
            setattr(self, name, values.get(name))


def call(base: str, token: str | None, method: str, path: str, body: dict | None = None, **note):
    """One HTTP request; answers an Answer (status 0: no HTTP answer at all)."""
    data = json.dumps(body).encode() if body is not None else None
    # base is always our own http://127.0.0.1 server.
    request = urllib.request.Request(f"{base}{path}", data=data, method=method)  # noqa: S310
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status, headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, raw = error.code, error.headers, error.read()
    except OSError as error:
        status, headers, raw = 0, {}, str(error).encode()
    return Answer(
        at=started,
        seconds=time.monotonic() - started,
        status=status,
        content_type=(headers.get("Content-Type") or "") if headers else "",
        retry_after=headers.get("Retry-After") if headers else None,
        body=raw[:300],
        **note,
    )


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def new_patient(marker: str) -> dict:
    return {
        "given_name": "Runner",
        "family_name": marker,
        "date_of_birth": "1990-01-01",
        "sex": "female",
        "email": f"{marker.lower()}@example.org",
        "preferred_channel": "email",
        "reminder_consent": True,
    }


TWISTED_ANKLE = {
    "onset": "trauma",
    "mechanism": "twist",
    "swelling": "moderate",
    "hematoma": False,
    "mobility": "difficult",
    "weight_bearing": "difficult",
    "pain_location": "lateral",
    "side": "left",
    "pain_at_rest": 3,
    "pain_after_running": 6,
    "pain_duration_days": 2,
    "still_running": False,
    "weekly_distance_km": "30",
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


# --- SMTP ---------------------------------------------------------------------------------------


class SwitchableSMTP:
    """The counting SMTP server on one port, which can be stopped (connections refused, open
    sessions cut) and started again with the same counts."""

    def __init__(self):
        self.server = CountingSMTPServer(port=free_port())

    @property
    def port(self) -> int:
        return self.server.port

    def start(self) -> None:
        self.server.controller = Controller(
            self.server.handler, hostname="127.0.0.1", port=self.server.port
        )
        self.server.controller.start()

    def stop(self) -> None:
        self.server.controller.stop()


def start_worker(index: int, queue: str, concurrency: int, env: dict, code_dir: Path, logs: Path):
    log = (logs / f"worker{index}.log").open("a")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "--app",
            "clinic",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(concurrency),
            "--queues",
            queue,
            "--hostname",
            f"faults{index}-{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
        ],
        cwd=code_dir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def scenario_smtp(args: argparse.Namespace) -> bool:
    require_postgres()
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL must name a Redis database for the broker.")
    run = uuid.uuid4().hex[:8]
    scale = args.scale
    beat = 60 / scale
    outage = args.outage / scale
    retry = {
        "REMINDER_RETRY_FIRST_SECONDS": str(max(1, round(60 / scale))),
        "REMINDER_RETRY_MAX_SECONDS": str(max(1, round(3600 / scale))),
        "REMINDER_GIVE_UP_SECONDS": str(max(1, round(86400 / scale))),
    }
    smtp = SwitchableSMTP()
    smtp.start()
    env, tmp = configure(
        run,
        {
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
            "REMINDER_QUIET_HOURS": "",
            **retry,
        },
        code_dir=args.code_dir,
    )
    django_setup()
    from django.db.models import Count

    from benchmarks.reminders.run import create_rows, delete_rows
    from clinic.celery import app
    from reminders.models import Reminder

    print(
        f"run {run}: {args.count} due reminders; SMTP down {outage:.0f} s once "
        f"{args.down_after} are out; dispatcher every {beat:.0f} s; retries "
        f"{retry['REMINDER_RETRY_FIRST_SECONDS']} s to {retry['REMINDER_RETRY_MAX_SECONDS']} s, "
        f"given up after {retry['REMINDER_GIVE_UP_SECONDS']} s"
        + (f" (every time divided by {scale:g})" if scale != 1 else ""),
        flush=True,
    )
    emails = create_rows(args.count, run)
    mine = Reminder.objects.filter(idempotency_key__startswith=f"bench:{run}:")
    queue = f"faults-{run}"
    workers = [
        start_worker(i, queue, args.concurrency, env, args.code_dir, tmp)
        for i in range(args.workers)
    ]
    time.sleep(3)

    def dispatch() -> None:
        # As beat does: the dispatcher runs in a worker, its entry expiring before the next.
        app.send_task(
            "reminders.tasks.dispatch_due_reminders", queue=queue, expires=max(1.0, beat - 1)
        )

    started = time.monotonic()
    next_dispatch = started
    down_at = up_at = last_message_at = None
    during_outage = 0
    max_failed = 0
    all_failed_at = None
    last_total = 0
    last_report = started
    try:
        while True:
            now = time.monotonic()
            if now >= next_dispatch:
                dispatch()
                next_dispatch = now + beat
            total = smtp.server.total
            if total != last_total:
                last_message_at = now
                last_total = total
            if down_at is None and total >= args.down_after:
                smtp.stop()
                down_at = now
                sent_before = total
                print(f"  {now - started:7.1f}s  SMTP server stopped after {total} messages")
            elif down_at is not None and up_at is None:
                during_outage = total - sent_before
                if now - down_at >= outage:
                    smtp.start()
                    up_at = now
                    print(f"  {now - started:7.1f}s  SMTP server back")
            statuses = dict(mine.values_list("status").annotate(n=Count("id")))
            if statuses.get("failed", 0) > max_failed and down_at is not None:
                all_failed_at = now - down_at  # when the last of them had failed, so far
            max_failed = max(max_failed, statuses.get("failed", 0))
            if up_at is not None and not statuses.get("pending"):
                break
            if now - last_report >= max(5.0, beat):
                waiting = mine.filter(status="pending", next_attempt_at__isnull=False).count()
                print(
                    f"  {now - started:7.1f}s  received {total:4d}  rows {statuses}  "
                    f"waiting for a retry {waiting}",
                    flush=True,
                )
                last_report = now
            if now - started > args.timeout:
                print(f"gave up after {args.timeout}s")
                break
            time.sleep(0.5)
        time.sleep(2)  # room for a late duplicate
    finally:
        for worker in workers:
            stop(worker)
        smtp.stop()

    received = smtp.server.by_recipient
    distinct = smtp.server.distinct_by_recipient
    duplicates = sum(max(0, distinct[e] - 1) for e in emails)
    retransmissions = sum(received[e] - distinct[e] for e in emails)
    lost = sum(1 for e in emails if received[e] == 0)
    statuses = dict(mine.values_list("status").annotate(n=Count("id")))
    attempts = Counter(mine.values_list("attempts", flat=True))
    print()
    print(f"reminders              {args.count}")
    print(f"workers                {args.workers} x prefork concurrency {args.concurrency}")
    print(f"sent before the outage {sent_before}")
    print(
        f"outage                 {up_at - down_at:.1f}s (messages received meanwhile: {during_outage})"
    )
    if last_message_at is not None and up_at is not None and last_message_at > up_at:
        print(f"last message           {last_message_at - up_at:.1f}s after the server was back")
    else:
        print("last message           none after the server was back")
    print(f"duplicates             {duplicates}")
    print(f"retransmissions        {retransmissions} (same Message-ID again)")
    print(f"lost                   {lost}")
    print(
        f"failed rows, at most   {max_failed}"
        + (f" (all failed {all_failed_at:.0f}s into the outage)" if max_failed else "")
    )
    print(f"row statuses           {statuses}")
    print(
        f"attempts               {dict(sorted(attempts.items()))} (tries: {sum(a * n for a, n in attempts.items())})"
    )
    print(f"logs                   {tmp}")
    if not args.keep:
        delete_rows(run)
    return not (duplicates or lost or max_failed or statuses.get("pending"))


# --- Redis --------------------------------------------------------------------------------------


def start_redis(port: int, logs: Path):
    log = (logs / "redis.log").open("a")
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            import socket

            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    sys.exit(f"redis-server did not start on port {port}")


def api_round(base: str, token: str, run: str, phase: str, count: int, threads: int):
    """``count`` reads and ``count`` writes from ``threads`` clients; answers the Answers."""
    answers: list[Answer] = []
    lock = threading.Lock()
    jobs = list(range(count))

    def client():
        while True:
            with lock:
                if not jobs:
                    return
                i = jobs.pop()
            marker = f"Fault-{run}-{phase}-{i}"
            got = [
                call(base, token, "GET", "/api/v1/patients/?page_size=20", kind="read"),
                call(
                    base,
                    token,
                    "POST",
                    "/api/v1/patients/",
                    new_patient(marker),
                    kind="write",
                    marker=marker,
                ),
            ]
            with lock:
                answers.extend(got)

    pool = [threading.Thread(target=client) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return answers


def report_round(phase: str, answers: list[Answer], health: Answer) -> bool:
    statuses = Counter((a.kind, a.status) for a in answers)
    seconds = [a.seconds for a in answers]
    ok = all(200 <= a.status < 300 for a in answers)
    print(
        f"  {phase:<6} {dict(sorted(statuses.items()))}  p50 {percentile(seconds, 0.5) * 1000:.0f} ms"
        f"  p99 {percentile(seconds, 0.99) * 1000:.0f} ms  /healthz {health.status} "
        f"{health.body.decode(errors='replace')}"
    )
    return ok


def scenario_redis(args: argparse.Namespace) -> bool:
    require_postgres()
    run = uuid.uuid4().hex[:8]
    port = args.redis_port
    redis_url = f"redis://127.0.0.1:{port}/0"
    env, tmp = configure(run, {"REDIS_URL": redis_url}, code_dir=args.code_dir)
    redis = start_redis(port, tmp)
    django_setup()
    from clinic import roles
    from clinic.models import Patient

    token = make_user(run, roles.RECEPTION)
    web_port = free_port()
    web = start_web(env, web_port, args.web_workers, args.code_dir, tmp)
    base = f"http://127.0.0.1:{web_port}"
    print(
        f"run {run}: {args.requests} reads + {args.requests} writes per phase, {args.threads} clients"
    )
    results = {}
    try:
        results["up"] = api_round(base, token, run, "up", args.requests, args.threads)
        ok = report_round("up", results["up"], call(base, None, "GET", "/healthz"))
        stop(redis)
        down_at = time.monotonic()
        results["down"] = api_round(base, token, run, "down", args.requests, args.threads)
        login = call(
            base,
            None,
            "POST",
            "/api/v1/auth/token/",
            {"username": f"fault-reception-{run}", "password": PASSWORD},
            kind="token",
        )
        results["down"].append(login)
        ok = report_round("down", results["down"], call(base, None, "GET", "/healthz")) and ok
        print(
            f"         token while down: {login.status}; Redis down for {time.monotonic() - down_at:.1f}s"
        )
        redis = start_redis(port, tmp)
        time.sleep(6)  # the throttles leave a failed Redis alone for 5 s
        results["back"] = api_round(base, token, run, "back", args.requests, args.threads)
        ok = report_round("back", results["back"], call(base, None, "GET", "/healthz")) and ok
    finally:
        stop(web)
        stop(redis)
    written = Patient.objects.filter(family_name__startswith=f"Fault-{run}-").count()
    created = sum(
        1 for answers in results.values() for a in answers if a.kind == "write" and a.status == 201
    )
    print(f"  patients written {written}, answered 201: {created}")
    print(f"  logs {tmp}")
    return ok and written == created


# --- PostgreSQL ---------------------------------------------------------------------------------


def cluster_port(version: str, name: str) -> int:
    output = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout
    for line in output.splitlines():
        fields = line.split()
        if fields[:2] == [version, name]:
            return int(fields[2])
    sys.exit(f"No PostgreSQL cluster {version}/{name} (pg_lsclusters); see README.md here.")


def scenario_postgres(args: argparse.Namespace) -> bool:
    url = require_postgres()
    version, _, name = args.cluster.partition("/")
    port = cluster_port(version, name)
    if name == "main" or (urlparse(url).port or 5432) != port:
        sys.exit(
            f"DATABASE_URL must point at the cluster {args.cluster} (port {port}), never at a "
            "shared one: this scenario restarts it."
        )
    run = uuid.uuid4().hex[:8]
    env, tmp = configure(run, {}, code_dir=args.code_dir)
    django_setup()
    from clinic import roles
    from clinic.models import AuditEvent, Case, Patient
    from triage.models import Intake

    token = make_user(run, roles.RECEPTION)
    web_port = free_port()
    web = start_web(env, web_port, args.web_workers, args.code_dir, tmp)
    base = f"http://127.0.0.1:{web_port}"
    answers: list[Answer] = []
    lock = threading.Lock()
    counter = iter(range(10**9))
    stop_at = time.monotonic() + args.duration
    restart: dict[str, float] = {}

    def client():
        while time.monotonic() < stop_at:
            with lock:
                i = next(counter)
            if i % 2:
                got = call(base, token, "GET", "/api/v1/cases/?page_size=20", kind="read")
            else:
                marker = f"Fault-{run}-{i}"
                body = {"new_patient": new_patient(marker), "questionnaire": TWISTED_ANKLE}
                got = call(
                    base, token, "POST", "/api/v1/intakes/", body, kind="write", marker=marker
                )
            with lock:
                answers.append(got)

    def restarter():
        time.sleep(args.restart_after)
        if args.checkpoint:
            # As an operator does before a planned restart: the shutdown checkpoint then has
            # little left to write, and the restart takes a fraction of a second.
            subprocess.run(["psql", url, "-qAtc", "CHECKPOINT"], check=True, capture_output=True)
        restart["at"] = time.monotonic()
        subprocess.run(["pg_ctlcluster", version, name, "restart", "-m", "fast"], check=True)
        restart["done"] = time.monotonic()

    def prober():
        # How long PostgreSQL itself refused connections: the floor under any 503 window.
        import psycopg

        while time.monotonic() < stop_at:
            at = time.monotonic()
            try:
                psycopg.connect(url, connect_timeout=1).close()
            except psycopg.OperationalError:
                restart.setdefault("refused_from", at)
                restart["refused_to"] = time.monotonic()
            time.sleep(0.02)

    print(
        f"run {run}: {args.threads} clients for {args.duration}s (intakes and case lists), "
        f"{args.cluster} restarted after {args.restart_after}s; {args.web_workers} gunicorn workers"
    )
    pool = [threading.Thread(target=client) for _ in range(args.threads)]
    pool.append(threading.Thread(target=restarter))
    pool.append(threading.Thread(target=prober))
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    stop(web)

    from django.db import connection

    connection.close()  # ours died with the restart
    statuses = Counter((a.kind, a.status) for a in answers)
    unavailable = sorted((a for a in answers if a.status == 503), key=lambda a: a.at)
    bad = [a for a in answers if not (200 <= a.status < 300 or a.status == 503)]
    not_json = [
        a
        for a in unavailable
        if not a.content_type.startswith("application/json") or a.retry_after is None
    ]
    window = (
        max(a.at + a.seconds for a in unavailable) - min(a.at for a in unavailable)
        if unavailable
        else 0.0
    )
    # Half-written: a patient without its case, a case without its intake.
    patients = Patient.objects.filter(family_name__startswith=f"Fault-{run}-")
    half = patients.exclude(cases__intake__isnull=False).count()
    intakes = Intake.objects.filter(case__patient__in=patients).count()
    cases = Case.objects.filter(patient__in=patients).count()
    markers = set(patients.values_list("family_name", flat=True))
    created = {a.marker for a in answers if a.kind == "write" and a.status == 201}
    turned_away = {a.marker for a in answers if a.kind == "write" and a.status != 201}
    ghosts = turned_away & markers  # committed, but the client was told it failed
    # Every write is audited; the audit INSERT runs after the request's transaction commits.
    audited = set(
        AuditEvent.objects.filter(patient_id__in=patients.values("id"), action="create")
        .values_list("patient_id", flat=True)
        .distinct()
    )
    unaudited = patients.exclude(id__in=audited).count()
    print()
    print(f"requests               {len(answers)}: {dict(sorted(statuses.items()))}")
    print(
        f"restart                {restart['done'] - restart['at']:.2f}s (pg_ctlcluster restart -m fast"
        + (", after a CHECKPOINT)" if args.checkpoint else ")")
    )
    refusing = restart.get("refused_to", 0.0) - restart.get("refused_from", 0.0)
    print(
        f"PostgreSQL refused     new connections for {refusing:.2f}s (probed every 20 ms), "
        f"{restart.get('refused_from', restart['at']) - restart['at']:+.2f}s to "
        f"{restart.get('refused_to', restart['at']) - restart['at']:+.2f}s after the restart began"
    )
    if unavailable:
        print(
            f"503s answered          to requests sent from {unavailable[0].at - restart['at']:+.2f}s, "
            f"the last at {max(a.at + a.seconds for a in unavailable) - restart['at']:+.2f}s"
        )
    print(
        f"503 answers            {len(unavailable)} over {window:.2f}s, not JSON or no Retry-After: {len(not_json)}"
    )
    failures = sorted((a for a in answers if not 200 <= a.status < 300), key=lambda a: a.at)
    spread = (
        max(a.at + a.seconds for a in failures) - min(a.at for a in failures) if failures else 0.0
    )
    print(f"other failures         {len(bad)} {dict(Counter(a.status for a in bad))}")
    print(f"every non-2xx          {len(failures)} over {spread:.2f}s")
    if bad:
        print(f"  first: {bad[0].status} {bad[0].content_type} {bad[0].body[:120]!r}")
    print(f"intakes written        {len(markers)} patients, {cases} cases, {intakes} intakes")
    print(f"half-written           {half}")
    print(f"201 but missing        {len(created - markers)}")
    print(f"refused but written    {len(ghosts)} (committed, then the database went away)")
    print(f"written, not audited   {unaudited}")
    print(f"logs                   {tmp}")
    return not bad and not not_json and window < 1.0 and not half and not (created - markers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--code-dir",
        type=Path,
        default=ROOT,
        help="the Talus checkout the workers and the web server run (default: this one)",
    )
    sub = parser.add_subparsers(dest="scenario", required=True)
    smtp = sub.add_parser("smtp", help="SMTP down during a dispatch of reminders")
    smtp.add_argument("--count", type=int, default=500)
    smtp.add_argument("--outage", type=float, default=600, help="seconds the server is down")
    smtp.add_argument("--down-after", type=int, default=100, help="messages out before the outage")
    smtp.add_argument(
        "--scale",
        type=float,
        default=1,
        help="divide every time (outage, dispatcher period, retry waits, give-up) by this",
    )
    smtp.add_argument("--workers", type=int, default=2)
    smtp.add_argument("--concurrency", type=int, default=2)
    smtp.add_argument("--timeout", type=float, default=3 * 3600)
    smtp.add_argument("--keep", action="store_true", help="leave the rows in the database")
    redis = sub.add_parser("redis", help="Redis down under API reads and writes")
    redis.add_argument("--redis-port", type=int, default=6391)
    redis.add_argument("--requests", type=int, default=200, help="reads and writes per phase")
    redis.add_argument("--threads", type=int, default=4)
    redis.add_argument("--web-workers", type=int, default=2)
    postgres = sub.add_parser("postgres", help="PostgreSQL restarted under load")
    postgres.add_argument("--cluster", default="15/faults", help="version/name (pg_lsclusters)")
    postgres.add_argument("--duration", type=float, default=12)
    postgres.add_argument("--restart-after", type=float, default=4)
    postgres.add_argument("--threads", type=int, default=8)
    postgres.add_argument("--web-workers", type=int, default=3)
    postgres.add_argument(
        "--no-checkpoint",
        dest="checkpoint",
        action="store_false",
        help="restart without the CHECKPOINT an operator runs first (the restart then waits "
        "for the shutdown checkpoint's writes)",
    )
    args = parser.parse_args()
    args.code_dir = args.code_dir.resolve()
    scenario = {"smtp": scenario_smtp, "redis": scenario_redis, "postgres": scenario_postgres}
    ok = scenario[args.scenario](args)
    print("\nOK" if ok else "\nFAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
