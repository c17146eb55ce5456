"""``manage.py seed_demo``: demo staff (one per role) and a few demo patients. Idempotent.

The apps add their records for each new demo patient through ``clinic.demo`` (an intake, a
case, …): the core names none of them.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clinic import demo, roles, selectors, services

STAFF = [
    # username, first name, last name, role
    ("reception", "Rita", "Desk", roles.RECEPTION),
    ("doctor", "Daniel", "Okafor", roles.DOCTOR),
    ("physio", "Paula", "Jensen", roles.PHYSIO),
    ("admin", "Ada", "Admin", roles.ADMIN),
]

PATIENTS = [
    # given, family, born, sex, channel, consent
    ("Emma", "Martin", date(1991, 3, 14), "female", "email", True),
    ("Lucas", "Bernard", date(1978, 11, 2), "male", "sms", True),
    ("Chloé", "Dubois", date(2009, 6, 30), "female", "none", False),
    ("Noah", "Thomas", date(1969, 1, 21), "male", "email", False),
    ("Léa", "Petit", date(1985, 8, 9), "female", "email", True),
]


class Command(BaseCommand):
    help = "Create demo staff (one per role) and demo patients. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the demo staff new passwords and print them.",
        )

    @transaction.atomic
    def handle(self, *args, reset_passwords: bool = False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates known accounts: it runs only with DJANGO_DEBUG on."
            )
        roles.sync_roles()
        printed = []
        User = get_user_model()
        for username, first, last, role in STAFF:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@talus.invalid",
                },
            )
            user.groups.set([Group.objects.get(name=role)])
            if role == roles.ADMIN:
                user.is_staff = user.is_superuser = True
            if created or reset_passwords:
                password = secrets.token_urlsafe(9)
                user.set_password(password)
                printed.append((username, role, password))
            user.save()

        staff = {role: User.objects.get(username=username) for username, _, _, role in STAFF}
        for index, (given, family, born, sex, channel, consent) in enumerate(PATIENTS):
            if selectors.patient_find_duplicate(
                given_name=given, family_name=family, date_of_birth=born
            ):
                continue
            patient = services.patient_create(
                given_name=given,
                family_name=family,
                date_of_birth=born,
                sex=sex,
                email=f"{given.lower()}.{family.lower()}@example.invalid".encode(
                    "ascii", "ignore"
                ).decode(),
                phone="+33600000000" if channel == "sms" else "",
                preferred_channel=channel,
                reminder_consent=consent,
            )
            for step in demo.steps():
                step(patient=patient, index=index, staff=staff)

        if printed:
            self.stdout.write(
                self.style.WARNING("Demo staff (shown once; --reset-passwords for new ones):")
            )
            for username, role, password in printed:
                self.stdout.write(f"  {role:<10} username: {username:<10} password: {password}")
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
