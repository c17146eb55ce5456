"""Talus settings: one file, read from the environment (12-factor).

Every variable is parsed strictly: a malformed value stops start-up with an
``ImproperlyConfigured`` that names the variable, so a typo in production never
silently falls back to a default. The table of variables lives in README.md.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
import zoneinfo
from pathlib import Path

import environ
import phonenumbers
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TALUS_VAR_DIR", BASE_DIR / "var"))

# Refused whenever DEBUG is off: it is public, so it signs nothing in production.
DEV_SECRET_KEY = "django-insecure-talus-development-key-do-not-use-in-production"  # noqa: S105

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None) -> str | None:
    """The variable's value with surrounding blanks removed, or the default when unset."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    """A boolean that accepts only 1/0, true/false, yes/no, on/off."""
    value = env_str(name)
    if value is None or value == "":
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """An integer, optionally bounded below."""
    value = env_str(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blanks between commas are ignored."""
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str, default: list[str]) -> list:
    """A comma-separated list of IP addresses or networks in CIDR form (10.0.0.0/8, ::1)."""
    networks = []
    for item in env_list(name, default):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or networks such as 10.0.0.0/8, not {item!r}."
            ) from None
    return networks


def env_emails(name: str) -> list[str]:
    """A comma-separated list of email addresses; empty when unset."""
    addresses = env_list(name, [])
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ImproperlyConfigured(
                f"{name} must list email addresses, not {address!r}."
            ) from None
    return addresses


def env_time_zone(name: str, default: str) -> str:
    """An IANA time-zone name such as Europe/Paris."""
    value = env_str(name) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Europe/Paris, not {value!r}."
        ) from None
    return value


def env_hours(name: str, default: str) -> tuple[int, int] | None:
    """Quiet hours as 'START-END' in whole local hours (e.g. 21-8); empty disables them."""
    value = env_str(name, default)
    if not value:
        return None
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", value)
    if not match or not all(0 <= int(h) <= 23 for h in match.groups()):
        raise ImproperlyConfigured(
            f"{name} must look like 21-8 (hours 0-23, start-end), not {value!r}."
        )
    start, end = (int(h) for h in match.groups())
    if start == end:
        raise ImproperlyConfigured(f"{name} must have different start and end hours.")
    return start, end


def env_db(name: str, default: str) -> dict:
    """A database URL (sqlite:///path or postgres://user@host:port/name)."""
    value = env_str(name) or default
    if not re.match(r"^(sqlite|postgres|postgresql|pgsql)://", value):
        raise ImproperlyConfigured(
            f"{name} must start with sqlite:// or postgres://, not {value.split(':')[0]!r}."
        )
    try:
        config = environ.Env.db_url_config(value)
    except Exception as exc:  # environ raises several types for a bad URL
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        path = config["NAME"]
        if path and path != ":memory:" and not os.path.isabs(path):
            config["NAME"] = str(BASE_DIR / path)
    elif not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name the database (postgres://…/talus).")
    return config


def env_email(name: str, default: str) -> dict:
    """An email URL: consolemail://, smtp://user:pass@host:port, smtp+tls://…, locmemmail://."""
    value = env_str(name) or default
    try:
        config = environ.Env.email_url_config(value)
    except Exception as exc:
        raise ImproperlyConfigured(f"{name} is not a valid email URL: {exc}") from None
    if not config.get("EMAIL_BACKEND"):
        raise ImproperlyConfigured(f"{name} has an unknown scheme: {value.split(':')[0]!r}.")
    return config


def env_redis(name: str) -> str | None:
    """A redis:// or rediss:// URL, or None when unset."""
    value = env_str(name)
    if not value:
        return None
    if not re.match(r"^rediss?://[^/\s]+", value):
        raise ImproperlyConfigured(f"{name} must be a redis:// URL, not {value.split(':')[0]!r}.")
    return value


# --- Core -----------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or (DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a private value when DJANGO_DEBUG is off."
    )
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list this site's host names.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django admin on django-otp's admin site: two-factor is required to reach it.
    "clinic.security.apps.TwoFactorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    # API tokens: hashed, expiring, one per client (clinic.security.tokens).
    "knox",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Privacy: who changed which clinical record, and when.
    "simple_history",
    "clinic.apps.ClinicConfig",
    # Feature apps, each standing only on the core and the apps listed before it (the import
    # contract in pyproject.toml).
    "reminders.apps.RemindersConfig",
    "diary.apps.DiaryConfig",
    "triage.apps.TriageConfig",
    "rehab.apps.RehabConfig",
    "reports.apps.ReportsConfig",
    "portal.apps.PortalConfig",
]

MIDDLEWARE = [
    "clinic.middleware.RequestIdMiddleware",
    # Near the top: a database outage anywhere below answers 503 with Retry-After, not a 500.
    "clinic.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise: one line per request to the application, none per static file.
    "clinic.security.middleware.RequestLogMiddleware",
    # Every answer below whitenoise carries Cache-Control: no-store (patient data).
    "clinic.security.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "clinic.security.middleware.TwoFactorMiddleware",
    # A NUL character in the query string is a 400 naming the parameter (pages and API).
    "clinic.middleware.QueryStringMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Privacy: sets history_user on the historical rows a request writes.
    "simple_history.middleware.HistoryRequestMiddleware",
    "clinic.middleware.AuditMiddleware",
    # Last: turns a login that axes refused into the "locked out" answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.clinic",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------

DATABASES = {"default": env_db("DATABASE_URL", "sqlite:///var/talus.sqlite3")}
# Every request is one transaction: a failed write never leaves half a record.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
# A kept connection is checked (SELECT 1) before a request reuses it: after a database
# restart the request reconnects instead of failing on a dead socket (docs/faults.md).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The worker and the web server share the file: wait for a lock, never fail at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# Behind PgBouncer in transaction mode a server connection is ours for one transaction
# only: no persistent connections, no server-side cursors (docs/scaling.md).
if env_bool("DATABASE_BEHIND_POOLER", default=False):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Optional read replica (docs/scaling.md): absent, there is no router and no second alias.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = env_db("DATABASE_REPLICA_URL", "")
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must name the same kind of database as DATABASE_URL."
        )
    for _key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "DISABLE_SERVER_SIDE_CURSORS"):
        if _key in DATABASES["default"]:
            DATABASES["replica"][_key] = DATABASES["default"][_key]
    # Test runs point the alias at the primary's test database instead of creating one.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["clinic.db_router.PrimaryReplicaRouter"]

