"""Security controls: login lockout, two-factor, request logs (docs/security.md)."""
