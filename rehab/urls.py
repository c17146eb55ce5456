"""Pages of the rehab app (physiotherapists)."""

from django.urls import path

from rehab.views import reminders as reminder_views

app_name = "rehab"

urlpatterns: list = []

# Reminders: the patient's opt-out link (no login).
urlpatterns += [
    path("reminders/stop/<str:token>/", reminder_views.reminder_stop, name="reminder-stop"),
]