# --- Auth -------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 15, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the age above is an idle timeout, not a fixed one
# In the database, never the cache: a Redis outage must not sign everybody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True

# --- Time and language --------------------------------------------------------

LANGUAGE_CODE = "en-gb"
CLINIC_TIME_ZONE = env_time_zone("CLINIC_TIME_ZONE", "UTC")
TIME_ZONE = CLINIC_TIME_ZONE
USE_I18N = True
USE_TZ = True
CLINIC_NAME = env_str("CLINIC_NAME", "Talus Sports Physiotherapy")
# The clinic's booking tool, linked from the triage result; {mrn} is replaced. Empty: no link.
CLINIC_BOOKING_URL = env_str("CLINIC_BOOKING_URL", "")
# Where sessions take place, printed in reminders ("where") when the session names no room.
CLINIC_ADDRESS = env_str("CLINIC_ADDRESS", "the clinic")
# The clinic's week ("mon-fri 08:00-19:00, sat 09:00-12:00", clinic time): where a practitioner
# with no availability rows takes bookings (docs/diary.md). Checked at start-up by the diary.
CLINIC_OPENING_HOURS = env_str("CLINIC_OPENING_HOURS", "mon-fri 08:00-19:00")
# This site's public address: absolute links in messages (the reminders' opt-out link).
SITE_URL = (env_str("SITE_URL", "http://127.0.0.1:8000") or "").rstrip("/")
if not re.match(r"^https?://[^/\s]+", SITE_URL):
    raise ImproperlyConfigured(f"SITE_URL must be an http(s):// address, not {SITE_URL!r}.")
# The canonical base of Talus's published FHIR resources (its code systems and the intake
# Questionnaire): served by Talus at <SITE_URL>/fhir/ unless the clinic publishes them elsewhere.
FHIR_CANONICAL_BASE = (env_str("FHIR_CANONICAL_BASE", f"{SITE_URL}/fhir") or "").rstrip("/")
if not re.match(r"^https?://[^/\s]+", FHIR_CANONICAL_BASE):
    raise ImproperlyConfigured(
        f"FHIR_CANONICAL_BASE must be an http(s):// address, not {FHIR_CANONICAL_BASE!r}."
    )

