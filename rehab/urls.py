"""Pages of the rehab app (physiotherapists)."""

app_name = "rehab"

urlpatterns: list = []
