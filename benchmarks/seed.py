"""Load a realistic clinic into PostgreSQL for the load test: 100k patients in about a minute.

    python benchmarks/seed.py [--database-url postgres://postgres@127.0.0.1:5432/talus_bench] \
        --seed 42 [--scale 1.0] [--reseed]

Each scale has its own database unless ``--database-url`` (or ``BENCH_DATABASE_URL``) names
one: ``talus_bench`` at scale 1, ``talus_bench_x10`` at scale 10 (1,000,000 patients),
``talus_bench_x0_1`` at 0.1 (``default_database_url``), so a 1M load never overwrites the
100k one.

The database is dropped, re-created and migrated, then every table is filled with
``COPY … FROM STDIN`` (psycopg 3), its foreign keys, unique constraints and secondary
indexes dropped for the load and built again afterwards in one pass each (``bulk_load``): 100,000 patients, 120,000 cases with one intake
each, 600,000 physiotherapy sessions and 300,000 outcome measures at ``--scale 1``,
plus 31 staff users (5 doctors, 20 physios, 5 receptionists, 1 admin) with API tokens.

Reproducible: one seed gives the same rows (all randomness comes from one
``random.Random(seed)`` and every date is relative to a fixed ANCHOR, never "now").
Rows respect the models' constraints: MRNs come from ``clinic.services.mrn_for``,
intakes are triaged by ``triage.rules`` and outcome measures scored by
``rehab.instruments.scoring``, exactly as the services do. A marker table
(``bench_seed_info``) records seed and scale, so a second run with the same ones
does nothing unless ``--reseed``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import secrets
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Dates are spread over the three years before this instant (not "now": reproducible).
ANCHOR = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
SPAN_DAYS = 3 * 365
BASE = {"patients": 100_000, "cases": 120_000, "sessions": 600_000, "outcomes": 300_000}
STAFF = {"doctor": 5, "physio": 20, "reception": 5}
PASSWORD = "bench-password-not-secret"  # noqa: S105 — loopback-only benchmark users
MARKER = "bench_seed_info"

# (value, weight) — the mix a clinic's case list shows.
STATUS_MIX = [
    ("open", 4),
    ("triaged", 12),
    ("diagnosed", 10),
    ("in_rehab", 24),
    ("discharged", 42),
    ("closed", 8),
]
WITH_PHYSIO = {"diagnosed", "in_rehab", "discharged", "closed"}
ACTIVE = {"open", "triaged", "diagnosed", "in_rehab"}
# A case is worked for weeks, not years: one opened longer ago than this that the mix made
# active has ended, except the few a clinic never closes (the patient did not come back).
ACTIVE_FOR_DAYS = 120
STALE_ACTIVE_PER_MILLE = 10
INSTRUMENT_MIX = [("nprs", 5), ("lefs", 3), ("cait", 2)]
INTERVENTIONS = [
    "massage",
    "mobilization",
    "strengthening",
    "proprioception",
    "running_technique",
    "footwear_advice",
    "taping",
    "education",
]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="default: talus_bench at scale 1, talus_bench_x10 at scale 10 (default_database_url)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100k patients")
    parser.add_argument("--reseed", action="store_true", help="drop and load even if seeded")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    args.database_url = args.database_url or default_database_url(args.scale)
    return args


SERVER = "postgres://postgres@127.0.0.1:5432"


def database_name(scale: float) -> str:
    """``talus_bench`` at scale 1 (100k patients); ``talus_bench_x10`` at 10, ``_x0_1`` at 0.1."""
    if scale == 1:
        return "talus_bench"
    text = f"{scale:g}" if scale == int(scale) else repr(scale)
    return "talus_bench_x" + text.replace(".", "_")


def default_database_url(scale: float) -> str:
    return f"{SERVER}/{database_name(scale)}"


def sizes(scale: float) -> dict[str, int]:
    return {name: max(1, round(count * scale)) for name, count in BASE.items()}


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
    # A loader, not a server: production's refusal of pretend delivery (clinic.settings) is
    # not its concern, and `make bench` on a fresh shell has no DJANGO_DEBUG.
    os.environ.setdefault("DJANGO_DEBUG", "on")
    import django

    django.setup()


def _admin_dsn(database_url: str) -> tuple[str, str]:
    """The maintenance database's DSN and the target database's name."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(database_url.replace("postgres://", "postgresql://", 1))
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