# --- The runner's pages (portal) -------------------------------------------
# How long a private link works, how long a runner stays signed in without a page, and how
# long a questionnaire asked from home stays open before it expires (docs/runner.md).
PORTAL_LINK_DAYS = env_int("PORTAL_LINK_DAYS", 30, minimum=1)
PORTAL_SESSION_MINUTES = env_int("PORTAL_SESSION_MINUTES", 30, minimum=1)
OUTCOME_REQUEST_DAYS = env_int("OUTCOME_REQUEST_DAYS", 7, minimum=1)

# --- Privacy ------------------------------------------------------------
# How long a medical record is kept after the last case closed. Jurisdiction-dependent
# (docs/privacy.md): a patient's identity can be anonymised only once it has passed.
MEDICAL_RECORD_RETENTION_YEARS = env_int("MEDICAL_RECORD_RETENTION_YEARS", 10, minimum=1)
# Reverting a clinical record from its history would bypass the services' rules.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Static files -------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Patients' phone numbers ---------------------------------------------------
# The country a phone number typed without its +code belongs to (ISO 3166 alpha-2); every
# number is stored in E.164 (clinic.services.phone_e164).
PHONE_DEFAULT_REGION = (env_str("PHONE_DEFAULT_REGION") or "FR").upper()
if PHONE_DEFAULT_REGION not in phonenumbers.SUPPORTED_REGIONS:
    raise ImproperlyConfigured(
        "PHONE_DEFAULT_REGION must be a country code such as FR or GB, "
        f"not {PHONE_DEFAULT_REGION!r}."
    )

# --- Email and SMS ------------------------------------------------------------

_email = env_email("EMAIL_URL", "consolemail://")
vars().update(_email)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Talus clinic <no-reply@talus.invalid>")
SMS_BACKEND = env_str("SMS_BACKEND", "reminders.sms.ConsoleBackend")
# Twilio's Programmable Messaging (reminders.sms.TwilioBackend): the account, its API key
# (or auth token) and the sender, an E.164 number, an alphanumeric sender id or a Messaging
# Service (MG…). TWILIO_API_URL is the API's origin (a test points it at a local fake).
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM = env_str("TWILIO_FROM", "")
TWILIO_API_URL = env_str("TWILIO_API_URL", "https://api.twilio.com").rstrip("/")
# Never wait forever on the SMS provider either.
SMS_TIMEOUT = env_int("SMS_TIMEOUT", 10, minimum=1)
if SMS_BACKEND == "reminders.sms.TwilioBackend":
    _missing = [
        name
        for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM")
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"SMS_BACKEND is Twilio: set {', '.join(_missing)} (docs/reminders.md)."
        )
# Backends that only pretend to deliver: with debug off a reminder is delivered, or it is
# not marked sent, so production refuses to start on any of them.
FAKE_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
FAKE_SMS_BACKENDS = {"reminders.sms.ConsoleBackend", "reminders.sms.LocmemBackend"}
if not DEBUG:
    _fakes = []
    if _email["EMAIL_BACKEND"] in FAKE_EMAIL_BACKENDS:
        _fakes.append(f"EMAIL_URL ({_email['EMAIL_BACKEND'].split('.')[-2]} backend)")
    if SMS_BACKEND in FAKE_SMS_BACKENDS:
        _fakes.append(f"SMS_BACKEND ({SMS_BACKEND})")
    if _fakes:
        raise ImproperlyConfigured(
            "With DJANGO_DEBUG off, messages must really be delivered; these only pretend: "
            f"{'; '.join(_fakes)}. Set EMAIL_URL to smtp:// (or smtp+tls://) and SMS_BACKEND "
            "to a provider (reminders.sms.TwilioBackend)."
        )
# Never wait forever on a mail server: a hung SMTP connection would outlive the task's limit.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
REMINDER_QUIET_HOURS = env_hours("REMINDER_QUIET_HOURS", "21-8")
# A claimed reminder whose message was lost (a worker died, the broker dropped it) is claimed
# again after this lease. It must outlive the send task's hard time limit (30 s, reminders.tasks)
# plus the time a batch may wait in the queue, so that a live send is never re-claimed; the
# recovery of a lost message takes the lease plus one dispatcher period (docs/reminders.md).
REMINDER_LEASE_SECONDS = env_int("REMINDER_LEASE_SECONDS", 120, minimum=60)
# Delivery retries (docs/reminders.md, "Retries"): a message the server or the provider did
# not take is tried again through the outbox after as long as the failure has lasted (1, 2,
# 4 … min, shortened at random by up to a half), never more than REMINDER_RETRY_MAX_SECONDS
# apart, and is failed (and the clinic's admins told) only by a failure
# REMINDER_GIVE_UP_SECONDS after the first one.
REMINDER_RETRY_FIRST_SECONDS = env_int("REMINDER_RETRY_FIRST_SECONDS", 60, minimum=1)
REMINDER_RETRY_MAX_SECONDS = env_int("REMINDER_RETRY_MAX_SECONDS", 3600, minimum=1)
REMINDER_GIVE_UP_SECONDS = env_int("REMINDER_GIVE_UP_SECONDS", 24 * 3600, minimum=1)
if not REMINDER_RETRY_FIRST_SECONDS <= REMINDER_RETRY_MAX_SECONDS <= REMINDER_GIVE_UP_SECONDS:
    raise ImproperlyConfigured(
        "REMINDER_RETRY_FIRST_SECONDS <= REMINDER_RETRY_MAX_SECONDS <= REMINDER_GIVE_UP_SECONDS "
        f"must hold, not {REMINDER_RETRY_FIRST_SECONDS} / {REMINDER_RETRY_MAX_SECONDS} / "
        f"{REMINDER_GIVE_UP_SECONDS}."
    )
