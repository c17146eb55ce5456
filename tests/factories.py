"""factory_boy factories for the clinic core."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from clinic import services
from clinic.models import Case, Patient


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
        if create:
            self.save()


class PatientFactory(factory.django.DjangoModelFactory):
    """Patients go through the service so that they get an MRN, as in production."""

    class Meta:
        model = Patient

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = factory.Faker(
        "date_between", start_date=datetime.date(1950, 1, 1), end_date=datetime.date(2005, 12, 31)
    )
    sex = "female"
    email = factory.LazyAttribute(lambda p: f"{p.given_name}.{p.family_name}@example.org".lower())
    preferred_channel = "email"
    reminder_consent = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.patient_create(allow_duplicate=True, **kwargs)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    patient = factory.SubFactory(PatientFactory)
    side = "left"


# --- Doctors' work (triage) -------------------------------------------------------------------


def examination_for(case, doctor, **findings):
    """An exam recorded through the service (so that its recommendation is computed)."""
    from triage.services.examinations import examination_create

    return examination_create(case=case, examined_by=doctor, findings=findings)


def referral_for(case, doctor, *, status: str = "requested", **fields):
    """An X-ray referral walked through the service up to the given status."""
    from django.utils import timezone

    from triage.services import referrals as services

    referral = services.referral_create(
        case=case,
        requested_by=doctor,
        modality=fields.pop("modality", "xray"),
        body_site=fields.pop("body_site", "ankle"),
        laterality=fields.pop("laterality", "left"),
        reason=fields.pop("reason", "Ottawa ankle rule positive."),
        **fields,
    )
    path = ["scheduled", "performed", "reported", "reviewed"]
    steps = {
        "scheduled": lambda: services.referral_schedule(
            referral=referral, by=doctor, scheduled_for=timezone.now() + datetime.timedelta(days=1)
        ),
        "performed": lambda: services.referral_perform(referral=referral, by=doctor),
        "reported": lambda: services.referral_report(
            referral=referral, by=doctor, report="No fracture. Soft-tissue swelling laterally."
        ),
        "reviewed": lambda: services.referral_review(referral=referral, by=doctor),
    }
    if status == "cancelled":
        services.referral_cancel(referral=referral, by=doctor, reason="Patient declined.")
    elif status != "requested":
        for step in path[: path.index(status) + 1]:
            steps[step]()
    return referral


# --- Rehab and intake records (query-count tests, tests/test_query_counts.py) -----------------


def intake_for(case, receptionist, **answers):
    """An intake row for an existing case (the answers of a gradual Achilles pain)."""
    from triage.models import Intake

    fields = {
        "onset": "gradual",
        "mechanism": "",
        "swelling": "none",
        "hematoma": False,
        "mobility": "normal",
        "weight_bearing": "normal",
        "pain_location": "posterior",
        "side": "left",
        "pain_at_rest": 2,
        "pain_after_running": 6,
        "pain_duration_days": 30,
        "still_running": True,
        "weekly_distance_km": 35,
        "recent_training_change": True,
        "recent_shoe_change": False,
        "known_flat_feet": False,
        "previous_sprains": 0,
        "calf_pain_or_swelling": False,
        "fever_or_hot_red_joint": False,
        "numbness_or_cold_foot": False,
        "night_pain": False,
        "focal_bone_pain": False,
        "pathway": "overuse",
        "urgency": "routine",
        "stop_running": True,
        "suspected_conditions": ["achilles_tendinitis"],
        "rationale": ["The pain came on gradually."],
        **answers,
    }
    return Intake.objects.create(case=case, recorded_by=receptionist, **fields)


def plan_for(case, physio):
    """A treatment plan written through the service by the case's physio."""
    from rehab.services.plans import plan_create

    return plan_create(
        case=case,
        by=physio,
        goals="Run 5 km pain-free.",
        planned_sessions=8,
        frequency=2,
        started_on=datetime.date.today(),
    )


def session_for(case, physio, *, days_ago: int = 1):
    """A past session booked for the case's physio."""
    from django.utils import timezone

    from rehab.models import PhysioSession

    return PhysioSession.objects.create(
        case=case, physio=physio, scheduled_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


def outcome_for(case, physio, *, pain: int = 4):
    """An NPRS measure recorded through the service by the case's physio."""
    from rehab.services.outcomes import outcome_record

    return outcome_record(case=case, instrument="nprs", answers=[pain], by=physio)


# --- The runner between visits (rehab) ---------------------------------------------------------


def programme_for(case, physio, *, per_week: int = 7, starts_on=None):
    """A home exercise programme of two library exercises, prescribed through the service."""
    from rehab.models import Exercise
    from rehab.services.programmes import programme_prescribe

    first, second = Exercise.objects.filter(active=True).order_by("id")[:2]
    return programme_prescribe(
        case=case,
        by=physio,
        starts_on=starts_on,
        items=[
            {"exercise": first, "sets": 3, "reps": 15, "per_week": per_week},
            {"exercise": second, "sets": 2, "hold_seconds": 30, "per_week": per_week},
        ],
    )


def run_plan_for(case, physio, **fields):
    """The case's walk-run plan on the seeded progression, started through the service."""
    from rehab.models import WalkRunTemplate
    from rehab.services.runs import run_plan_start

    return run_plan_start(
        case=case, by=physio, template=WalkRunTemplate.objects.order_by("id").first(), **fields
    )


def run_for(case, physio, *, date=None, during=2, after=2, next_morning=2):
    """A run of the case's log, through the service (its plan must be started)."""
    from rehab.services.runs import run_log

    return run_log(
        case=case,
        by=physio,
        date=date or datetime.date.today(),
        minutes=30,
        pain_during=during,
        pain_after=after,
        pain_next_morning=next_morning,
    )


def session_booked_before(case, by, *, scheduled_at, ahead=datetime.timedelta(days=1), **booking):
    """A session booked ``ahead`` of its time (now past): booked then, through the service."""
    import time_machine

    from rehab.services.sessions import session_schedule

    with time_machine.travel(scheduled_at - ahead):
        return session_schedule(case=case, scheduled_at=scheduled_at, by=by, **booking)