def seeded_marker(database_url: str) -> dict | None:
    """The marker row of a previous load, or None (no database, no marker)."""
    import psycopg

    dsn = database_url.replace("postgres://", "postgresql://", 1)
    try:
        with psycopg.connect(dsn, connect_timeout=5) as conn:
            row = conn.execute(
                f"SELECT seed, scale FROM {MARKER} ORDER BY seeded_at DESC LIMIT 1"
            ).fetchone()
            # A load from before the API tokens moved to knox has none: load again.
            if not conn.execute("SELECT EXISTS (SELECT 1 FROM knox_authtoken)").fetchone()[0]:
                return None
    except psycopg.Error:
        return None
    return {"seed": row[0], "scale": float(row[1])} if row else None


def recreate_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_dsn(database_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def weighted(rng: random.Random, mix: list[tuple[str, int]]):
    values, weights = zip(*mix, strict=True)
    cumulative = []
    total = 0
    for weight in weights:
        total += weight
        cumulative.append(total)
    return lambda: rng.choices(values, cum_weights=cumulative)[0]


def copy_rows(cursor, table: str, columns: tuple[str, ...], rows, total: int, label: str) -> None:
    """COPY rows into a table with a progress bar."""
    from tqdm import tqdm

    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with cursor.copy(statement) as copy, tqdm(total=total, desc=label, unit=" rows") as bar:
        for n, row in enumerate(rows, 1):
            copy.write_row(row)
            if n % 5000 == 0:
                bar.update(5000)
        bar.update(total - bar.n)


# Constraints the load drops and adds back (foreign keys, unique); primary keys and checks stay.
DROPPED_CONSTRAINTS = ("f", "u")


def deferred_schema(cursor, tables: tuple[str, ...]) -> tuple[list, list, list]:
    """The tables' foreign keys, unique constraints and other indexes, as SQL to recreate them.

    Returns (foreign keys, unique constraints, indexes), each a list of (name, table, SQL).
    """
    cursor.execute(
        "SELECT con.conname, rel.relname, con.contype, pg_get_constraintdef(con.oid) "
        "FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid "
        "WHERE rel.relname = ANY(%s) AND con.contype = ANY(%s) "
        "ORDER BY rel.relname, con.conname",
        [list(tables), list(DROPPED_CONSTRAINTS)],
    )
    foreign, unique = [], []
    for name, table, kind, definition in cursor.fetchall():
        target = foreign if kind == "f" else unique
        target.append((name, table, f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'))
    cursor.execute(
        "SELECT i.indexname, i.tablename, i.indexdef FROM pg_indexes i "
        "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "  WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))"
        "::regclass) "
        # Partial indexes stay during the load: PostgreSQL writes a rebuilt predicate back in
        # another (equivalent) spelling, and they index few rows anyway.
        "AND i.indexdef NOT LIKE '%% WHERE %%' ORDER BY i.tablename, i.indexname",
        [list(tables)],
    )
    indexes = [(name, table, definition) for name, table, definition in cursor.fetchall()]
    return foreign, unique, indexes


@contextlib.contextmanager
def bulk_load(cursor, tables: tuple[str, ...]):
    """Drop the tables' foreign keys, unique constraints and indexes; build them after the load.

    COPY into an indexed table updates every index row by row and queues one deferred
    foreign-key check per row (Django's are DEFERRABLE INITIALLY DEFERRED); one sort per
    index and one validating join per foreign key afterwards is several times faster at
    1,000,000 patients. The same definitions come back (``pg_get_constraintdef``,
    ``pg_indexes``), so the schema after the load is the migrated one.
    """
    from tqdm import tqdm

    foreign, unique, indexes = deferred_schema(cursor, tables)
    for name, table, _sql in foreign + unique:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _table, _sql in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    cursor.execute("SET maintenance_work_mem = '512MB'")
    rebuilt = indexes + unique + foreign
    with tqdm(total=len(rebuilt), desc="indexes and constraints", unit=" built") as bar:
        for name, _table, statement in rebuilt:
            bar.set_postfix_str(name[:40])
            cursor.execute(statement)
            bar.update(1)
    cursor.execute("RESET maintenance_work_mem")


def create_staff(seed: int) -> dict[str, list[int]]:
    """A few users per role (same password, deterministic API tokens: ``api_token``)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from knox.crypto import hash_token
    from knox.models import AuthToken
    from knox.settings import CONSTANTS

    from clinic import roles

    user_model = get_user_model()
    password = make_password(PASSWORD)
    ids: dict[str, list[int]] = {}
    for role, count in STAFF.items():
        group = Group.objects.get(name=role)
        for n in range(1, count + 1):
            user = user_model.objects.create(
                username=f"{role}{n:02d}",
                first_name=role.title(),
                last_name=f"{n:02d}",
                password=password,
            )
            user.groups.add(group)
            ids.setdefault(role, []).append(user.pk)
    admin = user_model.objects.create(
        username="admin", password=password, is_staff=True, is_superuser=True
    )
    admin.groups.add(Group.objects.get(name=roles.ADMIN))
    # knox's rows for tokens we chose (its manager's create draws random ones): the digest,
    # the lookup prefix, and no expiry, so that a run next month still signs in.
    tokens = []
    for user in user_model.objects.all():
        token = api_token(seed, user.username)
        tokens.append(
            AuthToken(
                digest=hash_token(token),
                token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH],
                user=user,
                expiry=None,
            )
        )
    AuthToken.objects.bulk_create(tokens)
    return ids


def api_token(seed: int, username: str) -> str:
    """The seeded API token of a user: 64 hex characters, as knox's own."""
    return hashlib.sha256(f"{seed}:{username}".encode()).hexdigest()


def name_pools():
    """First and last names (Faker's en_US lists, in a fixed order)."""
    from faker.providers.person.en_US import Provider

    first = sorted(set(Provider.first_names_female) | set(Provider.first_names_male))
    return first, sorted(Provider.last_names)


def patient_rows(rng: random.Random, count: int):
    from clinic.names import name_key
    from clinic.services import mrn_for

    first_names, last_names = name_pools()
    for pk in range(1, count + 1):
        given = rng.choice(first_names)
        family = rng.choice(last_names)
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 58))
        channel = rng.choices(("email", "sms", "none"), weights=(6, 3, 1))[0]
        consent = channel != "none" and rng.random() < 0.9
        created = ANCHOR - timedelta(days=rng.randrange(SPAN_DAYS), seconds=rng.randrange(86400))
        yield (
            pk,
            mrn_for(pk),
            given,
            family,
            name_key(f"{given} {family}"),
            born,
            rng.choice(("female", "female", "male", "male", "other", "unknown")),
            f"{given}.{family}.{pk}@example.org".lower(),
            f"+4470{pk:08d}" if channel == "sms" or rng.random() < 0.5 else "",
            channel,
            consent,
            created if consent else None,
            False,  # restricted: no seeded patient has asked to restrict processing
            created,
            created,
        )