# Who hears of a reminder that finally failed, besides the active users of the admin role
# who have an email address: e.g. the front desk's mailbox.
REMINDER_ALERT_EMAILS = env_emails("REMINDER_ALERT_EMAILS")
# Rows one dispatcher run claims and queues at most (the rest waits for the next run).
REMINDER_DISPATCH_MAX = env_int("REMINDER_DISPATCH_MAX", 10000, minimum=1)

# --- Cache (API throttling counters) --------------------------------------------
# Only the throttles use it, and they count in process memory while Redis does not answer
# (clinic.throttling): sessions and django-axes' lockouts live in the database, so a Redis
# outage refuses no request (docs/faults.md). Short socket timeouts: a Redis that hangs
# costs one request a second, then the throttles leave it alone for a few seconds.

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_redis("REDIS_URL"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if env_redis("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Celery -------------------------------------------------------------------

REDIS_URL = env_redis("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # kombu's filesystem transport: a real on-disk broker, no server to run.
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control", "results"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{_broker_dir / 'results'}"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = CLINIC_TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {
    "dispatch-due-reminders": {
        "task": "reminders.tasks.dispatch_due_reminders",
        "schedule": 60.0,
        # A run still queued after a minute is superseded by the next one: never pile up.
        "options": {"expires": 55},
    },
    # Idempotency keys are answered for 24 hours; older rows are only storage.
    "purge-idempotency-keys": {
        "task": "clinic.purge_idempotency_keys",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    # Expired API tokens are refused already; the rows are only storage.
    "purge-expired-tokens": {
        "task": "clinic.purge_expired_tokens",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    "alert-failed-reminders": {
        "task": "reminders.tasks.alert_failed_reminders",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # The runner's questionnaires: defaults written, due ones sent, unanswered ones expired.
    "outcome-requests-due": {
        "task": "portal.tasks.outcome_requests_due",
        "schedule": 900.0,
        "options": {"expires": 880},
    },
    # The reports' aggregates fold in the changes marked since (docs/reports.md, "Freshness"):
    # a report is at most about this old.
    "refresh-report-aggregates": {
        "task": "reports.refresh_aggregates",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
    # The caseload's order (rehab.caseload_order): a case whose next booked session has begun
    # takes its place after the others at most this late; what its row shows is exact always.
    "refresh-caseload-order": {
        "task": "rehab.refresh_caseload_order",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
}

# --- REST framework and the schema ----------------------------------------------

API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 12, minimum=1)
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(hours=API_TOKEN_TTL_HOURS),
    # A fixed lifetime: a stolen token is not kept alive by using it.
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
for _name in ("API_THROTTLE_ANON", "API_THROTTLE_USER", "API_THROTTLE_AUTH", "LOGIN_THROTTLE"):
    _rate = env_str(_name)
    if _rate and not re.fullmatch(r"\d+/(s|sec|m|min|h|hour|d|day)", _rate):
        raise ImproperlyConfigured(f"{_name} must look like 60/min, not {_rate!r}.")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API call gets 401 with WWW-Authenticate: Token.
        "clinic.security.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's throttles, counting in process memory while the cache (Redis) is down.
        "clinic.throttling.AnonRateThrottle",
        "clinic.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/min"),
        "user": env_str("API_THROTTLE_USER", "3000/min"),
        "auth": env_str("API_THROTTLE_AUTH", "20/min"),
        # POSTs to the login page, per client address (clinic.throttling.LoginRateThrottle).
        "login": env_str("LOGIN_THROTTLE", "20/min"),
    },
    # Deny by default: every view must also pass its role check.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "clinic.permissions.RolePermission",
    ],
    # JSON only, nesting and size limited before parsing (clinic.parsers); the token endpoint
    # also takes a form (clinic.auth_api).
    "DEFAULT_PARSER_CLASSES": ["clinic.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "clinic.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "clinic.filters.FilterBackend",
        "clinic.filters.NameSearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # Error responses, ETag headers and update requests, for every operation (clinic.schema).
    "DEFAULT_SCHEMA_CLASS": "clinic.schema.AutoSchema",
    "EXCEPTION_HANDLER": "clinic.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Talus API",
    "DESCRIPTION": "Case management for a sports and physiotherapy clinic.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema describes no patient data; Swagger UI's assets are served by Talus (no CDN).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # One enum name per shared choice set.
    "ENUM_NAME_OVERRIDES": {
        "AbilityEnum": "triage.vocabulary.ABILITIES",
        "TestResultEnum": "triage.models.TestResult",
        "ChannelEnum": "clinic.models.Channel",
        "ImagingStudyEnum": "triage.vocabulary.IMAGING_STUDIES",
        "SideEnum": "clinic.models.Side",
        "SessionStatusEnum": "rehab.models.SessionStatus",
        "DiagnosisStatusEnum": "triage.models.DiagnosisStatus",
        "RunDecisionEnum": "rehab.models.RUN_DECISION_CHOICES",
        "AnkleSideEnum": "rehab.models.OutcomeSide",
        "SourceEnum": "rehab.models.OutcomeSource",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging --------------------------------------------------------------------
# One JSON object per line (LOG_FORMAT=plain for a person reading a terminal). The request
# line is written by clinic.security.middleware.RequestLogMiddleware with the URL's route
# pattern, never the path or the query string; nothing here may carry patient data.

LOG_FORMAT = env_str("LOG_FORMAT", "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "clinic.request_context.RequestIdLogFilter"},
        "route_only": {"()": "clinic.security.logs.RouteOnlyFilter"},
    },
    "formatters": {
        "json": {"()": "clinic.security.logs.JsonFormatter"},
        "plain": {
            "()": "clinic.security.logs.PlainFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            # On the handler: every logger's records about a request name its route only.
            "filters": ["request_id", "route_only"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # django.server and django.request log full URLs, query strings included.
        "django.server": {"handlers": [], "propagate": False},
        "django.request": {"level": "ERROR"},
        # Failures and lockouts are warnings; axes' INFO lines are housekeeping.
        "axes": {"level": "WARNING"},
    },
}

# --- Production hardening ----------------------------------------------------------

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
if env_bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG and env_bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"


# --- Login lockout, two-factor, Content-Security-Policy (docs/security.md) ----------

BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", default=False)
# The proxies whose X-Forwarded-For is believed (clinic.security.proxies.client_ip); from
# any other peer the header is ignored. Behind a proxy with none named: one on this host.
TRUSTED_PROXIES = env_networks(
    "DJANGO_TRUSTED_PROXIES", ["127.0.0.1", "::1"] if BEHIND_PROXY else []
)
if BEHIND_PROXY and not SECURE_SSL_REDIRECT:
    # A TLS-terminating proxy owns the http->https redirect: Django only ever sees the
    # proxy's plain-HTTP hop, and HSTS keeps browsers on https. Silenced only then.
    SILENCED_SYSTEM_CHECKS = ["security.W008"]

AUTHENTICATION_BACKENDS = [
    # First: refuses every login (page, admin, API token) while its username+IP is locked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins and lockouts are counted in the database (not the cache): they hold, and
# logins work, while Redis is down.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
# The pair, not the user alone: nobody can lock a colleague out from another machine, and
# a mistyped password at the shared front-desk PC never locks the whole desk out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "clinic.security.proxies.client_ip"
AXES_LOCKOUT_CALLABLE = "clinic.security.lockout.locked_out_response"

# The roles that reach nothing but enrolment before their second factor, on pages and API
# alike (staff and superuser accounts always count as admin). A clinic may add doctor,
# physio, reception.
# A name that is no role stops start-up (clinic.security.checks).
TWO_FACTOR_ROLES = env_list("TWO_FACTOR_ROLES", ["admin"])

# The name shown beside the account in the person's authenticator app.
OTP_TOTP_ISSUER = CLINIC_NAME

# No inline script or style anywhere; every asset is ours (whitenoise), none from a CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF],
        "img-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
    }
}
