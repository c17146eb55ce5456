"""Pages of the rehab app (physiotherapists, and reception's session booking)."""

from django.urls import path

from rehab.views import physio, reception, runner_care

app_name = "rehab"

urlpatterns = [
    path("rehab/caseload/", physio.caseload, name="caseload"),
    path("rehab/alerts/<int:pk>/acknowledge/", physio.alert_acknowledge, name="alert-acknowledge"),
    path("rehab/cases/<int:pk>/", physio.case_page, name="case"),
    path("rehab/cases/<int:pk>/plan/", physio.plan_edit, name="plan"),
    path("rehab/cases/<int:pk>/sessions/new/", physio.session_record, name="session-record"),
    path("rehab/cases/<int:pk>/outcomes/new/", physio.outcome_new, name="outcome-new"),
    path("rehab/cases/<int:pk>/return-to-run/", physio.return_to_run, name="return-to-run"),
    path("rehab/cases/<int:pk>/discharge/", physio.discharge, name="discharge"),
    path("rehab/cases/<int:pk>/programme/", runner_care.programme_edit, name="programme"),
    path(
        "rehab/cases/<int:pk>/programme/print/",
        runner_care.programme_print,
        name="programme-print",
    ),
    path(
        "rehab/cases/<int:pk>/exercise-logs/new/",
        runner_care.exercise_log_new,
        name="exercise-log-new",
    ),
    path("rehab/cases/<int:pk>/run-plan/", runner_care.run_plan_edit, name="run-plan"),
    path("rehab/cases/<int:pk>/runs/new/", runner_care.run_new, name="run-new"),
    path("rehab/runs/<int:pk>/override/", runner_care.run_override, name="run-override"),
    path("rehab/sessions/", reception.sessions_day, name="sessions"),
    path("rehab/sessions/book/", reception.session_book, name="session-book"),
    path("rehab/sessions/series/", reception.session_series, name="session-series"),
    path("rehab/sessions/<int:pk>/log/", physio.session_log, name="session-log"),
    path("rehab/sessions/<int:pk>/move/", reception.session_move, name="session-move"),
    path("rehab/sessions/<int:pk>/cancel/", reception.session_cancel, name="session-cancel"),
]