PATIENT_COLUMNS = (
    "id",
    "mrn",
    "given_name",
    "family_name",
    "search_name",
    "date_of_birth",
    "sex",
    "email",
    "phone",
    "preferred_channel",
    "reminder_consent",
    "reminder_consent_at",
    "restricted",
    "created_at",
    "updated_at",
)
BORN = PATIENT_COLUMNS.index("date_of_birth")  # the column triage reads to know the age


def questionnaire(rng: random.Random) -> dict:
    """A plausible set of answers: 40 % trauma, the rest overuse."""
    trauma = rng.random() < 0.4
    severe = trauma and rng.random() < 0.35
    return {
        "onset": "trauma" if trauma else "gradual",
        "mechanism": rng.choice(("fall", "twist", "twist", "change_of_direction", "other"))
        if trauma
        else "",
        "swelling": rng.choice(("moderate", "severe")) if severe else rng.choice(("none", "mild")),
        "hematoma": severe and rng.random() < 0.5,
        "mobility": "difficult" if severe else "normal",
        "weight_bearing": rng.choice(("difficult", "impossible")) if severe else "normal",
        "pain_location": rng.choice(("lateral", "lateral", "medial", "posterior", "anterior")),
        "side": rng.choice(("left", "right", "left", "right", "both")),
        "pain_at_rest": rng.randrange(0, 8),
        "pain_after_running": rng.randrange(2, 11),
        "pain_duration_days": rng.randrange(0, 4) if trauma else rng.randrange(7, 180),
        "still_running": not trauma and rng.random() < 0.6,
        "weekly_distance_km": Decimal(rng.randrange(50, 1000)) / 10,
        "recent_training_change": rng.random() < 0.3,
        "recent_shoe_change": rng.random() < 0.2,
        "known_flat_feet": rng.random() < 0.1,
        "previous_sprains": rng.choice((0, 0, 0, 1, 1, 2, 3)),
        "calf_pain_or_swelling": False,
        "fever_or_hot_red_joint": False,
        "numbness_or_cold_foot": False,
        "night_pain": False,
        "focal_bone_pain": False,
    }


