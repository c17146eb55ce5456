"""Medical record numbers: generated, unique, never reused."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from clinic import services
from clinic.models import Patient
from tests.factories import PatientFactory


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            value -= 9 if value > 9 else 0
        total += value
    return total % 10 == 0


def test_it_gives_each_patient_a_distinct_checked_mrn(db):
    patients = [PatientFactory() for _ in range(20)]

    mrns = [p.mrn for p in patients]

    assert len(set(mrns)) == 20
    assert all(m.startswith("T") and luhn_valid(m[1:]) for m in mrns)


def test_it_computes_the_luhn_check_digit():
    # Payload 0000042: double the rightmost 2 -> 4, keep 4 -> sum 8, check digit 2.
    assert services.mrn_for(42) == "T00000422"
    assert luhn_valid("00000422")
    assert not luhn_valid("00000242")  # a transposition is caught


def test_it_never_reuses_the_mrn_of_a_removed_patient(db):
    removed = PatientFactory()
    old_mrn = removed.mrn
    Patient.objects.filter(pk=removed.pk).delete()

    newcomer = PatientFactory()

    assert newcomer.mrn != old_mrn


def test_it_enforces_mrn_uniqueness_in_the_database(db):
    first = PatientFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.create(
            given_name="A", family_name="B", date_of_birth=datetime.date(1990, 1, 1), mrn=first.mrn
        )
