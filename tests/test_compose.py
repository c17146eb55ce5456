"""compose.yaml runs the application as its least-privileged database role (docs/security.md).

Docker does not run where the tests do: the YAML is read and its wiring checked.
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def load(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text())


def db_user(url: str) -> str:
    return url.split("://", 1)[1].split(":", 1)[0]


def test_web_worker_and_beat_log_in_as_the_application_role():
    services = load("compose.yaml")["services"]

    for name in ("web", "worker", "beat"):
        assert db_user(services[name]["environment"]["DATABASE_URL"]) == "talus_app", name
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    assert "migrate" not in services["web"]["command"]


def test_only_the_migration_job_logs_in_as_the_owner_and_then_grants():
    services = load("compose.yaml")["services"]

    migrate = services["migrate"]
    assert db_user(migrate["environment"]["DATABASE_URL"]) == "talus"
    assert "manage.py migrate" in migrate["command"]
    assert "manage.py db_grants --app-role talus_app" in migrate["command"]
    assert "migrate" not in migrate["depends_on"]


def test_the_image_superuser_is_not_the_applications_and_the_roles_are_not_superusers():
    compose = load("compose.yaml")
    postgres = compose["services"]["postgres"]
    roles_sql = compose["configs"]["postgres_roles"]["content"]

    assert postgres["environment"]["POSTGRES_USER"] == "postgres"
    assert "CREATE ROLE talus LOGIN NOSUPERUSER" in roles_sql
    assert "CREATE ROLE talus_app LOGIN NOSUPERUSER" in roles_sql
    assert "ALTER DATABASE talus OWNER TO talus;" in roles_sql
    assert "talus:talus@" not in (ROOT / "compose.yaml").read_text()


def test_the_scaled_deployment_uses_the_same_roles():
    scale = load("compose.scale.yaml")["services"]

    assert db_user(scale["app"]["environment"]["DATABASE_URL"]) == "talus_app"
    assert db_user(scale["worker"]["environment"]["DATABASE_URL"]) == "talus_app"
    assert scale["pgbouncer"]["environment"]["DB_USER"] == "talus_app"
    assert db_user(scale["migrate"]["environment"]["DATABASE_URL"]) == "talus"
    assert "db_grants --app-role talus_app" in scale["migrate"]["command"]
