"""Django admin for the rehab records (clinical data: changes go through the pages and API)."""

from django.contrib import admin

from clinic.admin import ReadOnlyAdminMixin, ReadOnlyHistoryAdmin
from rehab.models import (
    Alert,
    Discharge,
    OutcomeMeasure,
    PhysioSession,
    ReturnToRun,
    ReturnToRunCriterion,
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
    list_display = ["recorded_at", "case", "instrument", "score", "score_max", "mcid_reached"]
    list_filter = ["instrument", "mcid_reached"]
    list_select_related = ["case"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Alerts are raised by events and acknowledged by the assigned physio, not here."""

    list_display = ["created_at", "case", "kind", "acknowledged_at"]
    list_filter = ["kind"]
    list_select_related = ["case"]


class CriterionInline(admin.TabularInline):
    model = ReturnToRunCriterion
    extra = 0
    can_delete = False
    readonly_fields = ["code", "value", "met", "recorded_by", "recorded_at"]


@admin.register(ReturnToRun)
class ReturnToRunAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "checklist", "decision", "decided_on"]
    inlines = [CriterionInline]


@admin.register(Discharge)
class DischargeAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "discharged_by", "discharged_at"]
