"""Patients' rights: export, restriction of processing, and anonymisation after retention.

Medical records are never hard-deleted here. Within the retention period
(``MEDICAL_RECORD_RETENTION_YEARS``, counted from the end of the last case) a patient may
have processing *restricted*: the record disappears from every non-admin role's lists,
searches and pages, and stays whole for audit and legal retention. Once the period has
passed, the identity may be *anonymised*: names, contacts and the date of birth (the year is
kept) are replaced in the record and in its change history, while the clinical content stays,
unlinked from the person. See docs/privacy.md.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from clinic.models import ENDED_STATUSES, AuditEvent, Case, Channel, Patient

ANONYMOUS_GIVEN_NAME = "Anonymised"
ANONYMOUS_FAMILY_NAME = "Patient"


# Apps that keep their own copy of a patient's identity (the address a message was queued
# for, say) register what anonymising does to it: ``fn(patient)``, run inside the
# anonymisation's transaction, after the patient's own record and history are scrubbed.
Anonymiser = Callable[[Patient], None]
_ANONYMISERS: list[Anonymiser] = []


def register_anonymiser(fn: Anonymiser) -> Anonymiser:
    """Add ``fn`` to what ``patient_anonymise`` runs (once, however often it is registered)."""
    if fn not in _ANONYMISERS:
        _ANONYMISERS.append(fn)
    return fn


class RetentionNotOver(Exception):
    """The patient's medical record is still within its legal retention period."""

    def __init__(self, message: str, *, ends_on: datetime.date | None):
        super().__init__(message)
        self.ends_on = ends_on


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def retention_ends_on(patient: Patient) -> datetime.date | None:
    """The day the record's retention ends, or None while a case is still open."""
    cases = Case.objects.filter(patient=patient)
    if cases.exclude(status__in=ENDED_STATUSES).exists():
        return None
    # A case ends at its discharge; a closed one may carry no discharge time, and then its
    # last change is when it ended. A patient without any case: their registration.
    ends = [
        discharged_at or updated_at
        for discharged_at, updated_at in cases.values_list("discharged_at", "updated_at")
    ]
    candidates = ends or [patient.created_at]
    last = timezone.localdate(max(candidates))
    return _add_years(last, settings.MEDICAL_RECORD_RETENTION_YEARS)


@transaction.atomic
def patient_restrict(*, patient: Patient) -> Patient:
    """Restrict processing: hide the patient from every role but admin (data kept whole)."""
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if not patient.restricted:
        patient.restricted = True
        patient.restricted_at = timezone.now()
        patient.save(update_fields=["restricted", "restricted_at", "updated_at"])
    return patient


@transaction.atomic
def patient_lift_restriction(*, patient: Patient) -> Patient:
    """Lift a restriction of processing: the patient is visible to the care team again."""
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if patient.restricted:
        patient.restricted = False
        patient.restricted_at = None
        patient.save(update_fields=["restricted", "restricted_at", "updated_at"])
    return patient


IDENTITY_FIELDS = ("given_name", "family_name", "date_of_birth", "email", "phone")


def _anonymous_identity(patient: Patient) -> dict[str, Any]:
    return {
        "given_name": ANONYMOUS_GIVEN_NAME,
        "family_name": ANONYMOUS_FAMILY_NAME,
        # The year stays (age matters clinically and statistically); the day goes.
        "date_of_birth": datetime.date(patient.date_of_birth.year, 1, 1),
        "email": "",
        "phone": "",
        "preferred_channel": Channel.NONE,
        "reminder_consent": False,
    }


@transaction.atomic
def patient_anonymise(*, patient: Patient, today: datetime.date | None = None) -> Patient:
    """Replace the patient's identity once retention has passed; the clinical record stays.

    Refused (RetentionNotOver) while a case is open or the retention period is running.
    """
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if patient.anonymised_at is not None:
        return patient
    ends_on = retention_ends_on(patient)
    today = today or timezone.localdate()
    if ends_on is None:
        raise RetentionNotOver(
            "This patient has a case that is still open: the record is in use and cannot be "
            "anonymised.",
            ends_on=None,
        )
    if today < ends_on:
        raise RetentionNotOver(
            f"The medical record must be kept until {ends_on:%d %B %Y} "
            f"({settings.MEDICAL_RECORD_RETENTION_YEARS} years after the last case ended). "
            "Restrict processing instead.",
            ends_on=ends_on,
        )
    identity = _anonymous_identity(patient)
    for name, value in identity.items():
        setattr(patient, name, value)
    patient.reminder_consent_at = timezone.now()
    patient.anonymised_at = timezone.now()
    patient.save()
    # The change history holds every earlier version of the identity: scrub it too, so that
    # the record is unlinked from the person everywhere (a deliberate bulk update).
    patient.history.update(
        **{name: identity[name] for name in IDENTITY_FIELDS},
        search_name=patient.search_name,  # the normalised name (clinic.names) goes too
        preferred_channel=Channel.NONE,
    )
    for anonymise in _ANONYMISERS:
        anonymise(patient)
    return patient


# --- Export ------------------------------------------------------------------------------


def _fields(obj: models.Model) -> dict[str, Any]:
    """A record's own columns (foreign keys as ids), ready for a JSON renderer."""
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def _tree(obj: models.Model, *, skip: set[type[models.Model]], depth: int) -> dict[str, Any]:
    """A record with the records that point at it, ``depth`` levels down, skipping ``skip``."""
    data = _fields(obj)
    if depth == 0:
        return data
    for relation in obj._meta.related_objects:
        model = relation.related_model
        if model in skip or model is AuditEvent:
            continue
        name = relation.get_accessor_name()
        if relation.one_to_one:
            child = getattr(obj, name, None)  # a missing one-to-one is an AttributeError
            data[name] = None if child is None else _tree(child, skip=skip, depth=depth - 1)
        else:
            data[name] = [
                _tree(child, skip=skip, depth=depth - 1)
                for child in getattr(obj, name).order_by("pk")
            ]
    return data


def patient_export(*, patient: Patient) -> dict[str, Any]:
    """Everything on record for a patient: demographics, and each case with all its records.

    Built from the models' relations, so a record type an app adds later is exported without
    a change here. The access report (who looked) is separate.
    """
    # A record reachable from the case directly (an imaging referral) is listed there once,
    # not again under the record that also points at it (its examination).
    case_level = {relation.related_model for relation in Case._meta.related_objects}
    skip = case_level | {Case, Patient}
    cases = []
    for case in Case.objects.filter(patient=patient).order_by("pk"):
        entry = _fields(case)
        for relation in Case._meta.related_objects:
            if relation.related_model is AuditEvent:
                continue
            name = relation.get_accessor_name()
            if relation.one_to_one:
                child = getattr(case, name, None)
                entry[name] = None if child is None else _tree(child, skip=skip, depth=1)
            else:
                entry[name] = [
                    _tree(child, skip=skip, depth=1) for child in getattr(case, name).order_by("pk")
                ]
        cases.append(entry)
    return {
        "format": "talus.patient-export/1",
        "exported_at": timezone.now(),
        "patient": _fields(patient),
        "cases": cases,
    }


def patient_access_report(*, patient: Patient):
    """Who read or changed the patient's record, and when (the audit trail, newest first)."""
    return AuditEvent.objects.filter(patient=patient).select_related("actor").order_by("-at", "-id")
