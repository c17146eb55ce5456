"""CPU and SQL statements per message of the outbox's send path, in-process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/talus_perf_<name> \\
        .venv/bin/python benchmarks/reminders/inprocess.py [--count 1000] [--rounds 5] \\
        [--batch 50] [--profile] [--bare]

What a worker child does with a ``send_reminders`` batch, without Celery's pool around it:
each round writes ``--count`` due reminders (as run.py does: consenting patients, one
``discharge_checkin`` each), claims them as the dispatcher does, then sends them in
batches of ``--batch`` through ``reminders.tasks.send_reminders`` (the task's body, called
in this thread) to the loopback counting SMTP server of the tests, which runs in its own
thread. Printed: the sending thread's CPU per message (``time.thread_time``: the SMTP
server's thread is not counted) and its PostgreSQL backend's (``/proc``: the database
runs on this machine), each the median of the rounds, the SQL statements per
message (one extra round under ``CaptureQueriesContext``), with ``--bare`` the same for
the baseline's task body (``bare.py``'s ``send_mail``, called here), and with ``--profile`` the
top functions of one more round under cProfile. Compare before/after on the same
database and machine; the rows are deleted after each round.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.inprocess import backend_cpu  # noqa: E402
from tests.reminders.smtp_counter import CountingSMTPServer  # noqa: E402


def configure(smtp_port: int) -> None:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a PostgreSQL database (a throwaway one).")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "DJANGO_DEBUG": "off",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            # As run.py: production settings refuse fake delivery; no text message is sent.
            "SMS_BACKEND": "reminders.sms.TwilioBackend",
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_AUTH_TOKEN": "benchmark",
            "TWILIO_FROM": "Talus",
            "TWILIO_API_URL": "http://127.0.0.1:9",
            "REMINDER_QUIET_HOURS": "",
            "LOG_LEVEL": "WARNING",
        }
    )


def claimed_rows(count: int, run: str) -> list[int]:
    """``count`` due reminders written and claimed as the dispatcher claims them."""
    from django.db import transaction

    from benchmarks.reminders.run import create_rows
    from reminders.services import dispatch

    create_rows(count, run)
    ids: list[int] = []
    while len(ids) < count:
        with transaction.atomic():
            claimed = dispatch.reminders_claim_due(batch_size=dispatch.CLAIM_BATCH_SIZE)
        if not claimed:
            break
        ids += claimed
    return ids


def send_all(ids: list[int], batch: int) -> None:
    from reminders.tasks import send_reminders

    for start in range(0, len(ids), batch):
        outcomes = send_reminders(ids[start : start + batch])
        if set(outcomes.values()) != {"sent"}:
            sys.exit(f"not every message was sent: {sorted(set(outcomes.values()))}")


def one_round(args, smtp, *, capture: bool = False, profile: cProfile.Profile | None = None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benchmarks.reminders.run import delete_rows

    run = uuid.uuid4().hex[:8]
    ids = claimed_rows(args.count, run)
    before = smtp.total
    try:
        if capture:
            with CaptureQueriesContext(connection) as queries:
                send_all(ids, args.batch)
            return len(queries) / len(ids)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        if profile is not None:
            profile.enable()
        started, db = time.thread_time(), backend_cpu(pid)
        send_all(ids, args.batch)
        spent, db = time.thread_time() - started, backend_cpu(pid) - db
        if profile is not None:
            profile.disable()
        if smtp.total - before != len(ids):
            sys.exit(f"the server received {smtp.total - before} of {len(ids)} messages")
        return spent * 1000 / len(ids), db * 1000 / len(ids)
    finally:
        delete_rows(run)


def bare_round(args, smtp) -> float:
    """The baseline's body (``bare.py``: ``send_mail``, a connection per message) for
    ``--count`` messages, the same mail: the sending thread's CPU per message, in ms."""
    from benchmarks.reminders.bare import bare_send_mail
    from benchmarks.reminders.run import the_mail

    run = uuid.uuid4().hex[:8]
    subject, body = the_mail(run)
    before = smtp.total
    started = time.thread_time()
    for i in range(args.count):
        bare_send_mail(f"bare-{run}-{i}@example.org", subject, body)
    spent = time.thread_time() - started
    if smtp.total - before != args.count:
        sys.exit(f"the server received {smtp.total - before} of {args.count} messages")
    return spent * 1000 / args.count


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="messages per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=50, help="messages per send task")
    parser.add_argument("--profile", action="store_true", help="cProfile one more round")
    parser.add_argument(
        "--bare", action="store_true", help="also the bare baseline's send_mail, per message"
    )
    args = parser.parse_args(argv)
    with CountingSMTPServer() as smtp:
        configure(smtp.port)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        one_round(args, smtp)  # warm-up: imports, templates, connections
        rounds = [one_round(args, smtp) for _ in range(args.rounds)]
        py, db = [r[0] for r in rounds], [r[1] for r in rounds]
        statements = one_round(args, smtp, capture=True)
        print(
            f"{args.count} messages x {args.rounds} rounds, batches of {args.batch}: "
            f"worker CPU {statistics.median(py):.3f} ms/message (median; rounds "
            f"{', '.join(f'{v:.3f}' for v in py)}), PostgreSQL backend CPU "
            f"{statistics.median(db):.3f} ms/message, {statements:.2f} SQL statements/message"
        )
        if args.bare:
            bare = [bare_round(args, smtp) for _ in range(args.rounds)]
            print(
                f"bare send_mail (a connection each): worker CPU "
                f"{statistics.median(bare):.3f} ms/message (median; rounds "
                f"{', '.join(f'{v:.3f}' for v in bare)}), no SQL"
            )
        if args.profile:
            # The sending thread's CPU, not the wall clock: waits on the servers do not count.
            profile = cProfile.Profile(time.thread_time)
            one_round(args, smtp, profile=profile)
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
            stats.print_stats(45)
            out.write("\n--- by own time ---\n")
            stats.sort_stats("tottime").print_stats(30)
            print(out.getvalue())


if __name__ == "__main__":
    main()
