"""Django admin for the rehab records (clinical data: changes go through the pages and API)."""

from django.contrib import admin

from clinic.admin import ReadOnlyHistoryAdmin
from rehab.models import (
    Discharge,
    OutcomeMeasure,
    PhysioSession,
    ReturnToRun,
    ReturnToRunCriterion,
    ReturnToRunMeasure,
    TreatmentPlan,
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
