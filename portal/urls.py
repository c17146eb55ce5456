"""The runner's pages: everything under /r/."""

from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("r/", views.home, name="home"),
    path("r/leave/", views.leave, name="leave"),
    path("r/questionnaires/<int:pk>/", views.answer, name="answer"),
    path("r/<str:token>/", views.link_open, name="open"),
]
