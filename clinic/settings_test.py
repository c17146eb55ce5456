"""Settings for the test suite: production settings with an ephemeral key.

The tests run with DEBUG off, exactly like production; only what a test run
cannot provide is filled in here, explicitly (cookiecutter-django's pattern).
"""

import os
import secrets

os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The browser tests talk plain HTTP to live_server.
os.environ.setdefault("DJANGO_SECURE_COOKIES", "off")
os.environ.setdefault("DJANGO_HSTS_SECONDS", "0")
# With debug off the settings refuse backends that only pretend to deliver: name real ones
# (never reached: the in-memory outboxes below replace them).
os.environ.setdefault("EMAIL_URL", "smtp://mail.invalid:587")
os.environ.setdefault("SMS_BACKEND", "reminders.sms.TwilioBackend")
os.environ.setdefault("TWILIO_ACCOUNT_SID", "AC" + "0" * 32)
os.environ.setdefault("TWILIO_AUTH_TOKEN", secrets.token_hex(16))
os.environ.setdefault("TWILIO_FROM", "Talus")
os.environ.setdefault("TWILIO_API_URL", "http://twilio.invalid")
# The suite runs at any hour of any day and books "tomorrow": the clinic is open all week.
# The diary's tests of opening hours set CLINIC_OPENING_HOURS themselves (the settings fixture).
os.environ.setdefault("CLINIC_OPENING_HOURS", "mon-sun 00:00-24:00")

from clinic.settings import *  # noqa: F403

# Fast hashing and an in-memory mailbox (mail.outbox) for tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
CELERY_TASK_ALWAYS_EAGER = False
# live_server answers each request in a new thread: don't keep those threads' connections.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Throttle counters in process memory, cleared before each test (tests/conftest.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# An in-memory SMS outbox (reminders.sms.outbox), like mail.outbox.
SMS_BACKEND = "reminders.sms.LocmemBackend"
