"""Reads of the clinic core. Every queryset that reaches a user is scoped here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from clinic import roles
from clinic.models import Case, Patient
from clinic.names import is_mrn, name_compact, name_key, nearby_birth_dates


def cases_visible_to(user) -> QuerySet[Case]:
    """The cases a user may see: physios only their assigned cases; nobody else's role sees any.

    A patient whose processing is restricted is out of every role's reach but admin's.
    """
    role = roles.role_of(user)
    if role == roles.ADMIN:
        return Case.objects.all()
    # NOT IN the restricted patients' ids (a partial index holds them; PostgreSQL hashes
    # them once per query) rather than a join that probes a patient for every case row:
    # 7 buffers instead of 159 for a page of 50 (docs/benchmarks.md).
    queryset = Case.objects.exclude(patient__in=restricted_patient_ids())
    if role in (roles.DOCTOR, roles.RECEPTION):
        return queryset
    if role == roles.PHYSIO:
        return queryset.filter(assigned_physio=user)
    return queryset.none()


# Facts a feature app adds to the patient API's rows (``with_patient_facts``): each a function
# ``queryset -> queryset`` that annotates one column in the same query (the diary's
# ``no_show_count_90d``). Registered from the app's AppConfig.ready().
_PATIENT_FACTS: list = []


def register_patient_fact(annotate) -> None:
    """Add ``annotate(queryset) -> queryset`` to the patient API's rows (once)."""
    if annotate not in _PATIENT_FACTS:
        _PATIENT_FACTS.append(annotate)


def with_patient_facts(queryset: QuerySet[Patient]) -> QuerySet[Patient]:
    """The patients with every registered fact annotated (subqueries: no query per row)."""
    for annotate in _PATIENT_FACTS:
        queryset = annotate(queryset)
    return queryset


def restricted_patient_ids() -> QuerySet[Patient]:
    """The ids of the patients whose processing is restricted (GDPR Article 18)."""
    return Patient.objects.filter(restricted=True).values("pk")


def patients_visible_to(user) -> QuerySet[Patient]:
    """The patients a user may see: a physio only those with a case assigned to them.

    A patient whose processing is restricted is out of every role's reach but admin's.
    """
    role = roles.role_of(user)
    if role == roles.ADMIN:
        return Patient.objects.all()
    queryset = Patient.objects.filter(restricted=False)
    if role in (roles.DOCTOR, roles.RECEPTION):
        return queryset
    if role == roles.PHYSIO:
        return queryset.filter(
            Exists(Case.objects.filter(patient=OuterRef("pk"), assigned_physio=user))
        )
    return queryset.none()


def sees_clinical_notes(user) -> bool:
    """Clinical notes never reach a receptionist (nor anyone without a clinical role)."""
    return roles.role_of(user) in roles.CLINICAL_ROLES


def clinical_cases_visible_to(user) -> QuerySet[Case]:
    """The cases on which the user may read clinical records: none for reception.

    Every clinical record (an exam, a plan, an outcome…) is scoped through this, so its reach
    is its case's.
    """
    if not sees_clinical_notes(user):
        return Case.objects.none()
    return cases_visible_to(user)


def physios() -> QuerySet:
    """The active users who hold the physio role, by name: whom a case or a booking may go to."""
    return (
        get_user_model()
        .objects.filter(groups__name=roles.PHYSIO, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


def doctors() -> QuerySet:
    """The active users who hold the doctor role, by name: whom a consultation may go to."""
    return (
        get_user_model()
        .objects.filter(groups__name=roles.DOCTOR, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


def practitioners() -> QuerySet:
    """The active physios and doctors, by name: whose diary holds bookings."""
    return (
        get_user_model()
        .objects.filter(groups__name__in=(roles.PHYSIO, roles.DOCTOR), is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def patient_find_duplicate(
    *, given_name: str, family_name: str, date_of_birth: date
) -> Patient | None:
    """An existing patient with the same names (any letter case) and date of birth."""
    return (
        Patient.objects.filter(
            given_name__iexact=given_name.strip(),
            family_name__iexact=family_name.strip(),
            date_of_birth=date_of_birth,
        )
        .order_by("id")
        .first()
    )


@dataclass(frozen=True)
class SimilarPatient:
    """An existing patient who may be the one being registered, and why."""

    patient: Patient
    reason: str


def patients_similar(
    user, *, given_name: str, family_name: str, date_of_birth: date
) -> list[SimilarPatient]:
    """Existing patients who may be this person: the same names once accents, letter case
    and hyphens are set aside (either order), born the same day, one day apart, or with the
    day and month swapped, among those within the user's reach. A warning for reception, not
    a refusal (patient_find_duplicate is).
    """
    dates = nearby_birth_dates(date_of_birth)
    wanted = name_compact(given_name) + " " + name_compact(family_name)
    swapped = name_compact(family_name) + " " + name_compact(given_name)
    found = []
    for patient in patients_visible_to(user).filter(date_of_birth__in=list(dates)).order_by("id"):
        theirs = name_compact(patient.given_name) + " " + name_compact(patient.family_name)
        if theirs in (wanted, swapped):
            same_spelling = (
                patient.given_name.strip().casefold() == given_name.strip().casefold()
                and patient.family_name.strip().casefold() == family_name.strip().casefold()
            )
            reasons = [] if same_spelling else ["name spelt differently"]
            if patient.date_of_birth != date_of_birth:
                reasons.append(dates[patient.date_of_birth])
            found.append(SimilarPatient(patient, " and ".join(reasons) or "same name and date"))
    return found


def patient_search(queryset: QuerySet[Patient], term: str) -> QuerySet[Patient]:
    """Patients matching a name, an MRN or a date of birth (YYYY-MM-DD or DD/MM/YYYY)."""
    term = term.strip()
    if not term:
        return queryset.none()
    if is_mrn(term):  # the MRN's exact index alone (clinic.names.is_mrn)
        return queryset.filter(mrn__iexact=term)
    born = _parse_date(term)
    if born is not None:
        return queryset.filter(date_of_birth=born)
    # Accents, letter case, hyphens and commas do not matter: "martin" finds "Martín",
    # "MOREAU, Hugo" finds Hugo Moreau (clinic.names, the patient's search_name column,
    # whose trigram index serves each word's LIKE).
    words = name_key(term).split()
    if not words:
        return queryset.none()
    condition = Q()
    for word in words:
        condition &= Q(search_name__contains=word)
    return queryset.filter(condition)


def patients_found(user, term: str) -> QuerySet[Patient]:
    """The patients within the user's reach that a search term finds, by family name."""
    return patient_search(patients_visible_to(user), term).order_by("family_name")


def _parse_date(text: str) -> date | None:
    from datetime import datetime

    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
