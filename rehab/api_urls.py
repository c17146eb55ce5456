"""API routes of the rehab app: (prefix, viewset, basename), registered by clinic.urls."""

ROUTES: list[tuple] = []
