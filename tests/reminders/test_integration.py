"""End to end on Redis: a real worker process sends reminders to a real SMTP server, once each.

Runs only with REDIS_URL and a PostgreSQL DATABASE_URL: the worker is another process,
so it must reach the same (committed) test database and a real broker.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from reminders import tasks
from reminders.models import Reminder, ReminderStatus
from reminders.services import events
from tests.factories import CaseFactory, PatientFactory, UserFactory
from tests.reminders.smtp_counter import CountingSMTPServer

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs REDIS_URL: a real worker on a real Redis broker",
    ),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a PostgreSQL DATABASE_URL: the worker process must share the test database",
    ),
]


def _database_url() -> str:
    """The URL of the test database (test_<name>) this process is using."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def smtp():
    with CountingSMTPServer() as server:
        yield server


@pytest.fixture
def worker(tmp_path, smtp):
    """A prefork worker (2 processes) on a private queue, mailing through the SMTP server."""
    queue = f"test-reminders-{uuid.uuid4().hex[:8]}"
    # The worker's own send_reminder.delay() must land on the private queue too.
    (tmp_path / "reminder_it_settings.py").write_text(
        f"from clinic.settings import *  # noqa: F403\nCELERY_TASK_DEFAULT_QUEUE = {queue!r}\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "reminder_it_settings",
        "DJANGO_DEBUG": "off",
        "DJANGO_SECRET_KEY": os.environ["DJANGO_SECRET_KEY"],
        "DATABASE_URL": _database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "REMINDER_QUIET_HOURS": "",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
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
            "2",
            "--queues",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield queue
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def _wait_until_settled(timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Reminder.objects.filter(status=ReminderStatus.PENDING).exists():
            return
        time.sleep(0.25)
    pending = list(Reminder.objects.filter(status="pending").values("id", "claimed_at"))
    pytest.fail(f"Reminders still pending after {timeout}s: {pending}")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_mails_each_consenting_recipient_exactly_once(worker, smtp, tmp_path):
    due = timezone.now() - timedelta(minutes=1)
    consenting = [
        PatientFactory(email=f"runner{i}@example.org", reminder_consent=True) for i in range(6)
    ]
    refused = PatientFactory(email="no.consent@example.org", reminder_consent=False)
    silent = PatientFactory(email="silent@example.org", preferred_channel="none")
    for patient in [*consenting, refused, silent]:
        events.reminders_for_no_show(
            case=CaseFactory(patient=patient), session_id=patient.pk, scheduled_at=due
        )
    doctor = UserFactory(username="dr-it", email="dr.it@clinic.example")
    events.reminders_for_referral_performed(
        case=CaseFactory(patient=refused),
        referral_id=1,
        performed_at=timezone.now() - timedelta(days=8),
        requesting_doctor=doctor,
    )
    Reminder.objects.update(due_at=due)

    # Two dispatcher runs at once, in the worker: SKIP LOCKED splits the rows between them.
    for _ in range(2):
        tasks.dispatch_due_reminders.apply_async(queue=worker)
    _wait_until_settled()
    time.sleep(1)  # room for a duplicate to arrive, if there were one

    worker_log = (tmp_path / "worker.log").read_text()
    expected = {p.email for p in consenting} | {"dr.it@clinic.example"}
    assert dict(smtp.by_recipient) == dict.fromkeys(expected, 1), worker_log
    assert smtp.by_recipient["no.consent@example.org"] == 0
    assert smtp.by_recipient["silent@example.org"] == 0
    statuses = dict(
        Reminder.objects.values_list("case__patient__email", "status").exclude(
            kind="imaging_overdue"
        )
    )
    assert statuses == {
        **dict.fromkeys((p.email for p in consenting), "sent"),
        "no.consent@example.org": "skipped",
        "silent@example.org": "skipped",
    }
    assert Reminder.objects.get(kind="imaging_overdue").status == "sent"
    # Nothing left for a later run.
    assert Reminder.objects.filter(sent_at__isnull=True, status="sent").count() == 0
