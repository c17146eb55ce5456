"""API routes of the triage app: (prefix, viewset, basename), registered by clinic.urls."""

ROUTES: list[tuple] = []
