"""Django admin for the triage app: the condition catalogue (editable) and doctors' records."""

from django.contrib import admin

from clinic.admin import ClinicalHistoryAdmin, ReadOnlyHistoryAdmin
from triage.models import Condition, Diagnosis, Examination, ImagingReferral, Intake


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ["code", "icd10", "title", "pathway"]
    list_filter = ["pathway"]
    search_fields = ["code", "icd10", "title"]

    def get_readonly_fields(self, request, obj=None):
        # The code is what the API and the triage rules name: stable once created.
        return ["code"] if obj is not None else []


@admin.register(Examination)
class ExaminationAdmin(ClinicalHistoryAdmin):
    list_display = ["id", "case", "examined_at", "examined_by", "thompson_test", "patient_age"]
    list_filter = ["thompson_test", "anterior_drawer", "foot_posture", "examined_at"]
    search_fields = ["case__patient__mrn", "case__patient__family_name"]
    raw_id_fields = ["case"]
    list_select_related = ["case", "examined_by"]
    readonly_fields = ["patient_age", "imaging_recommendation"]
    date_hierarchy = "examined_at"


@admin.register(Diagnosis)
class DiagnosisAdmin(ClinicalHistoryAdmin):
    list_display = ["id", "case", "condition", "laterality", "status", "diagnosed_at"]
    list_filter = ["status", "condition", "laterality"]
    search_fields = ["case__patient__mrn", "case__patient__family_name", "condition__code"]
    raw_id_fields = ["case"]
    list_select_related = ["case", "condition"]
    # Status changes go through the service (who and when are recorded there).
    readonly_fields = [
        "status",
        "diagnosed_by",
        "diagnosed_at",
        "confirmed_by",
        "confirmed_at",
        "refuted_by",
        "refuted_at",
    ]


@admin.register(ImagingReferral)
class ImagingReferralAdmin(ClinicalHistoryAdmin):
    list_display = ["id", "case", "modality", "body_site", "laterality", "status", "requested_at"]
    list_filter = ["status", "modality", "laterality"]
    search_fields = ["case__patient__mrn", "case__patient__family_name", "body_site", "reason"]
    raw_id_fields = ["case", "examination"]
    list_select_related = ["case"]
    # The lifecycle moves only through the services (forward-only, locked).
    readonly_fields = [
        "status",
        "recommendation",
        "requested_by",
        "requested_at",
        "scheduled_at",
        "scheduled_by",
        "performed_at",
        "performed_by",
        "reported_at",
        "reported_by",
        "reviewed_at",
        "reviewed_by",
        "cancelled_at",
        "cancelled_by",
    ]
    date_hierarchy = "requested_at"


@admin.register(Intake)
class IntakeAdmin(ReadOnlyHistoryAdmin):
    """Read-only: the questionnaire is the patient's words as reception recorded them."""

    list_display = ["id", "case", "recorded_at", "recorded_by", "pathway", "urgency"]
    list_filter = ["pathway", "urgency"]
    search_fields = ["case__patient__mrn", "case__patient__family_name"]
    list_select_related = ["case", "recorded_by"]
    date_hierarchy = "recorded_at"