def aged(rng: random.Random, status: str, opened: datetime) -> str:
    """The status a case drawn `status` has at the anchor, given when it was opened.

    Without it half of three years' cases would still be active: 2,000 on one physio's
    caseload, which no clinic has (docs/benchmarks.md, "Data").
    """
    if status not in ACTIVE or ANCHOR - opened <= timedelta(days=ACTIVE_FOR_DAYS):
        return status
    if rng.randrange(1000) < STALE_ACTIVE_PER_MILLE:
        return status
    return "closed" if rng.randrange(100) < 16 else "discharged"


def case_and_intake_rows(rng: random.Random, n_cases: int, patients: list, staff: dict):
    """(case rows, intake rows, cases with a physio) — an intake per case, triaged by the rules."""
    from clinic.models import URGENCY_RANK
    from triage import rules

    status_of = weighted(rng, STATUS_MIX)
    physios = staff["physio"]
    receptions = staff["reception"]
    cases, intakes, treated = [], [], []
    from tqdm import tqdm

    for pk in tqdm(range(1, n_cases + 1), desc="triage", unit=" cases", miniters=5000):
        # Patients 1..P get a case each, then some come back for a second episode.
        patient_id, born = patients[pk - 1] if pk <= len(patients) else rng.choice(patients)
        opened = ANCHOR - timedelta(days=rng.randrange(SPAN_DAYS), seconds=rng.randrange(86400))
        status = aged(rng, status_of(), opened)
        answers = questionnaire(rng)
        age = rules.age_in_years(born, opened.date())
        result = rules.triage(
            rules.questionnaire_from_dict(
                {**answers, "mechanism": answers["mechanism"] or None}, age=age
            )
        )
        physio = rng.choice(physios) if status in WITH_PHYSIO else None
        discharged = None
        if status in ("discharged", "closed"):
            discharged = min(ANCHOR, opened + timedelta(days=rng.randrange(14, 150)))
        updated = discharged or opened
        cases.append(
            (
                pk,
                patient_id,
                answers["side"],
                status,
                result.urgency,
                URGENCY_RANK[result.urgency],
                physio,
                opened,
                discharged,
                "",
                "",
                updated,
                False,  # has_open_alert, as a new case has: filled after the load (backfill)
            )
        )
        intakes.append(
            (
                pk,
                pk,
                rng.choice(receptions),
                opened,
                *(answers[name] for name in rules.QUESTIONNAIRE_FIELDS),
                str(result.pathway),
                str(result.urgency),
                result.stop_running,
                json.dumps(list(result.suspected_conditions)),
                json.dumps(list(result.rationale)),
                json.dumps(list(result.red_flags)),
                result.patient_advice,
            )
        )
        if physio is not None:
            treated.append((pk, physio, opened, discharged))
    return cases, intakes, treated


