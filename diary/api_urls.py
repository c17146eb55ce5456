"""API routes of the diary: (prefix, viewset, basename) for the router, and plain paths."""

from django.urls import path

from diary.api import (
    AppointmentKindViewSet,
    AvailabilityViewSet,
    FreeSlotsView,
    RoomViewSet,
    TimeOffViewSet,
    WaitlistViewSet,
)

ROUTES: list[tuple] = [
    ("rooms", RoomViewSet, "room"),
    ("availability", AvailabilityViewSet, "availability"),
    ("time-off", TimeOffViewSet, "timeoff"),
    ("appointment-kinds", AppointmentKindViewSet, "appointmentkind"),
    ("waitlist", WaitlistViewSet, "waitlist"),
]

PATHS = [
    path("free-slots/", FreeSlotsView.as_view(), name="free-slots"),
]
