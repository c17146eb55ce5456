"""Pages of the reports app (doctors and admins)."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/<slug:name>/", views.detail, name="detail"),
    path("reports/cases/<int:pk>/letter/send/", views.letter_send, name="letter-send"),
]
