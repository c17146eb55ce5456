"""Reminder throughput and exactly-once under load, beside a bare Celery baseline in the same run.

    DATABASE_URL=postgres://…/talus_perfscale REDIS_URL=redis://…/5 \\
        .venv/bin/python benchmarks/reminders/run.py [--count 10000] [--kill]

One loopback SMTP server that counts the messages each recipient receives, and
``--workers`` Celery worker processes on a private queue, serve two phases in turn:

* **talus**: ``--count`` due reminders for as many consenting patients (one recipient
  each) in the PostgreSQL database, drained through the outbox: the dispatcher once a
  second claims them and queues ``send_reminders`` batches until none is pending;
* **bare**: the same mail (the same subject and body, to ``--count`` other addresses)
  queued as one bare Celery task per message (``bare.py``: no row, no claim, no lease).

Each phase reports messages per second (and up to 99 %: a kill's last rows wait for the
lease), duplicates and lost messages; then the ratio Talus / bare. ``--kill`` SIGKILLs
worker 0 (its whole process group) once a third of each phase's messages are out, and
starts it again. Exits 1 if Talus lost or duplicated a message. See README.md here.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.reminders.counting import Tally, first_share_at, rate, ratio, tally  # noqa: E402
from tests.reminders.smtp_counter import CountingSMTPServer  # noqa: E402

PHASES = ("talus", "bare")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="messages per phase")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--concurrency", type=int, default=2, help="prefork children per worker (as the Procfile)"
    )
    parser.add_argument("--kill", action="store_true", help="SIGKILL one worker mid-phase")
    parser.add_argument(
        "--lease", type=int, default=60, help="REMINDER_LEASE_SECONDS for the run (60-300)"
    )
    parser.add_argument(
        "--max-in-flight",
        type=int,
        default=1000,
        help="dispatch only while fewer rows than this are claimed and unsent "
        "(keeps the queue shorter than the lease, as beat's one run a minute does)",
    )
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help="comma-separated, in order: talus, bare (default both, Talus first)",
    )
    parser.add_argument(
        "--stall",
        type=int,
        default=20,
        help="the bare phase ends this many seconds after its last delivery when some "
        "never come (a killed worker's tasks wait for the broker's hour-long visibility timeout)",
    )
    parser.add_argument("--timeout", type=int, default=1800, help="give up after this many s")
    parser.add_argument("--keep", action="store_true", help="leave the rows in the database")
    args = parser.parse_args(argv)
    args.phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    unknown = set(args.phases) - set(PHASES)
    if unknown or not args.phases:
        parser.error(f"--phases takes {', '.join(PHASES)}; not {', '.join(sorted(unknown))}")
    return args


def configure(args: argparse.Namespace, smtp_port: int, queue: str, settings_dir: Path) -> dict:
    """Environment shared by this process and the workers."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a PostgreSQL database (a throwaway one).")
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL must name a Redis database for the broker.")
    (settings_dir / "reminder_bench_settings.py").write_text(
        "from clinic.settings import *  # noqa: F403\n"
        f"CELERY_TASK_DEFAULT_QUEUE = {queue!r}\n"
        # The baseline's task (bare.py), registered in the same workers.
        'CELERY_IMPORTS = ["benchmarks.reminders.bare"]\n'
    )
    env = {
        "PYTHONPATH": os.pathsep.join([str(settings_dir), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "reminder_bench_settings",
        "DJANGO_DEBUG": "off",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        # Production settings refuse fake delivery; these runs send no text message.
        "SMS_BACKEND": "reminders.sms.TwilioBackend",
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "benchmark",
        "TWILIO_FROM": "Talus",
        "TWILIO_API_URL": "http://127.0.0.1:9",
        "REMINDER_QUIET_HOURS": "",
        "REMINDER_LEASE_SECONDS": str(args.lease),
        # One dispatcher run claims at most what may be in flight (see --max-in-flight).
        "REMINDER_DISPATCH_MAX": str(args.max_in_flight),
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    sys.path.insert(0, str(settings_dir))
    return {**os.environ, **env}


class Workers:
    """``--workers`` Celery worker processes, each in its own process group."""

    def __init__(self, args: argparse.Namespace, queue: str, env: dict, logs: Path):
        self.args, self.queue, self.env, self.logs = args, queue, env, logs
        self.queues = [queue]  # a worker started again takes every queue the others take
        self.processes = [self._start(i) for i in range(args.workers)]

    def add_queue(self, queue: str) -> None:
        """Every running worker starts consuming ``queue`` now (Celery's remote control)."""
        from clinic.celery import app

        self.queues.append(queue)
        replies = app.control.add_consumer(queue, reply=True, timeout=10)
        if len(replies) < len(self.processes):
            print(f"  only {len(replies)} of {len(self.processes)} workers took {queue}")

    def _start(self, index: int) -> subprocess.Popen:
        log = (self.logs / f"worker{index}.log").open("a")
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
                str(self.args.concurrency),
                "--queues",
                ",".join(self.queues),
                "--hostname",
                f"bench{index}-{self.queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill takes the children too
        )

    def kill_and_restart(self, index: int = 0) -> None:
        victim = self.processes[index]
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()
        self.processes[index] = self._start(index)

    def stop(self) -> None:
        for worker in self.processes:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in self.processes:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)


@dataclass
class Phase:
    name: str
    count: int
    tally: Tally
    elapsed: float  # start to the last delivery
    at_99: float | None  # start to the delivery that made 99 %
    killed_at: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return rate(self.tally.messages, self.elapsed)

    @property
    def rate_99(self) -> float | None:
        return rate(round(self.count * 0.99), self.at_99)


def create_rows(count: int, run: str) -> list[str]:
    """``count`` consenting patients, one case and one due reminder each; answers the emails."""
    from datetime import timedelta

    from django.utils import timezone

    from clinic.models import Case, Patient
    from reminders.models import Reminder

    now = timezone.now()
    emails = [f"bench-{run}-{i}@example.org" for i in range(count)]
    patients = Patient.objects.bulk_create(
        [
            Patient(
                given_name="Runner",
                family_name=f"Bench-{run}",
                date_of_birth="1990-01-01",
                email=email,
                preferred_channel="email",
                reminder_consent=True,
            )
            for email in emails
        ],
        batch_size=1000,
    )
    cases = Case.objects.bulk_create([Case(patient=p) for p in patients], batch_size=1000)
    Reminder.objects.bulk_create(
        [
            Reminder(
                case=case,
                kind="discharge_checkin",
                channel="email",
                recipient=email,
                due_at=now - timedelta(minutes=1),
                event_at=now - timedelta(days=14),
                subject_type="case",
                subject_id=case.pk,
                idempotency_key=f"bench:{run}:{case.pk}",
            )
            for case, email in zip(cases, emails, strict=True)
        ],
        batch_size=1000,
    )
    return emails


def delete_rows(run: str) -> None:
    from clinic.models import Case, Patient
    from reminders.models import Reminder

    Reminder.objects.filter(idempotency_key__startswith=f"bench:{run}:").delete()
    Case.objects.filter(patient__family_name=f"Bench-{run}").delete()
    Patient.objects.filter(family_name=f"Bench-{run}").delete()


def the_mail(run: str) -> tuple[str, str]:
    """The subject and body Talus sends for a discharge check-in (the baseline sends the same)."""
    from reminders import messages
    from reminders.models import Reminder

    emails = create_rows(1, f"{run}m")
    reminder = Reminder.objects.get(recipient=emails[0])
    rendered = messages.render(reminder, channel="email")
    delete_rows(f"{run}m")
    return rendered.subject, rendered.body


def talus_phase(args, smtp, workers: Workers, run: str) -> Phase:
    from django.db.models import Count

    from reminders.models import Reminder
    from reminders.tasks import dispatch_due_reminders

    print(f"talus: writing {args.count} due reminders …", flush=True)
    emails = create_rows(args.count, run)
    wanted = set(emails)
    mine = Reminder.objects.filter(idempotency_key__startswith=f"bench:{run}:")
    killed_at = None
    started = time.monotonic()
    last_dispatch = last_report = 0.0
    while True:
        now = time.monotonic()
        if now - last_dispatch >= 1:  # once a second, as beat would once a minute
            in_flight = mine.filter(status="pending", claimed_at__isnull=False).count()
            if in_flight < args.max_in_flight:
                dispatch_due_reminders()
            last_dispatch = now
        pending = mine.filter(status="pending").count()
        if not pending:
            break
        if now - started > args.timeout:
            sys.exit(f"gave up after {args.timeout}s with {pending} pending")
        out = len(smtp.arrivals(wanted, started))
        if args.kill and killed_at is None and out >= args.count // 3:
            workers.kill_and_restart(0)
            killed_at = now - started
            print(f"  SIGKILLed worker 0 at {killed_at:.1f}s; restarting it", flush=True)
        if now - last_report >= 5:
            print(f"  {now - started:6.1f}s  sent {out:6d}  pending {pending}", flush=True)
            last_report = now
        time.sleep(0.2)
    time.sleep(2)  # room for a late duplicate to arrive
    arrivals = smtp.arrivals(wanted, started)
    phase = Phase(
        "talus",
        args.count,
        tally(emails, smtp.by_recipient, smtp.distinct_by_recipient),
        arrivals[-1] if arrivals else time.monotonic() - started,
        first_share_at(arrivals, args.count),
        killed_at,
    )
    statuses = dict(mine.values_list("status").annotate(n=Count("id")))
    attempts = dict(mine.values_list("attempts").annotate(n=Count("id")))
    phase.notes += [f"row statuses {statuses}", f"attempts {dict(sorted(attempts.items()))}"]
    if not args.keep:
        delete_rows(run)
    return phase


def bare_phase(args, smtp, workers: Workers, run: str, mail: tuple[str, str]) -> Phase:
    from benchmarks.reminders.bare import bare_send_mail

    subject, body = mail
    emails = [f"bare-{run}-{i}@example.org" for i in range(args.count)]
    wanted = set(emails)
    # Queued before the clock starts, on a queue no worker takes yet: the producer's side,
    # as Talus's rows are written before its clock starts (each phase times the drain).
    queue = f"{workers.queue}-bare"
    print(f"bare: queueing {args.count} send_mail tasks …", flush=True)
    for email in emails:
        bare_send_mail.apply_async((email, subject, body), queue=queue)
    killed_at = None
    started = time.monotonic()
    workers.add_queue(queue)
    last_report = 0.0
    while True:
        now = time.monotonic()
        arrivals = smtp.arrivals(wanted, started)
        out = len(arrivals)
        if out >= args.count:
            break
        latest = arrivals[-1] if arrivals else 0.0
        if killed_at is not None and now - started - latest > args.stall:
            print(f"  nothing more for {args.stall}s after the kill: {out} in", flush=True)
            break
        if now - started > args.timeout:
            sys.exit(f"gave up after {args.timeout}s with {args.count - out} not sent")
        if args.kill and killed_at is None and out >= args.count // 3:
            workers.kill_and_restart(0)
            killed_at = now - started
            print(f"  SIGKILLed worker 0 at {killed_at:.1f}s; restarting it", flush=True)
        if now - last_report >= 5:
            print(f"  {now - started:6.1f}s  sent {out:6d}", flush=True)
            last_report = now
        time.sleep(0.2)
    time.sleep(2)
    arrivals = smtp.arrivals(wanted, started)
    return Phase(
        "bare",
        args.count,
        tally(emails, smtp.by_recipient, smtp.distinct_by_recipient),
        arrivals[-1] if arrivals else time.monotonic() - started,
        first_share_at(arrivals, args.count),
        killed_at,
        ["one task and one SMTP connection per message; acks_late as the app's settings"],
    )


def fmt(value: float | None, spec: str = ".1f") -> str:
    return "—" if value is None else format(value, spec)


def report(args, phases: list[Phase], load: str) -> str:
    lines = [
        f"reminder benchmark: {args.count} messages per phase, {args.workers} workers x "
        f"prefork {args.concurrency}, lease {args.lease}s" + (", --kill" if args.kill else ""),
        f"load before: {load}",
        "",
        "| phase | messages/s | up to 99 % | elapsed s | messages | duplicates | "
        "retransmissions | lost | killed at s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in phases:
        t = p.tally
        lines.append(
            f"| {p.name} | {fmt(p.rate)} | {fmt(p.rate_99)} | {p.elapsed:.1f} | {t.messages} | "
            f"{t.duplicates} | {t.retransmissions} | {t.lost} | {fmt(p.killed_at)} |"
        )
    by_name = {p.name: p for p in phases}
    if "talus" in by_name and "bare" in by_name:
        talus, bare = by_name["talus"], by_name["bare"]
        lines += [
            "",
            f"Talus / bare Celery: {fmt(ratio(talus.rate, bare.rate), '.2f')} overall, "
            f"{fmt(ratio(talus.rate_99, bare.rate_99), '.2f')} up to 99 %",
        ]
    for p in phases:
        lines += [f"{p.name}: {note}" for note in p.notes]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    args = parse_args(argv)
    run = uuid.uuid4().hex[:8]
    queue = f"bench-reminders-{run}"
    settings_dir = Path(tempfile.mkdtemp(prefix="talus-bench-"))
    load = Path("/proc/loadavg").read_text().split()[:3]
    with CountingSMTPServer() as smtp:
        env = configure(args, smtp.port, queue, settings_dir)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        mail = the_mail(run)
        workers = Workers(args, queue, env, settings_dir)
        time.sleep(3)  # let the workers connect before the clock starts
        phases = []
        try:
            for name in args.phases:
                if name == "talus":
                    phases.append(talus_phase(args, smtp, workers, run))
                else:
                    phases.append(bare_phase(args, smtp, workers, run, mail))
        finally:
            workers.stop()
    text = report(args, phases, " ".join(load))
    print()
    print(text)
    print(f"worker logs: {settings_dir}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / ("reminders-kill.md" if args.kill else "reminders.md")).write_text(text)
    talus = next((p for p in phases if p.name == "talus"), None)
    if talus is not None and not talus.tally.exactly_once:
        sys.exit(1)


if __name__ == "__main__":
    main()
