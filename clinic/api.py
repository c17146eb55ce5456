"""API for patients and cases (``/api/v1/patients/``, ``/api/v1/cases/``)."""

from __future__ import annotations

from datetime import date

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from clinic import audit, bounds, errors, fhir, privacy, roles, selectors, services
from clinic import serializers as api_serializers
from clinic.concurrency import ETagMixin
from clinic.filters import FilterSet, IsoDateTimeFilter
from clinic.models import AuditAction, Case, CaseStatus, Patient, Side, Urgency
from clinic.permissions import READ, READ_WRITE
from clinic.serializers import datetime_json
from clinic.timeline import case_relations
from clinic.timeline_api import CaseTimelineMixin
from clinic.viewsets import TalusViewSet


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class DuplicatePatientErrorSerializer(ErrorSerializer):
    match = serializers.IntegerField(help_text="The id of the existing patient.")


class PatientSerializer(api_serializers.ModelSerializer):
    age = serializers.SerializerMethodField()
    no_show_count_90d = serializers.SerializerMethodField(
        help_text="Appointments missed in the last 90 days (two or more: flagged where staff book)."
    )

    class Meta:
        model = Patient
        fields = [
            "id",
            "mrn",
            "given_name",
            "family_name",
            "date_of_birth",
            "age",
            "sex",
            "email",
            "phone",
            "preferred_channel",
            "reminder_consent",
            "reminder_consent_at",
            "no_show_count_90d",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "mrn",
            "age",
            "reminder_consent_at",
            "no_show_count_90d",
            "created_at",
        ]
        extra_kwargs = {"date_of_birth": {"validators": [bounds.validate_birth_date]}}

    @extend_schema_field(OpenApiTypes.INT)
    def get_age(self, patient: Patient) -> int:
        return patient.age

    @extend_schema_field(OpenApiTypes.INT)
    def get_no_show_count_90d(self, patient: Patient) -> int:
        # Annotated by the diary (selectors.with_patient_facts); 0 on a row read without it.
        return getattr(patient, "no_show_count_90d", 0) or 0

    def to_representation(self, patient: Patient) -> dict:
        return patient_json(patient, timezone.get_current_timezone(), timezone.localdate())

    def validate(self, attrs):
        # The service's own rules, asked here too so that an intake's new_patient answers
        # them under its key; a partial update is judged as the record will be.
        values = {
            name: attrs.get(name, getattr(self.instance, name, None))
            for name in services.PATIENT_RULE_FIELDS
        }
        try:
            services.patient_check(**values)
        except errors.Invalid as exc:
            raise serializers.ValidationError(exc.errors) from exc
        return attrs


def patient_json(patient: Patient, zone, today: date) -> dict:
    """A patient as the API shows it, written from the record (as ``case_json`` writes a case):
    the JSON of PatientSerializer's declared fields without building 14 field objects and
    reading each value through them for every patient of a page (a page of 50 search results
    spent more Python on that than on its query, docs/benchmarks.md). ``zone`` and ``today``
    (the clinic's, for the age) are worked out once per page, not once per patient.
    tests/clinic/test_patients_api.py holds the two together in three clinic zones.
    """
    return {
        "id": patient.pk,
        "mrn": patient.mrn,
        "given_name": patient.given_name,
        "family_name": patient.family_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "age": patient.age_on(today),
        "sex": patient.sex,
        "email": patient.email,
        "phone": patient.phone,
        "preferred_channel": patient.preferred_channel,
        "reminder_consent": patient.reminder_consent,
        "reminder_consent_at": datetime_json(patient.reminder_consent_at, zone),
        "no_show_count_90d": getattr(patient, "no_show_count_90d", 0) or 0,
        "created_at": datetime_json(patient.created_at, zone),
    }


class PatientCreateSerializer(PatientSerializer):
    allow_duplicate = serializers.BooleanField(
        default=False,
        write_only=True,
        help_text="Register even though a patient with the same names and date of birth exists.",
    )

    class Meta(PatientSerializer.Meta):
        fields = [*PatientSerializer.Meta.fields, "allow_duplicate"]