CASE_COLUMNS = (
    "id",
    "patient_id",
    "side",
    "status",
    "urgency",
    "urgency_rank",
    "assigned_physio_id",
    "opened_at",
    "discharged_at",
    "referrer_name",
    "referrer_email",
    "updated_at",
    "has_open_alert",
)


def intake_columns() -> tuple[str, ...]:
    from triage import rules

    return (
        "id",
        "case_id",
        "recorded_by_id",
        "recorded_at",
        *rules.QUESTIONNAIRE_FIELDS,
        "pathway",
        "urgency",
        "stop_running",
        "suspected_conditions",
        "rationale",
        "red_flags",
        "patient_advice",
    )


def session_rows(rng: random.Random, count: int, treated: list):
    for pk in range(1, count + 1):
        case_id, physio, opened, _discharged = rng.choice(treated)
        scheduled = opened + timedelta(days=rng.randrange(3, 120), hours=rng.randrange(8, 18))
        scheduled = scheduled.replace(minute=0, second=0)
        if scheduled > ANCHOR:
            status = "scheduled"
        else:
            status = rng.choices(("attended", "no_show", "cancelled"), weights=(85, 7, 8))[0]
        attended = status == "attended"
        yield (
            pk,
            case_id,
            physio,
            scheduled,
            rng.choice((30, 45, 45, 60)),
            status,
            json.dumps(rng.sample(INTERVENTIONS, rng.randrange(1, 4)) if attended else []),
            rng.randrange(2, 8) if attended else None,
            rng.randrange(0, 6) if attended else None,
            "Progressing; tolerated loading." if attended else "",
            rng.randrange(25, 45) if attended else None,
            "",
            scheduled + timedelta(hours=1) if attended else None,
            physio if attended else None,
            physio,
            scheduled - timedelta(days=7),
            scheduled + timedelta(hours=1) if attended else scheduled - timedelta(days=7),
        )


SESSION_COLUMNS = (
    "id",
    "case_id",
    "physio_id",
    "scheduled_at",
    "duration_minutes",
    "status",
    "interventions",
    "pain_before",
    "pain_after",
    "notes",
    "dorsiflexion_deg",
    "home_exercises",
    "logged_at",
    "logged_by_id",
    "created_by_id",
    "created_at",
    "updated_at",
)


def _answers(rng: random.Random, instrument: str) -> list:
    if instrument == "nprs":
        return [rng.randrange(0, 11)]
    if instrument == "lefs":
        return [rng.randrange(0, 5) for _ in range(20)]
    maxima = (5, 4, 3, 3, 2, 3, 4, 3, 3)  # CAIT
    return [rng.randrange(0, top + 1) for top in maxima]


def outcome_rows(rng: random.Random, count: int, treated: list):
    """Scored by rehab.instruments.scoring; mcid_reached against the first measure, as the service does."""
    from rehab.instruments import scoring

    instrument_of = weighted(rng, INSTRUMENT_MIX)
    drafts = []
    for _ in range(count):
        case_id, physio, opened, _discharged = rng.choice(treated)
        recorded = opened + timedelta(days=rng.randrange(1, 150), seconds=rng.randrange(86400))
        instrument = instrument_of()
        drafts.append((case_id, instrument, recorded, physio, _answers(rng, instrument)))
    drafts.sort(key=lambda d: (d[0], d[1], d[2]))
    first: dict[tuple[int, str], Decimal] = {}
    for pk, (case_id, instrument, recorded, physio, answers) in enumerate(drafts, 1):
        result = scoring.score(instrument, answers)
        value = Decimal(str(result.score))
        baseline = first.get((case_id, instrument))
        if baseline is None:
            first[(case_id, instrument)] = value
        yield (
            pk,
            case_id,
            instrument,
            json.dumps(answers),
            value,
            result.score_max,
            result.interpretation,
            scoring.mcid_reached(instrument, baseline, value),
            physio,
            recorded,
            "left" if instrument == "cait" else "",  # CAIT is asked about one ankle
            "clinic",
        )


