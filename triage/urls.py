"""Pages of the triage app (reception intake; doctors' pages)."""

from django.urls import path

from triage.views import reception

app_name = "triage"

urlpatterns: list = [
    path("reception/", reception.reception_home, name="reception-home"),
    path("reception/patients/new/", reception.patient_register, name="patient-register"),
    path(
        "reception/patients/<int:patient_pk>/intake/",
        reception.intake_new,
        name="intake-new",
    ),
    path("reception/intakes/<int:pk>/", reception.intake_result, name="intake-result"),
]
