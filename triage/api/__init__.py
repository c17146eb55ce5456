"""api of the triage app, one module per feature."""
