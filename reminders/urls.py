"""Pages of the reminders app: the patient's opt-out link (no login)."""

from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("reminders/stop/<str:token>/", views.stop, name="stop"),
]
