"""The page scenarios' data and logins: what ``benchmarks/run.py`` needs to load the HTML pages.

    python benchmarks/pages.py --database-url postgres://…/talus_bench --prepare \
        --seeded-cases 120000 [--today 2026-12-01]
    python benchmarks/pages.py --database-url postgres://…/talus_bench --login

Run with the Talus server's own environment (run.py passes it: the same ``DJANGO_SECRET_KEY``,
which signs the session data and the runner's cookie). It prints one JSON line,
``PAGES_JSON {...}``: with ``--login`` the cookies of one logged-in session per role and
the runner's cookie; with ``--prepare`` the counts of the rows it added.

The seeder (benchmarks/seed.py) dates everything before its fixed ANCHOR, but the pages
show *today* (reception's intakes, the diary's day and week, "my day") and take no day
outside the clinic's calendar (a year back, two ahead): so each run, after run.py's
reset, this adds what those pages show around the run date:

- two rooms and every practitioner's weekly availability (08:00-18:00, every weekday);
- the week of the run date (Monday to Sunday) booked: each physio 8 sessions a day (on
  their own seeded cases in rehab), each doctor 12 consultations a day;
- 30 intakes recorded today (new cases of seeded patients, past the seeded ids, which
  run.py's reset deletes next time);
- one runner's private link, verified, with three questionnaires asked.

The rows of a previous run (bookings and their sessions and consultations, the links) are
deleted first, so every run loads the same amount.

Logins: a session row per user made as ``django.test.Client.force_login`` makes it (the
login itself, signals and all, without the form's password hashing). The roles the pages
need (reception, doctor, physio) do not need a second factor by default
(``TWO_FACTOR_ROLES = admin``, docs/security.md); a clinic that adds them would need a
verified session, which the test suite makes the way ``tests/conftest.py``'s
``_verified_force_login`` does: these sessions are not verified, and their pages would
redirect — which the run's probe (200 before and after each page scenario) catches.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

USERS = ("reception01", "doctor01", "physio01")
SESSIONS_PER_DAY = 8  # each physio, hourly from 08:00, 45 minutes
CONSULTATIONS_PER_DAY = 12  # each doctor, every 30 minutes from 09:00, 20 minutes
INTAKES_TODAY = 30
ROOMS = ("Bench room 1", "Bench room 2")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--seeded-cases", type=int, help="cases past this id are the run's")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--prepare", action="store_true", help="add what the pages show today")
    mode.add_argument("--login", action="store_true", help="print the sessions' cookies")
    return parser.parse_args(argv)


def clear() -> None:
    """The rows a previous run added (bookings with their appointments, links, requests)."""
    from diary.models import Availability, Booking
    from portal.models import OutcomeRequest, PortalLink
    from rehab.models import PhysioSession
    from triage.models import Consultation

    OutcomeRequest.objects.filter(link__isnull=False).delete()
    PortalLink.objects.all().delete()
    PhysioSession.objects.filter(booking__isnull=False).delete()
    Consultation.objects.all().delete()
    Booking.objects.all().delete()
    Availability.objects.all().delete()


def book_week(today: dt.date, rng: random.Random) -> dict[str, int]:
    """Every practitioner's week around today: availability, sessions and consultations."""
    from django.contrib.auth import get_user_model

    from clinic import roles
    from clinic.models import Case
    from diary.models import Availability, Booking, BookingType, Room
    from diary.rules import at_minute
    from rehab.models import PhysioSession
    from triage.models import Consultation

    users = get_user_model().objects.filter(groups__name__in=[roles.PHYSIO, roles.DOCTOR])
    rooms = [Room.objects.get_or_create(name=name)[0] for name in ROOMS]
    monday = today - dt.timedelta(days=today.weekday())
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    Availability.objects.bulk_create(
        Availability(
            practitioner=user,
            weekday=weekday,
            start_time=dt.time(8),
            end_time=dt.time(18),
            room=rooms[user.pk % len(rooms)],
        )
        for user in users
        for weekday in range(7)
    )
    sessions = consultations = 0
    open_cases = list(
        Case.objects.filter(status__in=["open", "triaged"])
        .order_by("id")
        .values_list("id", flat=True)[:2000]
    )
    for user in users.order_by("id"):
        is_physio = user.groups.filter(name=roles.PHYSIO).exists()
        if is_physio:
            own = list(
                Case.objects.filter(assigned_physio=user, status="in_rehab")
                .order_by("id")
                .values_list("id", flat=True)
            )
        for day in days:
            if is_physio:
                picked = rng.sample(own, min(SESSIONS_PER_DAY, len(own)))
                for n, case_id in enumerate(picked):
                    start = at_minute(day, 8 * 60 + 60 * n)
                    booking = Booking.objects.create(
                        booking_type=BookingType.SESSION,
                        practitioner=user,
                        starts_at=start,
                        ends_at=start + dt.timedelta(minutes=45),
                    )
                    PhysioSession.objects.create(
                        case_id=case_id,
                        physio=user,
                        scheduled_at=start,
                        duration_minutes=45,
                        booking=booking,
                    )
                    sessions += 1
            else:
                for n, case_id in enumerate(
                    rng.sample(open_cases, min(CONSULTATIONS_PER_DAY, len(open_cases)))
                ):
                    start = at_minute(day, 9 * 60 + 30 * n)
                    booking = Booking.objects.create(
                        booking_type=BookingType.CONSULTATION,
                        practitioner=user,
                        starts_at=start,
                        ends_at=start + dt.timedelta(minutes=20),
                    )
                    Consultation.objects.create(
                        case_id=case_id,
                        doctor=user,
                        scheduled_at=start,
                        duration_minutes=20,
                        booking=booking,
                    )
                    consultations += 1
    return {"sessions": sessions, "consultations": consultations}