class PatientFilter(FilterSet):
    class Meta:
        model = Patient
        fields = {"date_of_birth": ["exact"], "mrn": ["exact"], "family_name": ["iexact"]}


@extend_schema(tags=["patients"])
class PatientViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TalusViewSet,
):
    """Patients (demographics). Reception registers and edits; clinicians read."""

    role_actions = {
        roles.RECEPTION: READ_WRITE,  # demographics only: no FHIR export (clinical content)
        roles.DOCTOR: READ | {"fhir", "export"},
        roles.PHYSIO: READ | {"fhir"},
        roles.ADMIN: READ_WRITE | {"fhir", "export"},
    }
    filterset_class = PatientFilter
    search_fields = ["search_name", "=mrn"]
    ordering_fields = ["id", "family_name", "created_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.with_patient_facts(selectors.patients_visible_to(self.request.user))

    def list(self, request, *args, **kwargs):
        # The search's page written by patient_json with the zone and the day read once (as
        # CaseViewSet.list writes its rows), not through a ListSerializer per patient.
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        zone, today = timezone.get_current_timezone(), timezone.localdate()
        return self.get_paginated_response([patient_json(p, zone, today) for p in page])

    def get_serializer_class(self):
        return PatientCreateSerializer if self.action == "create" else PatientSerializer

    @extend_schema(
        responses={
            201: PatientSerializer,
            409: OpenApiResponse(DuplicatePatientErrorSerializer, "A likely duplicate exists."),
        }
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        patient = services.patient_create(**serializer.validated_data)
        self.audit_created(patient)
        return Response(PatientSerializer(patient).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The patient's record as a FHIR R4 Bundle",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, "A FHIR R4 Bundle (collection).")},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="fhir",
        renderer_classes=[fhir.FHIRJSONRenderer, JSONRenderer],
    )
    def fhir(self, request, pk=None):
        """Export everything the caller may see of this patient (audited as an export).

        ``application/fhir+json`` unless the client asks for ``application/json``.
        """
        patient = self.get_object()
        audit.touch(request, patient, AuditAction.EXPORT)
        cases = selectors.cases_visible_to(request.user).filter(patient=patient).order_by("pk")
        return Response(fhir.patient_bundle(patient, cases))

    @extend_schema(
        summary="Everything on record for the patient (right of access), as JSON",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, "The patient and all their cases.")},
    )
    @action(detail=True, methods=["get"], url_path="export")
    def export(self, request, pk=None):
        """The patient's whole record, every case and clinical note (audited as an export)."""
        patient = self.get_object()
        audit.touch(request, patient, AuditAction.EXPORT)
        return Response(privacy.patient_export(patient=patient))

    def perform_update(self, serializer):
        serializer.instance = services.patient_update(
            patient=serializer.instance, **serializer.validated_data
        )


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice column stored blank for "not set" (no triage yet), answered as null."""

    def to_representation(self, value):
        return super().to_representation(value) or None


class CaseSerializer(api_serializers.ModelSerializer):
    """A case as any role sees it: no clinical notes here."""

    fixed_once_created = ("patient",)

    patient = serializers.PrimaryKeyRelatedField(queryset=Patient.objects.all())
    assigned_physio = serializers.PrimaryKeyRelatedField(
        queryset=selectors.physios(),
        allow_null=True,
        required=False,
    )
    side = serializers.ChoiceField(choices=Side.choices, required=False, allow_blank=True)
    urgency = BlankAsNullChoiceField(
        choices=Urgency.choices,
        allow_null=True,
        read_only=True,
        help_text="From the intake's triage; null for a case opened without an intake.",
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "patient",
            "side",
            "status",
            "urgency",
            "assigned_physio",
            "opened_at",
            "discharged_at",
            "referrer_name",
            "referrer_email",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "urgency", "opened_at", "discharged_at", "updated_at"]

    def get_fields(self):
        # Built only when input is validated: reading a list never pays for field objects.
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # A patient outside the user's reach cannot be named (it reads as "does not exist").
            fields["patient"].queryset = selectors.patients_visible_to(request.user)
        return fields

    def to_representation(self, case: Case) -> dict:
        row = {column: getattr(case, column) for column in CASE_COLUMNS}
        return case_json(row, timezone.get_current_timezone())


# The columns a case's JSON is made of: the list reads only these, as dicts (no model
# instances: building 50 per page cost more than the page's query, docs/benchmarks.md).
CASE_COLUMNS = (
    "id",
    "patient_id",
    "side",
    "status",
    "urgency",
    "assigned_physio_id",
    "opened_at",
    "discharged_at",
    "referrer_name",
    "referrer_email",
    "updated_at",
)


def case_json(row, zone) -> dict:
    """A case as the API shows it, from its columns (a ``values()`` dict or ``__dict__``).

    The same JSON as CaseSerializer's declared fields would give, without nine field objects
    per row: the one fast path of the API, kept because it pays (about 2 ms of a page of 50,
    a fifth of the request; docs/benchmarks.md, "Fast paths", measured with
    benchmarks/fastpaths.py). It uses no library internals; it follows DRF's DateTimeField
    output (DRF 3.15-3.18, pyproject.toml), and tests/clinic/test_cases_api.py holds the two
    together in three clinic zones.
    """
    return {
        "id": row["id"],
        "patient": row["patient_id"],
        "side": row["side"],
        "status": row["status"],
        "urgency": row["urgency"] or None,
        "assigned_physio": row["assigned_physio_id"],
        "opened_at": datetime_json(row["opened_at"], zone),
        "discharged_at": datetime_json(row["discharged_at"], zone),
        "referrer_name": row["referrer_name"],
        "referrer_email": row["referrer_email"],
        "updated_at": datetime_json(row["updated_at"], zone),
    }


class CaseFilter(FilterSet):
    # distinct=False on every multiple-choice filter of the API: they filter a column of the
    # listed table, which cannot duplicate a row, and django-filter's default SELECT DISTINCT
    # makes PostgreSQL sort every matching case before the LIMIT (46 ms instead of 0.1 ms on
    # the 120k-case benchmark, docs/benchmarks.md).
    status = django_filters.MultipleChoiceFilter(choices=CaseStatus.choices, distinct=False)
    urgency = django_filters.MultipleChoiceFilter(choices=Urgency.choices, distinct=False)
    opened_after = IsoDateTimeFilter(field_name="opened_at", lookup_expr="gte")
    opened_before = IsoDateTimeFilter(field_name="opened_at", lookup_expr="lt")

    class Meta:
        model = Case
        fields = ["status", "urgency", "patient", "assigned_physio", "side"]


@extend_schema(tags=["cases"])
class CaseViewSet(
    ETagMixin,
    CaseTimelineMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TalusViewSet,
):
    """Cases (episodes of care), scoped to the caller's role."""

    role_actions = {
        roles.RECEPTION: READ_WRITE,
        roles.DOCTOR: READ | {"update", "partial_update"},
        roles.PHYSIO: READ,
        roles.ADMIN: READ_WRITE,
    }
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    search_fields = ["patient__search_name", "=patient__mrn"]
    ordering_fields = ["id", "opened_at"]
    ordering = ["-id"]

    def get_queryset(self):
        # No select_related("patient"): the serializer shows patient_id only, and the audit
        # trail reads patient_id too; joining 50 patients per page bought nothing.
        queryset = selectors.cases_visible_to(self.request.user)
        if self.action == "timeline":
            # The sources' one-to-ones (the intake, the plan, the discharge) joined to the
            # case's own query: two queries fewer per timeline (docs/benchmarks.md, "apipath").
            queryset = queryset.select_related(*case_relations())
        return queryset

    def list(self, request, *args, **kwargs):
        # The hot path of the API (docs/benchmarks.md): the page's rows as dicts, written
        # by case_json; the audit trail reads their id and patient_id.
        rows = self.filter_queryset(self.get_queryset()).values(*CASE_COLUMNS)
        page = self.paginate_queryset(rows)
        zone = timezone.get_current_timezone()
        return self.get_paginated_response([case_json(row, zone) for row in page])

    def perform_create(self, serializer):
        serializer.instance = services.case_create(**serializer.validated_data)
        self.audit_created(serializer.instance)

    def perform_update(self, serializer):
        serializer.instance = services.case_update(
            case=serializer.instance, by=self.request.user, **serializer.validated_data
        )
