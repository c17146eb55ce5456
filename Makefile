# Talus: `make run` runs the clinic (web, worker, beat); `make test` runs the tests.
# Both create or update the virtualenv first. Configuration comes from the environment.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test install system-deps lint format migrate schema check clean bench bench-reminders

$(STAMP): pyproject.toml tests/fhir_validator/package-lock.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# The independent FHIR R4 validator of the export tests (Node.js; docs/api.md).
	@if command -v npm >/dev/null; then \
	  npm ci --prefix tests/fhir_validator --silent --no-audit --no-fund; \
	else echo "npm not found: the FHIR validator tests will be skipped"; fi
	@touch $(STAMP)

install: system-deps $(STAMP)

# WeasyPrint (the discharge letter's PDF) needs Pango, HarfBuzz and a font from the system.
WEASYPRINT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
system-deps:
	@dpkg -s $(WEASYPRINT_DEBS) >/dev/null 2>&1 || \
	  (apt-get install -y -qq $(WEASYPRINT_DEBS) || (apt-get update -qq && apt-get install -y -qq $(WEASYPRINT_DEBS)))

# The embedded default: SQLite under var/, kombu's filesystem broker, debug on, demo data.
# Set DATABASE_URL and REDIS_URL to run the same on PostgreSQL and Redis.
run: install
	@mkdir -p var
	@export DJANGO_DEBUG=$${DJANGO_DEBUG:-on}; \
	$(BIN)/python manage.py migrate --noinput && \
	if $(BIN)/python -c 'import django,os;os.environ.setdefault("DJANGO_SETTINGS_MODULE","clinic.settings");django.setup();from django.conf import settings;raise SystemExit(0 if settings.DEBUG else 1)'; then \
	  $(BIN)/python manage.py seed_demo; \
	else \
	  $(BIN)/python manage.py collectstatic --noinput --verbosity 0; \
	fi && \
	PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho start --procfile Procfile

# SQLite in memory without DATABASE_URL; PostgreSQL with DATABASE_URL=postgres://…
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Style, format, and the import contracts of pyproject.toml (which app may import which).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Django's system checks and no model change without its migration (development settings:
# manage.py refuses to start without a private key when debug is off).
check: $(STAMP)
	DJANGO_DEBUG=on $(BIN)/python manage.py check
	DJANGO_DEBUG=on $(BIN)/python manage.py makemigrations --check --dry-run

schema: $(STAMP)
	@mkdir -p var
	DJANGO_DEBUG=on $(BIN)/python manage.py spectacular --validate --fail-on-warn --file var/schema.yaml

# The load test (docs/benchmarks.md): seeds talus_bench once (BENCH_DATABASE_URL to change it),
# then serves and loads Talus, the floor and the naive baseline. Minutes; never part of `test`.
# BENCH_ARGS passes options, e.g. BENCH_ARGS="--reseed" or "--duration 10".
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@command -v wrk >/dev/null || (apt-get install -y wrk || (apt-get update && apt-get install -y wrk))
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# The reminder benchmark (benchmarks/reminders): Talus's outbox and a bare Celery task, in one
# run, through the same two workers and loopback SMTP server; then the same with a worker
# SIGKILLed mid-run. Minutes. A throwaway PostgreSQL database and a Redis database of its own:
#   make bench-reminders BENCH_REMINDERS_DATABASE_URL=postgres://… BENCH_REMINDERS_REDIS_URL=redis://…
BENCH_REMINDERS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/talus_bench_reminders
BENCH_REMINDERS_REDIS_URL ?= redis://127.0.0.1:6379/15
bench-reminders: $(STAMP)
	@createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_REMINDERS_DATABASE_URL)) 2>/dev/null || true
	DATABASE_URL=$(BENCH_REMINDERS_DATABASE_URL) REDIS_URL=$(BENCH_REMINDERS_REDIS_URL) \
	  $(BIN)/python benchmarks/reminders/run.py $(BENCH_REMINDERS_ARGS)
	DATABASE_URL=$(BENCH_REMINDERS_DATABASE_URL) REDIS_URL=$(BENCH_REMINDERS_REDIS_URL) \
	  $(BIN)/python benchmarks/reminders/run.py --kill --lease 60 $(BENCH_REMINDERS_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache tests/fhir_validator/node_modules
