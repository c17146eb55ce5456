"""Pieces shared by the triage API's doctors' resources (examinations, diagnoses, imaging).

A step out of order (``clinic.errors.InvalidTransition``) answers 409 naming the record's
status: ``CONFLICT`` documents it.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from clinic.api import ErrorSerializer
from triage import vocabulary


class ConflictErrorSerializer(ErrorSerializer):
    status = serializers.CharField(help_text="The record's current status.")


CONFLICT = OpenApiResponse(ConflictErrorSerializer, "The current status does not allow this.")


class ImagingRecommendationSerializer(serializers.Serializer):
    """What the exam's findings indicate (triage.ottawa.imaging_recommendation), as stored."""

    ottawa_applicable = serializers.BooleanField(
        help_text="The Ottawa ankle and foot rules could be applied to this exam."
    )
    ankle_xray = serializers.BooleanField(help_text="An ankle X-ray is recommended.")
    foot_xray = serializers.BooleanField(help_text="A foot X-ray is recommended.")
    ultrasound = serializers.BooleanField(
        help_text="An ultrasound is recommended (suspected Achilles rupture)."
    )
    mri = serializers.BooleanField(help_text="An MRI is recommended.")
    studies = serializers.ListField(
        child=serializers.ChoiceField(choices=vocabulary.IMAGING_STUDIES),
        help_text="The recommended studies in the order to do them (the same as the booleans).",
    )
    primary = serializers.ChoiceField(
        choices=vocabulary.IMAGING_STUDIES,
        allow_null=True,
        help_text="The first of studies; null when no imaging is indicated.",
    )
    rationale = serializers.ListField(
        child=serializers.CharField(), help_text="One sentence per criterion met."
    )
