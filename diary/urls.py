"""Pages of the diary: reception's day and week, and the practitioners' own day."""

from django.urls import path

from diary import views

app_name = "diary"

urlpatterns = [
    path("diary/", views.diary, name="diary"),
    path("diary/my-day/", views.my_day, name="my-day"),
    path("diary/feed/<str:token>.ics", views.calendar_feed, name="feed"),
    path("offers/<str:token>/", views.offer, name="offer"),
]
