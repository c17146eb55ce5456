"""Reminder throughput and exactly-once under load (and under SIGKILL with --kill).

    DATABASE_URL=postgres://…/talus_bench REDIS_URL=redis://…/5 \\
        .venv/bin/python benchmarks/reminders/run.py [--count 10000] [--kill]

Writes ``--count`` due reminders for as many consenting patients (one recipient
each) into the PostgreSQL database, starts a loopback SMTP server that counts
the messages each recipient receives, starts ``--workers`` Celery worker
processes on a private queue, and runs the dispatcher once a second until no
reminder is pending. Reports messages per second, duplicates and lost messages
(both must be 0). ``--kill`` SIGKILLs one worker (its whole process group) once
a third of the messages are out, and starts it again. See README.md here.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.reminders.smtp_counter import CountingSMTPServer  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="reminders to send")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--concurrency", type=int, default=2, help="prefork children per worker (as the Procfile)"
    )
    parser.add_argument("--kill", action="store_true", help="SIGKILL one worker mid-run")
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
    parser.add_argument("--timeout", type=int, default=1800, help="give up after this many s")
    parser.add_argument("--keep", action="store_true", help="leave the rows in the database")
    return parser.parse_args()


def configure(args: argparse.Namespace, smtp_port: int, queue: str, settings_dir: Path) -> dict:
    """Environment shared by this process and the workers."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a PostgreSQL database (a throwaway one).")
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL must name a Redis database for the broker.")
    (settings_dir / "reminder_bench_settings.py").write_text(
        f"from clinic.settings import *  # noqa: F403\nCELERY_TASK_DEFAULT_QUEUE = {queue!r}\n"
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


def start_worker(index: int, args: argparse.Namespace, queue: str, env: dict, logs: Path):
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
            str(args.concurrency),
            "--queues",
            queue,
            "--hostname",
            f"bench{index}-{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: --kill takes the children too
    )


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


def main() -> None:
    args = parse_args()
    run = uuid.uuid4().hex[:8]
    queue = f"bench-reminders-{run}"
    settings_dir = Path(tempfile.mkdtemp(prefix="talus-bench-"))
    with CountingSMTPServer() as smtp:
        env = configure(args, smtp.port, queue, settings_dir)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db.models import Count

        from reminders.models import Reminder
        from reminders.tasks import dispatch_due_reminders

        call_command("migrate", verbosity=0)
        print(f"run {run}: writing {args.count} due reminders …", flush=True)
        emails = create_rows(args.count, run)
        mine = Reminder.objects.filter(idempotency_key__startswith=f"bench:{run}:")
        workers = [start_worker(i, args, queue, env, settings_dir) for i in range(args.workers)]
        time.sleep(3)  # let the workers connect before the clock starts

        killed_at = None
        at_99 = None  # when 99 % were out: the rate before a kill's lease tail
        started = time.monotonic()
        last_report = started
        try:
            while True:
                in_flight = mine.filter(status="pending", claimed_at__isnull=False).count()
                if in_flight < args.max_in_flight:
                    dispatch_due_reminders()
                pending = mine.filter(status="pending").count()
                now = time.monotonic()
                if at_99 is None and smtp.total * 100 >= args.count * 99:
                    at_99 = now - started
                if not pending:
                    break
                if now - started > args.timeout:
                    sys.exit(f"gave up after {args.timeout}s with {pending} pending")
                if args.kill and killed_at is None and smtp.total >= args.count // 3:
                    victim = workers[0]
                    os.killpg(victim.pid, signal.SIGKILL)
                    victim.wait()
                    killed_at = now - started
                    print(f"  SIGKILLed worker 0 at {killed_at:.1f}s; restarting it", flush=True)
                    workers[0] = start_worker(0, args, queue, env, settings_dir)
                if now - last_report >= 5:
                    print(f"  {now - started:6.1f}s  sent {smtp.total:6d}  pending {pending}")
                    last_report = now
                time.sleep(1)
            elapsed = time.monotonic() - started
            time.sleep(2)  # room for a late duplicate to arrive
        finally:
            for worker in workers:
                if worker.poll() is None:
                    os.killpg(worker.pid, signal.SIGTERM)
            for worker in workers:
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)

        received = smtp.by_recipient
        distinct = smtp.distinct_by_recipient
        # A duplicate is a second, different message to one patient; a retransmission is
        # the same message (same Message-ID) delivered again after a kill (docs/reminders.md).
        duplicates = sum(max(0, distinct[e] - 1) for e in emails)
        retransmissions = sum(received[e] - distinct[e] for e in emails)
        lost = sum(1 for e in emails if received[e] == 0)
        statuses = dict(mine.values_list("status").annotate(n=Count("id")))
        attempts = dict(mine.values_list("attempts").annotate(n=Count("id")))
        total = sum(received[e] for e in emails)
        print()
        print(f"reminders        {args.count}")
        print(f"workers          {args.workers} x prefork concurrency {args.concurrency}")
        print(
            f"lease            {args.lease}s"
            + (f"; worker 0 killed at {killed_at:.1f}s" if killed_at else "")
        )
        print(f"elapsed          {elapsed:.1f}s")
        print(f"messages         {total}")
        print(f"messages/s       {total / elapsed:.1f}")
        if at_99:
            print(f"first 99 %       {at_99:.1f}s ({args.count * 0.99 / at_99:.1f} messages/s)")
        print(f"duplicates       {duplicates}")
        print(f"retransmissions  {retransmissions} (same Message-ID again)")
        print(f"lost             {lost}")
        print(f"row statuses     {statuses}")
        print(f"attempts         {dict(sorted(attempts.items()))}")
        print(f"worker logs      {settings_dir}")
        if not args.keep:
            delete_rows(run)
        if duplicates or lost:
            sys.exit(1)


if __name__ == "__main__":
    main()
