"""Django admin for the rehab records (clinical data: changes go through the pages and API)."""

from django.contrib import admin

from clinic.admin import AuditedAdminMixin, ReadOnlyAdminMixin, ReadOnlyHistoryAdmin
from rehab.models import (
    Alert,
    Discharge,
    Exercise,
    ExerciseLog,
    ExerciseProgramme,
    OutcomeMeasure,
    PhysioSession,
    ProgrammeItem,
    ReturnToRun,
    ReturnToRunCriterion,
    ReturnToRunMeasure,
    Run,
    RunPlan,
    TreatmentPlan,
    WalkRunStage,
    WalkRunTemplate,
)


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "physio", "planned_sessions", "frequency", "started_on"]
    list_select_related = ["case", "physio"]


@admin.register(PhysioSession)
class PhysioSessionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["scheduled_at", "case", "physio", "status", "pain_before", "pain_after"]
    list_filter = ["status"]
    list_select_related = ["case", "physio"]
    date_hierarchy = "scheduled_at"


@admin.register(OutcomeMeasure)
class OutcomeMeasureAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "recorded_at",
        "case",
        "instrument",
        "side",
        "score",
        "score_max",
        "mcid_reached",
    ]
    list_filter = ["instrument", "side", "mcid_reached"]
    list_select_related = ["case"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Alerts are raised by events and acknowledged by the assigned physio, not here."""

    list_display = ["created_at", "case", "kind", "acknowledged_at"]
    list_filter = ["kind"]
    list_select_related = ["case"]


class CriterionInline(admin.TabularInline):
    model = ReturnToRunCriterion
    extra = 0
    can_delete = False
    readonly_fields = ["code", "value", "met", "recorded_by", "recorded_at"]


class MeasureInline(admin.TabularInline):
    model = ReturnToRunMeasure
    extra = 0
    can_delete = False
    readonly_fields = [
        "measure",
        "left",
        "right",
        "limb_symmetry_index",
        "recorded_by",
        "recorded_at",
    ]


@admin.register(ReturnToRun)
class ReturnToRunAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "checklist", "decision", "decided_on"]
    inlines = [CriterionInline, MeasureInline]


@admin.register(Discharge)
class DischargeAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "discharged_by", "discharged_at", "cleared_to_run"]


# --- The clinic's own lists: edited here -----------------------------------------------------


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    """The exercise library: the clinic edits the wording, adds exercises and their images."""

    list_display = ["name", "code", "category", "region", "active"]
    list_filter = ["category", "region", "active"]
    search_fields = ["name", "code"]


class WalkRunStageInline(admin.TabularInline):
    model = WalkRunStage
    extra = 1


@admin.register(WalkRunTemplate)
class WalkRunTemplateAdmin(admin.ModelAdmin):
    """The walk-run progressions a return-to-run plan follows, stage by stage."""

    list_display = ["name", "active"]
    inlines = [WalkRunStageInline]


# --- The runner's records: written through the pages and the API -----------------------------


class ProgrammeItemInline(admin.TabularInline):
    model = ProgrammeItem
    extra = 0
    can_delete = False
    readonly_fields = ["exercise", "sets", "reps", "hold_seconds", "per_week", "notes", "active"]


@admin.register(ExerciseProgramme)
class ExerciseProgrammeAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "starts_on", "active", "prescribed_by"]
    list_select_related = ["case", "prescribed_by"]
    inlines = [ProgrammeItemInline]


@admin.register(ExerciseLog)
class ExerciseLogAdmin(ReadOnlyHistoryAdmin):
    list_display = ["date", "programme", "pain", "source"]
    list_select_related = ["programme"]


@admin.register(RunPlan)
class RunPlanAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "template", "stage", "started_on"]
    list_select_related = ["case", "template"]


@admin.register(Run)
class RunAdmin(ReadOnlyHistoryAdmin):
    list_display = ["date", "case", "stage", "decision", "override_decision", "next_stage"]
    list_select_related = ["case"]
