"""manage.py seed_demo: one account per role, a few triaged demo cases, safe to run twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from clinic.models import Case, Patient
from triage.models import Intake


def test_it_seeds_staff_and_triaged_cases_once(db, settings):
    settings.DEBUG = True
    first, second = StringIO(), StringIO()

    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)

    users = get_user_model().objects.filter(username__in=["reception", "doctor", "physio", "admin"])
    assert {u.groups.get().name for u in users} == {"reception", "doctor", "physio", "admin"}
    assert first.getvalue().count("password:") == 4
    assert "password:" not in second.getvalue()
    assert Patient.objects.count() == Case.objects.count() == Intake.objects.count() == 5
    assert set(Case.objects.values_list("status", flat=True)) == {"triaged"}


def test_it_refuses_to_seed_known_accounts_without_debug(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not get_user_model().objects.exists()
