"""Talus project configuration and the clinic core (patients, cases, roles, audit)."""

from clinic.celery import app as celery_app

__all__ = ["celery_app"]
