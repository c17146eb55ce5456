"""Writes of the reminders app, one module per concern.

``events`` (the outbox: the only module other apps call), ``actions`` (staff and patients),
``dispatch`` (claim and send), ``delivery`` (mail and SMS), ``alerts`` (failures told).
"""
