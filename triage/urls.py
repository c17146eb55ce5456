"""Pages of the triage app: reception intake and the doctors' pages."""

from django.urls import path

from triage.views import doctor, reception

app_name = "triage"

urlpatterns: list = [
    # Reception intake.
    path("reception/", reception.reception_home, name="reception-home"),
    path("reception/patients/new/", reception.patient_register, name="patient-register"),
    path(
        "reception/patients/<int:patient_pk>/intake/",
        reception.intake_new,
        name="intake-new",
    ),
    path("reception/intakes/<int:pk>/", reception.intake_result, name="intake-result"),
    path("consultations/new/", reception.consultation_new, name="consultation-new"),
    path("consultations/<int:pk>/move/", reception.consultation_move, name="consultation-move"),
    path(
        "consultations/<int:pk>/cancel/",
        reception.consultation_cancel,
        name="consultation-cancel",
    ),
    path(
        "consultations/<int:pk>/record/",
        doctor.consultation_record,
        name="consultation-record",
    ),
    path(
        "reception/intakes/<int:pk>/consultation/",
        reception.consultation_urgent,
        name="consultation-urgent",
    ),
    # Doctors' pages.
    path("cases/", doctor.case_list, name="case-list"),
    path("cases/<int:pk>/", doctor.case_detail, name="case-detail"),
    path("cases/<int:pk>/examinations/new/", doctor.exam_new, name="exam-new"),
    path("cases/<int:pk>/diagnoses/new/", doctor.diagnosis_new, name="diagnosis-new"),
    path("cases/<int:pk>/imaging/new/", doctor.referral_new, name="referral-new"),
    path("examinations/<int:pk>/", doctor.exam_detail, name="exam-detail"),
    path("examinations/<int:pk>/order/", doctor.exam_order, name="exam-order"),
    path("diagnoses/<int:pk>/<str:status>/", doctor.diagnosis_status, name="diagnosis-status"),
    path("imaging/<int:pk>/", doctor.referral_detail, name="referral-detail"),
    path("imaging/<int:pk>/<str:step>/", doctor.referral_step, name="referral-step"),
    path("imaging/reports-to-review/", doctor.reports_to_review, name="reports-to-review"),
]
