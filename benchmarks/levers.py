"""Design levers measured side by side in one process (docs/benchmarks.md, "Levers").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/talus_fastpaths \
        python benchmarks/levers.py json [--rounds 6] [--requests 100]
    DATABASE_URL=… python benchmarks/levers.py audit [--rounds 6] [--requests 300]

``json``: the case list (50 rows) and a full case timeline, rendered by DRF's JSONRenderer
and by drf-orjson-renderer's ORJSONRenderer (when installed), in alternating rounds.
``audit``: the audit write of a list page of 50 records as it is (one INSERT of 50 rows into
``clinic_auditevent``, as ``clinic.audit._insert`` sends it) and as the prototype of one row
per request listing the records (arrays of object ids and patient ids, a GIN index on the
patient ids), each in its own committed transaction, in alternating rounds; the prototype's
table is created for the run and dropped after it.

Each prints, per variant, the median round's milliseconds (wall clock and CPU of this process
and its PostgreSQL backend) with the spread (min to max) across rounds, on the throw-away
database of benchmarks/fastpaths.py.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import fastpaths  # sets the environment up for Django


def report(results: dict[str, list[tuple[float, float]]], rounds: int) -> None:
    print(
        f"{'variant':<40} {'wall ms':>9} {'min':>7} {'max':>7}   {'CPU ms':>8} {'min':>7}"
        f" {'max':>7}  (median of {rounds} rounds)"
    )
    for name, measured in results.items():
        wall, cpu = [m[0] for m in measured], [m[1] for m in measured]
        print(
            f"{name:<40} {statistics.median(wall):>9.3f} {min(wall):>7.3f} {max(wall):>7.3f}"
            f"   {statistics.median(cpu):>8.3f} {min(cpu):>7.3f} {max(cpu):>7.3f}"
        )


def alternate(variants: dict, rounds: int, n: int) -> dict[str, list[tuple[float, float]]]:
    """Each round runs every variant once, in an order that rotates from round to round."""
    names = list(variants)
    results: dict[str, list] = {name: [] for name in names}
    for fn in variants.values():  # warm-up
        fn(max(5, n // 10))
    for number in range(rounds):
        order = names[number % len(names) :] + names[: number % len(names)]
        for name in order:
            results[name].append(variants[name](n))
    return results


def json_lever(args, users) -> None:
    from django.conf import settings
    from django.test import Client, override_settings

    doctor = Client(HTTP_HOST="localhost")
    doctor.force_login(users["doctor"])
    paths = {
        "cases list (50 rows)": "/api/v1/cases/?page_size=50",
        "case timeline": f"/api/v1/cases/{users['timeline_case'].pk}/timeline/",
    }
    renderers = {"DRF JSONRenderer": "rest_framework.renderers.JSONRenderer"}
    try:
        import drf_orjson_renderer  # noqa: F401

        renderers["ORJSONRenderer"] = "drf_orjson_renderer.renderers.ORJSONRenderer"
    except ImportError:
        print("drf-orjson-renderer is not installed: DRF's renderer only")

    def variant(renderer: str, path: str):
        rest = {**settings.REST_FRAMEWORK, "DEFAULT_RENDERER_CLASSES": [renderer]}

        def run(n):
            with override_settings(REST_FRAMEWORK=rest):
                return fastpaths.timed(doctor, "get", path, n)

        return run

    for label, path in paths.items():
        variants = {
            f"{label}, {name}": variant(renderer, path) for name, renderer in renderers.items()
        }
        report(alternate(variants, args.rounds, args.requests), args.rounds)


PROTOTYPE = """
CREATE TABLE IF NOT EXISTS lever_audit_request (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL,
    actor_id bigint,
    actor_role varchar(16) NOT NULL,
    action varchar(8) NOT NULL,
    object_type varchar(64) NOT NULL,
    object_ids text[] NOT NULL,
    patient_ids bigint[] NOT NULL,
    ip inet,
    request_id varchar(64) NOT NULL
);
CREATE INDEX IF NOT EXISTS lever_audit_request_at ON lever_audit_request (at);
CREATE INDEX IF NOT EXISTS lever_audit_request_patients
    ON lever_audit_request USING gin (patient_ids);
"""


def audit_lever(args, users) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from clinic import audit
    from clinic.models import Case

    cases = list(Case.objects.order_by("id").values_list("id", "patient_id")[:50])
    actor = users["doctor"].pk
    with connection.cursor() as cursor:
        cursor.execute(PROTOTYPE)

    def per_record(n):
        rows = [("view", "clinic.case", str(pk), patient) for pk, patient in cases]

        def page():
            with transaction.atomic():
                audit._insert(rows, actor_id=actor, role="doctor", ip="127.0.0.1", request_id="x")

        return _timed(page, n)

    def per_request(n):
        object_ids = [str(pk) for pk, _ in cases]
        patient_ids = [patient for _, patient in cases]

        def page():
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO lever_audit_request (at, actor_id, actor_role, action, "
                    "object_type, object_ids, patient_ids, ip, request_id) "
                    "VALUES (%s, %s, %s, %s, %s, %s::text[], %s::bigint[], %s::inet, %s)",
                    [
                        timezone.now(),
                        actor,
                        "doctor",
                        "view",
                        "clinic.case",
                        json.dumps(object_ids).replace("[", "{").replace("]", "}"),
                        "{" + ",".join(map(str, patient_ids)) + "}",
                        "127.0.0.1",
                        "x",
                    ],
                )

        return _timed(page, n)

    try:
        results = alternate(
            {
                "50 rows (one per record, today)": per_record,
                "1 row listing 50 (prototype)": per_request,
            },
            args.rounds,
            args.requests,
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS lever_audit_request")
            # The events the run wrote: a throw-away database, left as the measure found it.
            cursor.execute("ALTER TABLE clinic_auditevent DISABLE TRIGGER USER")
            cursor.execute("DELETE FROM clinic_auditevent WHERE request_id = 'x'")
            cursor.execute("ALTER TABLE clinic_auditevent ENABLE TRIGGER USER")
    report(results, args.rounds)


def _timed(fn, n: int) -> tuple[float, float]:
    started, cpu, db_cpu = time.perf_counter(), time.process_time(), fastpaths.backend_cpu()
    for _ in range(n):
        fn()
    wall = time.perf_counter() - started
    used = time.process_time() - cpu + fastpaths.backend_cpu() - db_cpu
    return wall * 1000 / n, used * 1000 / n


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lever", choices=["json", "audit"])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args(argv)
    fastpaths.ensure_database(fastpaths.os.environ["DATABASE_URL"])
    users = fastpaths.setup()
    {"json": json_lever, "audit": audit_lever}[args.lever](args, users)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
