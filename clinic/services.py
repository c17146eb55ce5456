"""Writes to the clinic core. Every function is atomic and keyword-only."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from clinic import bounds, errors, recurrence, roles
from clinic.models import NO_URGENCY_RANK, Case, CaseStatus, Channel, Patient
from clinic.selectors import patient_find_duplicate


class DuplicatePatient(errors.Conflict):
    """A patient with the same names and date of birth already exists (``match``)."""

    code = "duplicate_patient"

    def __init__(self, match: Patient):
        super().__init__(
            "A patient with the same names and date of birth already exists. "
            "Check it is not the same person, or send allow_duplicate: true.",
            match=match.pk,
        )
        self.match = match


def full_clean(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Run a record's own validation (its fields' validators and choices); refuse bad values
    with ``errors.Invalid`` naming each field, before anything is written."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise errors.Invalid(exc.message_dict) from exc


def mrn_for(pk: int) -> str:
    """The MRN of a patient id: 'T', seven digits and a Luhn check digit (typos are caught).

    Derived from the primary key, which neither PostgreSQL nor SQLite (AUTOINCREMENT)
    ever hands out twice, so an MRN is never reused.
    """
    digits = f"{pk:07d}"
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return f"T{digits}{(10 - total % 10) % 10}"


# The fields patient_check judges: what a form or a serializer passes it.
PATIENT_RULE_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "email",
    "phone",
    "preferred_channel",
)


# Characters a name never needs: markup, and the invisible ones that reorder or hide text on
# a screen (Unicode's bidi controls, the "Trojan Source" characters; CVE-2021-42574).
MARKUP = frozenset("<>")
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Joiners some scripts need inside a word (Persian, the Indic scripts): the only format
# characters a name keeps.
JOINERS = frozenset("\u200c\u200d")


def name_problem(value: str) -> str | None:
    """Why a name cannot be stored as typed, or None: control and format characters (tabs,
    line breaks, NUL, zero-width, direction overrides) and markup are refused."""
    for char in value:
        category = unicodedata.category(char)
        if char in MARKUP:
            return "Names cannot contain < or >."
        if char in BIDI_CONTROLS:
            return "Names cannot contain text-direction controls."
        invisible = category in ("Cf", "Co", "Cs", "Cn") and char not in JOINERS
        if category in ("Cc", "Zl", "Zp") or invisible:
            return "Names cannot contain control or invisible characters."
    return None


def phone_e164(phone: str) -> str:
    """The number in E.164 (+33612345678), read in PHONE_DEFAULT_REGION when it has no
    country code; ``Invalid`` on ``phone`` unless it is a possible, valid number
    (Google's libphonenumber, as the phonenumbers package)."""
    refused = errors.Invalid(
        {"phone": ["Enter a valid phone number, with its country code (+33 6 12 34 56 78)."]}
    )
    if any(unicodedata.category(char)[0] == "C" for char in phone) or MARKUP & set(phone):
        raise refused
    try:
        number = phonenumbers.parse(phone, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise refused from None
    if not phonenumbers.is_valid_number(number):
        raise refused
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def patient_check(
    *,
    given_name: str | None = None,
    family_name: str | None = None,
    date_of_birth: date | None = None,
    email: str | None = None,
    phone: str | None = None,
    preferred_channel: str | None = None,
) -> None:
    """The patient's rules, the same for the page, the API and admin; raise errors.Invalid.

    Both names are given, without control characters, direction overrides or markup
    (``name_problem``); a phone is a valid number (``phone_e164``, stored so); the date of
    birth is plausible (clinic.bounds), and the channel chosen for reminders has its
    contact: an email address for email, a phone for SMS.
    A value not given (None) is not judged, so a form whose field already failed, or a
    partial update merged with the record, asks only about what it has.
    """
    refused: dict[str, list[str]] = {}
    for name, value in (("given_name", given_name), ("family_name", family_name)):
        if value is not None and not value.strip():
            refused[name] = ["Enter the name."]
        elif value is not None and (problem := name_problem(value)):
            refused[name] = [problem]
    if phone:
        try:
            phone_e164(phone)
        except errors.Invalid as exc:
            refused.update(exc.errors)
    if date_of_birth is not None:
        try:
            bounds.validate_birth_date(date_of_birth)
        except ValidationError as exc:
            refused["date_of_birth"] = exc.messages
    if preferred_channel == Channel.EMAIL and not email:
        refused["email"] = ["Needed for reminders by email."]
    if preferred_channel == Channel.SMS and not phone:
        refused["phone"] = ["Needed for reminders by text message."]
    if refused:
        raise errors.Invalid(refused)


@transaction.atomic
def patient_create(
    *,
    given_name: str,
    family_name: str,
    date_of_birth: date,
    sex: str = "unknown",
    email: str = "",
    phone: str = "",
    preferred_channel: str = "none",
    reminder_consent: bool = False,
    allow_duplicate: bool = False,
) -> Patient:
    """Register a patient and give them an MRN; refuse a likely duplicate unless allowed.

    Raises errors.Invalid for a broken rule (patient_check), DuplicatePatient for a likely
    duplicate; either way nothing is written.
    """
    patient_check(
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        email=email,
        phone=phone,
        preferred_channel=preferred_channel,
    )
    if not allow_duplicate:
        match = patient_find_duplicate(
            given_name=given_name, family_name=family_name, date_of_birth=date_of_birth
        )
        if match is not None:
            raise DuplicatePatient(match)
    patient = Patient.objects.create(
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        email=email,
        phone=phone_e164(phone) if phone else "",
        preferred_channel=preferred_channel,
        reminder_consent=reminder_consent,
        reminder_consent_at=timezone.now() if reminder_consent else None,
    )
    patient.mrn = mrn_for(patient.pk)
    Patient.objects.filter(pk=patient.pk).update(mrn=patient.mrn)
    return patient


@transaction.atomic
def patient_update(*, patient: Patient, **fields) -> Patient:
    """Change a patient's demographics (checked with patient_check as they will be); a change
    of consent is timestamped."""
    patient_check(
        **{name: fields.get(name, getattr(patient, name)) for name in PATIENT_RULE_FIELDS}
    )
    if "reminder_consent" in fields and fields["reminder_consent"] != patient.reminder_consent:
        patient.reminder_consent_at = timezone.now()
    if fields.get("phone"):
        fields["phone"] = phone_e164(fields["phone"])
    for name, value in fields.items():
        setattr(patient, name, value)
    patient.save()
    return patient


def _check_physio(user) -> None:
    if user is not None and roles.role_of(user) != roles.PHYSIO:
        raise errors.Invalid(
            {"assigned_physio": ["The assigned physio must be a physiotherapist."]}
        )


def case_recurrence_of(*, patient: Patient, side: str, opened_at) -> Case | None:
    """The patient's earlier case that a new one on this side recurs (clinic.recurrence).

    Reads only: no transaction of its own (its savepoint cost every intake two round trips).
    """
    earlier = [
        recurrence.EarlierCase(id=pk, side=case_side, discharged_at=discharged_at)
        for pk, case_side, discharged_at in Case.objects.filter(
            patient=patient, discharged_at__isnull=False
        ).values_list("pk", "side", "discharged_at")
    ]
    found = recurrence.recurrence_of(side=side, opened_at=opened_at, earlier=earlier)
    return None if found is None else Case.objects.get(pk=found)


def case_create(
    *,
    patient: Patient,
    side: str = "",
    assigned_physio=None,
    referrer_name: str = "",
    referrer_email: str = "",
) -> Case:
    """Open a new case (episode of care) for a patient, linked to the case it recurs, if any."""
    _check_physio(assigned_physio)
    opened_at = timezone.now()
    return Case.objects.create(
        patient=patient,
        side=side,
        assigned_physio=assigned_physio,
        referrer_name=referrer_name.strip(),
        referrer_email=referrer_email.strip(),
        opened_at=opened_at,
        recurrence_of=case_recurrence_of(patient=patient, side=side, opened_at=opened_at),
    )


def case_check_reassign(*, case: Case, physio) -> None:
    """An ended (discharged or closed) case keeps its physio: handing it to another physio
    hands them its whole record. ``Conflict`` ``case_closed`` (409) otherwise; the API, the
    pages and admin's case form all ask this."""
    if case.is_ended and getattr(physio, "pk", physio) != case.assigned_physio_id:
        raise errors.Conflict(
            f"This case is {case.get_status_display().lower()}: its physio stays.",
            code="case_closed",
        )


# Which case fields each role may change, where it is not every field a case can take:
# doctors assign the physio and name the referrer (the discharge letter's addressee); the rest
# of the case is reception's.
CASE_FIELDS_BY_ROLE: dict[str, frozenset[str]] = {
    roles.DOCTOR: frozenset({"assigned_physio", "referrer_name", "referrer_email"})
}


@transaction.atomic
def case_update(*, case: Case, by=None, **fields) -> Case:
    """Change a case's side or assigned physio (status moves only through the workflows).

    The physio of a discharged or closed case is not changed, by anyone (409 ``case_closed``).

    ``by`` is who asks: a doctor may change the assigned physio only (CASE_FIELDS_BY_ROLE);
    None is the system itself (seed data, a test's setup).
    """
    allowed = CASE_FIELDS_BY_ROLE.get(roles.role_of(by)) if by is not None else None
    if allowed is not None and set(fields) - allowed:
        raise errors.Invalid(
            {
                name: ["Doctors may only change the assigned physio."]
                for name in sorted(set(fields) - allowed)
            }
        )
    if "assigned_physio" in fields:
        _check_physio(fields["assigned_physio"])
        # Under the row lock: a discharge that commits first is seen here.
        case_check_reassign(
            case=Case.objects.select_for_update().get(pk=case.pk),
            physio=fields["assigned_physio"],
        )
    for name, value in fields.items():
        setattr(case, name, value)
    # The named fields only: the caller's instance may predate a write of the columns the
    # rehab app keeps on the case (its caseload's order), which a full save would undo.
    case.save(update_fields=[*fields, "updated_at"])
    return case


def case_advance(*, case: Case, to: str) -> Case:
    """Move a case forward in open → triaged → diagnosed → in_rehab; never backwards."""
    order = [CaseStatus.OPEN, CaseStatus.TRIAGED, CaseStatus.DIAGNOSED, CaseStatus.IN_REHAB]
    if case.status in order and to in order and order.index(to) > order.index(case.status):
        case.status = to
        case.save(update_fields=["status", "updated_at"])
    return case


def case_mark_seen(*, case: Case, at=None) -> Case:
    """Record that a doctor has seen the patient (the first time only): the triage's urgency
    becomes history (Case.urgency_is_current). Called by the doctor-visit workflows.

    The case leaves the head of the "urgent first" lists (its urgency rank becomes that of a
    case without urgency): those lists are for the patients still waiting for a doctor.
    """
    if case.seen_by_doctor_at is None:
        case.seen_by_doctor_at = at or timezone.now()
        case.urgency_rank = NO_URGENCY_RANK
        Case.objects.filter(pk=case.pk, seen_by_doctor_at__isnull=True).update(
            seen_by_doctor_at=case.seen_by_doctor_at, urgency_rank=NO_URGENCY_RANK
        )
    return case
