"""In-process cost of the case list and an intake, to judge a fast path against the noise.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/talus_fastpaths \
        python benchmarks/fastpaths.py [--rounds 7] [--requests 200]

It migrates the database named by ``DATABASE_URL`` (a throw-away one: it is created when
missing and filled with 60 cases the first time), logs a doctor and a receptionist in
through Django's test client (no network, no server: what is timed is Talus's own Python
and PostgreSQL work), then times ``--rounds`` rounds of ``--requests`` requests of each
scenario and prints, per scenario, the median round's milliseconds per request and the
spread (min to max) across rounds. A change is worth keeping only when its gain is clearly
outside that spread: ``docs/benchmarks.md`` ("Fast paths") records the figures.
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
    for username, role in (("fast-doctor", "doctor"), ("fast-reception", "reception")):
        user, _ = get_user_model().objects.get_or_create(username=username)
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
    return users


def timed(client, method: str, path: str, requests: int, **kwargs) -> float:
    """Milliseconds per request over ``requests`` requests; any non-2xx stops the run."""
    call = getattr(client, method)
    started = time.perf_counter()
    for _ in range(requests):
        response = call(path, **kwargs)
        if response.status_code >= 300:
            raise SystemExit(f"{method.upper()} {path}: {response.status_code}")
    return (time.perf_counter() - started) * 1000 / requests


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200)
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
    }
    for fn in scenarios.values():  # warm-up: imports, caches, connection
        fn(20)
    print(f"{'scenario':<24} {'median ms':>10} {'min':>7} {'max':>7}  ({args.rounds} rounds)")
    for name, fn in scenarios.items():
        rounds = [fn(args.requests) for _ in range(args.rounds)]
        print(
            f"{name:<24} {statistics.median(rounds):>10.2f} {min(rounds):>7.2f} {max(rounds):>7.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
