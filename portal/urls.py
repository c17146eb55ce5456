"""The runner's pages: everything under /r/."""

from django.urls import path

from portal import between_visits, staff_views, views

app_name = "portal"

urlpatterns = [
    path("r/", views.home, name="home"),
    path("r/leave/", views.leave, name="leave"),
    path("r/questionnaires/<int:pk>/", views.answer, name="answer"),
    path("r/intake/<int:pk>/", views.intake, name="intake"),
    path("r/exercises/", between_visits.exercises, name="exercises"),
    path("r/exercises/saved/", between_visits.exercises_saved, name="exercises-saved"),
    path("r/runs/new/", between_visits.run_new, name="run-new"),
    path("r/runs/<int:pk>/", between_visits.run_detail, name="run"),
    path("r/runs/<int:pk>/morning/", between_visits.run_morning, name="run-morning"),
    path("portal/intakes/", staff_views.intakes_to_confirm, name="intakes-to-confirm"),
    path("portal/cases/<int:pk>/ask/", staff_views.case_ask, name="case-ask"),
    path("portal/cases/<int:pk>/link/", staff_views.case_link, name="case-link"),
    path("portal/intakes/<int:pk>/confirm/", staff_views.intake_confirm, name="intake-confirm"),
    path("r/<str:token>/", views.link_open, name="open"),
]
