"""Pages of the triage app (reception intake; doctors' pages)."""

app_name = "triage"

urlpatterns: list = []
