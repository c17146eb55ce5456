"""compose.scale.yaml is valid YAML and describes the scaled deployment of docs/scaling.md."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_it_is_valid_yaml_with_the_scaled_services():
    scale = yaml.safe_load((ROOT / "compose.scale.yaml").read_text())
    base = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = scale["services"]
    assert {"app", "worker", "lb", "pgbouncer", "postgres", "postgres-replica"} <= set(services)
    assert services["web"]["profiles"] == ["single-node"]  # the port-publishing one is parked
    assert "ports" not in services["app"]  # replicas publish nothing: only lb does
    assert services["pgbouncer"]["environment"]["POOL_MODE"] == "transaction"
    assert services["app"]["environment"]["DATABASE_BEHIND_POOLER"] == "on"
    assert set(scale["services"]) - {"app", "migrate", "lb", "pgbouncer", "postgres-replica"} <= (
        set(base["services"])
    )


def test_no_access_log_writes_paths_or_query_strings():
    scale = yaml.safe_load((ROOT / "compose.scale.yaml").read_text())
    base = yaml.safe_load((ROOT / "compose.yaml").read_text())

    commands = [
        service.get("command", "")
        for compose in (scale, base)
        for service in compose["services"].values()
    ]
    gunicorns = [command for command in commands if "gunicorn" in command]
    assert gunicorns
    assert not any("access-log" in command or "access-logfile" in command for command in gunicorns)
    assert "access_log off;" in scale["configs"]["nginx_conf"]["content"]


def test_the_replicas_trust_forwarded_addresses_from_the_compose_network_only():
    services = yaml.safe_load((ROOT / "compose.scale.yaml").read_text())["services"]

    assert services["app"]["environment"]["DJANGO_TRUSTED_PROXIES"] == (
        "${DJANGO_TRUSTED_PROXIES:-172.16.0.0/12}"
    )
