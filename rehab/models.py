"""Treatment plans, physiotherapy sessions, outcome measures and reminders."""