OUTCOME_COLUMNS = (
    "id",
    "case_id",
    "instrument",
    "answers",
    "score",
    "score_max",
    "interpretation",
    "mcid_reached",
    "recorded_by_id",
    "recorded_at",
    "side",
    "source",
)

SEQUENCED_TABLES = (
    "clinic_patient",
    "clinic_case",
    "triage_intake",
    "rehab_physiosession",
    "rehab_outcomemeasure",
)


def load(seed: int, scale: float) -> dict[str, int]:
    """Fill the (migrated, empty) database; returns the row counts."""
    from django.db import connection

    rng = random.Random(seed)
    counts = sizes(scale)
    # Dropped before any row is written (ALTER TABLE refuses a table with queued FK checks).
    with connection.cursor() as cursor, bulk_load(cursor, SEQUENCED_TABLES):
        staff = create_staff(seed)
        raw = cursor.cursor  # psycopg 3's cursor: COPY support
        patients = []

        def patients_kept():
            for row in patient_rows(rng, counts["patients"]):
                patients.append((row[0], row[BORN]))
                yield row

        copy_rows(
            raw, "clinic_patient", PATIENT_COLUMNS, patients_kept(), counts["patients"], "patients"
        )
        cases, intakes, treated = case_and_intake_rows(rng, counts["cases"], patients, staff)
        copy_rows(raw, "clinic_case", CASE_COLUMNS, cases, len(cases), "cases")
        copy_rows(raw, "triage_intake", intake_columns(), intakes, len(intakes), "intakes")
        copy_rows(
            raw,
            "rehab_physiosession",
            SESSION_COLUMNS,
            session_rows(rng, counts["sessions"], treated),
            counts["sessions"],
            "sessions",
        )
        copy_rows(
            raw,
            "rehab_outcomemeasure",
            OUTCOME_COLUMNS,
            outcome_rows(rng, counts["outcomes"], treated),
            counts["outcomes"],
            "outcomes",
        )
        # COPY wrote explicit ids: move each sequence past them, or the next INSERT collides.
        for table in SEQUENCED_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        cursor.execute(
            f"CREATE TABLE {MARKER} (seed integer, scale numeric, seeded_at timestamptz)"
        )
        cursor.execute(f"INSERT INTO {MARKER} VALUES (%s, %s, now())", [seed, scale])
    counts["intakes"] = len(intakes)
    return counts


def main(argv=None) -> int:
    args = parse_args(argv)
    marker = seeded_marker(args.database_url)
    if not args.reseed and marker == {"seed": args.seed, "scale": args.scale}:
        print(f"Already seeded (seed {args.seed}, scale {args.scale}): nothing to do.")
        return 0
    started = time.monotonic()
    recreate_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0, interactive=False)
    with transaction.atomic():
        counts = load(args.seed, args.scale)
    import psycopg

    dsn = args.database_url.replace("postgres://", "postgresql://", 1)
    # Statistics first: without them the planner takes `status = 'discharged'` for 0.5 % of
    # the cases (it is 80 %), and the aggregates' recurrence subquery, planned as a bitmap
    # AND over that status per case, ran for many minutes instead of seconds.
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("ANALYZE")
    # COPY wrote the cases without the caseload's order kept on them (rehab.caseload_order):
    # filled as the migration that added it fills existing rows, after the statistics.
    from django.utils import timezone

    from clinic.models import Case
    from rehab.caseload_order import backfill
    from rehab.models import Alert, PhysioSession

    backfill(
        Case.objects.all(),
        sessions=PhysioSession.objects.all(),
        alerts=Alert.objects.all(),
        now=timezone.now(),
    )
    # COPY bypasses the models' signals: the reports' aggregates are built from the records
    # once, by SQL, as `manage.py refresh_reports --all` does (docs/reports.md).
    call_command("refresh_reports", "--all", verbosity=0)
    connection.close()
    # Fresh statistics and a visibility map, as a database that has lived for a while has.
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    took = time.monotonic() - started
    print(f"Seeded {counts} with seed {args.seed} in {took:.0f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
