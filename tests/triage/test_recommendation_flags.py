"""Exams stored before the recommendation carried the design's keys gain them (migration)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from triage.models import Examination, ImagingReferral
from triage.services import examinations, referrals

pytestmark = pytest.mark.django_db

migration = importlib.import_module("triage.migrations.0007_recommendation_flags")

OLD_SHAPE = {
    "studies": ["ankle_xray", "ultrasound"],
    "primary": "ankle_xray",
    "rationale": ["Ottawa ankle rule: …", "Positive Thompson test: …"],
}


def test_it_adds_a_bool_per_study_to_an_old_exam_and_its_referral(dan, case):
    exam = examinations.examination_create(case=case, examined_by=dan, findings={})
    referral = referrals.referral_create(
        case=case,
        requested_by=dan,
        modality="xray",
        body_site="ankle",
        examination=exam,
        reason="Suspected fracture.",
        override_reason="Seen before the flags existed.",
    )
    Examination.objects.filter(pk=exam.pk).update(imaging_recommendation=OLD_SHAPE)
    ImagingReferral.objects.filter(pk=referral.pk).update(recommendation=OLD_SHAPE)

    migration.add_flags(apps, None)

    expected = {
        "ottawa_applicable": True,
        "ankle_xray": True,
        "foot_xray": False,
        "ultrasound": True,
        "mri": False,
        **OLD_SHAPE,
    }
    assert Examination.objects.get(pk=exam.pk).imaging_recommendation == expected
    assert ImagingReferral.objects.get(pk=referral.pk).recommendation == expected


def test_it_leaves_a_referral_without_a_recommendation_alone(dan, case):
    referral = referrals.referral_create(
        case=case, requested_by=dan, modality="mri", body_site="ankle", reason="Persistent pain."
    )

    migration.add_flags(apps, None)

    assert ImagingReferral.objects.get(pk=referral.pk).recommendation is None
