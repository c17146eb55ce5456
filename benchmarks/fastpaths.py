"""In-process cost of the case list and an intake, to judge a fast path against the noise.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/talus_fastpaths \
        python benchmarks/fastpaths.py [--rounds 7] [--requests 200]

It migrates the database named by ``DATABASE_URL`` (a throw-away one: it is created when
missing and filled with 60 cases the first time), logs a doctor and a receptionist in
through Django's test client (no network, no server: what is timed is Talus's own Python
and PostgreSQL work), then times ``--rounds`` rounds of ``--requests`` requests of each
scenario and prints, per scenario, the median round's milliseconds per request and the
spread (min to max) across rounds, on the wall clock and in CPU (this process's and its
PostgreSQL backend's, which a shared machine disturbs far less). A change is worth keeping
only when its gain is clearly outside that spread: ``docs/benchmarks.md`` ("Fast paths",
"Levers") records the figures. ``--only`` picks scenarios by name.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
os.environ.setdefault("DJANGO_DEBUG", "on")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/talus_fastpaths")
# One connection for the whole run, so that its backend's CPU can be read (timed).
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "86400")

from benchmarks.run import TWISTED_ANKLE  # noqa: E402


def ensure_database(url: str) -> None:
    """Create the throw-away database when missing (PostgreSQL only)."""
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup():
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from clinic import services
    from clinic.models import Case

    users = {}
    for username, role in (
        ("fast-doctor", "doctor"),
        ("fast-reception", "reception"),
        ("fast-physio", "physio"),
    ):
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": "Fast", "last_name": role.title()}
        )
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        users[role] = user
    if Case.objects.count() < 60:
        for n in range(60):
            patient = services.patient_create(
                given_name=f"Given{n}",
                family_name=f"Family{n}",
                date_of_birth=datetime.date(1980, 1, 1),
                sex="female",
                email=f"p{n}@example.org",
                preferred_channel="email",
                reminder_consent=True,
                allow_duplicate=True,
            )
            services.case_create(patient=patient, side="left")
    users["timeline_case"] = timeline_case(users)
    return users


def timeline_case(users):
    """A case with a full story (intake, exams, diagnoses, imaging, plan, sessions, outcomes),
    made once: the timeline scenario reads it."""
    from clinic.models import Case
    from tests.factories import (
        examination_for,
        intake_for,
        outcome_for,
        plan_for,
        referral_for,
        session_for,
    )
    from triage.models import Condition
    from triage.services.diagnoses import diagnosis_create

    case = Case.objects.order_by("id").first()
    if case.assigned_physio_id is None:
        case.assigned_physio = users["physio"]
        case.save(update_fields=["assigned_physio"])
        doctor, physio = users["doctor"], users["physio"]
        intake_for(case, users["reception"])
        sprain = Condition.objects.get(code="ankle_sprain")
        for status in ("reviewed", "cancelled"):
            exam = examination_for(
                case, doctor, malleolar_zone_pain=True, lateral_malleolus_tenderness=True
            )
            referral_for(case, doctor, examination=exam, status=status)
            diagnosis_create(case=case, condition=sprain, laterality="left", diagnosed_by=doctor)
        plan_for(case, physio)
        for days in range(1, 9):
            session_for(case, physio, days_ago=days)
        for pain in (7, 5, 4, 2):
            outcome_for(case, physio, pain=pain)
    return case


def backend_cpu() -> float:
    """Seconds of CPU the PostgreSQL backend serving this process has used (Linux /proc;
    the database is on this machine), 0 where that cannot be read."""
    from django.db import connection

    connection.ensure_connection()
    try:
        fields = Path(f"/proc/{connection.connection.info.backend_pid}/stat").read_text()
    except (OSError, AttributeError):
        return 0.0
    utime, stime = fields.rsplit(")", 1)[1].split()[11:13]
    return (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")


def timed(client, method: str, path: str, requests: int, **kwargs) -> tuple[float, float]:
    """Milliseconds per request over ``requests`` requests, wall clock and CPU (this process's
    and its PostgreSQL backend's); any non-2xx stops the run.

    On a machine shared with other work the wall clock mostly measures the wait for a core;
    the CPU a request costs is what a change can save, and it moves far less."""
    call = getattr(client, method)
    started, cpu, db_cpu = time.perf_counter(), time.process_time(), backend_cpu()
    for _ in range(requests):
        response = call(path, **kwargs)
        if response.status_code >= 300:
            raise SystemExit(f"{method.upper()} {path}: {response.status_code}")
    wall = time.perf_counter() - started
    used = time.process_time() - cpu + backend_cpu() - db_cpu
    return wall * 1000 / requests, used * 1000 / requests


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--only", help="comma-separated scenario names (default: all)")
    args = parser.parse_args(argv)
    ensure_database(os.environ["DATABASE_URL"])
    users = setup()

    import json

    from django.test import Client

    from clinic.models import Patient

    doctor, reception = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    doctor.force_login(users["doctor"])
    reception.force_login(users["reception"])
    patient = Patient.objects.order_by("id").first()
    body = json.dumps({"patient": patient.pk, "questionnaire": TWISTED_ANKLE})
    scenarios = {
        "cases list (50 rows)": lambda n: timed(doctor, "get", "/api/v1/cases/?page_size=50", n),
        "intake POST": lambda n: timed(
            reception, "post", "/api/v1/intakes/", n, data=body, content_type="application/json"
        ),
        "case timeline": lambda n: timed(
            doctor, "get", f"/api/v1/cases/{users['timeline_case'].pk}/timeline/", n
        ),
        "search (name)": lambda n: timed(doctor, "get", "/api/v1/patients/?search=family1", n),
        "search (MRN)": lambda n: timed(
            doctor, "get", f"/api/v1/patients/?search={patient.mrn}", n
        ),
    }
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        scenarios = {name: fn for name, fn in scenarios.items() if name in wanted}
    for fn in scenarios.values():  # warm-up: imports, caches, connection
        fn(20)
    print(
        f"{'scenario':<24} {'wall ms':>9} {'min':>7} {'max':>7}   {'CPU ms':>8} {'min':>7}"
        f" {'max':>7}  (median of {args.rounds} rounds)"
    )
    for name, fn in scenarios.items():
        rounds = [fn(args.requests) for _ in range(args.rounds)]
        wall, cpu = [r[0] for r in rounds], [r[1] for r in rounds]
        print(
            f"{name:<24} {statistics.median(wall):>9.2f} {min(wall):>7.2f} {max(wall):>7.2f}"
            f"   {statistics.median(cpu):>8.2f} {min(cpu):>7.2f} {max(cpu):>7.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
