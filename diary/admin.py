"""The diary in Django admin: how a clinic sets its rooms, hours, time off and kinds."""

from django.contrib import admin

from diary.models import AppointmentKind, Availability, Booking, Room, TimeOff


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "active"]
    list_filter = ["active"]


@admin.register(Availability)
class AvailabilityAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "weekday", "start_time", "end_time", "room"]
    list_filter = ["weekday", "room"]
    list_select_related = ["practitioner", "room"]


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "starts_at", "ends_at", "reason"]
    list_select_related = ["practitioner"]


@admin.register(AppointmentKind)
class AppointmentKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "booking_type", "duration_minutes", "active"]
    list_filter = ["booking_type", "active"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only: bookings are made through the sessions and consultations, under the rule."""

    list_display = ["booking_type", "practitioner", "room", "starts_at", "ends_at", "live"]
    list_filter = ["booking_type", "live", "room"]
    list_select_related = ["practitioner", "room"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