def intakes_today(today: dt.date, seeded_cases: int, rng: random.Random) -> int:
    """Today's intakes for reception's page: copies of seeded ones on new cases."""
    from clinic.models import Case
    from diary.rules import at_minute
    from triage.models import Intake

    Intake.objects.filter(case_id__gt=seeded_cases).delete()
    Case.objects.filter(id__gt=seeded_cases).delete()
    sources = list(
        Intake.objects.select_related("case").filter(case__status="triaged").order_by("id")[:500]
    )
    picked = rng.sample(sources, min(INTAKES_TODAY, len(sources)))
    for n, intake in enumerate(picked):
        at = at_minute(today, 8 * 60 + 10 * n)
        case = intake.case
        case.pk = None
        case.opened_at = at
        case.updated_at = at
        case.save(force_insert=True)
        intake.pk = None
        intake.case = case
        intake.recorded_at = at
        intake.save(force_insert=True)
    return len(picked)


def runner_link(today: dt.date):
    """One runner with a verified private link and three questionnaires asked."""
    from django.utils import timezone

    from clinic.models import Case
    from diary.rules import at_minute
    from portal.models import OutcomeRequest, PortalLink

    case = Case.objects.filter(status="in_rehab").order_by("id").first()
    now = timezone.now()
    link = PortalLink.objects.create(
        patient_id=case.patient_id,
        case=case,
        expires_at=now + dt.timedelta(days=30),
        verified_at=now,
    )
    for n, instrument in enumerate(("nprs", "lefs", "cait")):
        OutcomeRequest.objects.create(
            case=case,
            instrument=instrument,
            side="left" if instrument == "cait" else "",
            due_at=at_minute(today, 9 * 60) - dt.timedelta(days=n),
            status="sent",
            link=link,
            sent_at=now,
            expires_at=now + dt.timedelta(days=14),
        )
    return link


def logins() -> dict[str, str]:
    """A session cookie per user, as the login makes it."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    cookies = {}
    for username in USERS:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        cookies[username] = f"{settings.SESSION_COOKIE_NAME}=" + (
            client.cookies[settings.SESSION_COOKIE_NAME].value
        )
    return cookies


def runner_cookie(link) -> str:
    from django.core import signing

    from portal.runner import COOKIE, COOKIE_SALT

    # What HttpResponse.set_signed_cookie writes (portal.runner.runner_session_start).
    return f"{COOKIE}=" + signing.get_cookie_signer(salt=COOKIE + COOKIE_SALT).sign(str(link.pk))


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    if args.prepare:
        today = args.today or timezone.localdate()
        rng = random.Random(today.toordinal())
        with transaction.atomic():
            clear()
            counts = book_week(today, rng)
            counts["intakes_today"] = intakes_today(today, args.seeded_cases, rng)
            runner_link(today)
        out = {"today": today.isoformat(), "counts": counts}
    else:
        from portal.models import PortalLink

        link = PortalLink.objects.order_by("-id").first()
        out = {"cookies": logins(), "runner": runner_cookie(link)}
    print("PAGES_JSON " + json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
