"""Each app's migrations are one line: one leaf, no merge migration, no number used twice.

Beside ``makemigrations --check`` (make check): that one says no model change lacks its
migration; this one says the migrations that exist form a straight history per app.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db.migrations.loader import MigrationLoader

ROOT = Path(settings.BASE_DIR).resolve()
OUR_APPS = sorted(
    config.label
    for config in apps.get_app_configs()
    if Path(config.path).resolve().is_relative_to(ROOT)
    and (Path(config.path) / "migrations").is_dir()
)


@pytest.fixture(scope="module")
def loader() -> MigrationLoader:
    return MigrationLoader(None, ignore_no_migrations=True)


def test_it_checks_every_app_of_the_project():
    assert {"clinic", "reminders", "triage", "rehab"} <= set(OUR_APPS)


@pytest.mark.parametrize("app", OUR_APPS)
def test_each_app_has_one_leaf_migration(loader, app):
    assert len(loader.graph.leaf_nodes(app)) == 1


@pytest.mark.parametrize("app", OUR_APPS)
def test_no_app_has_a_merge_migration(loader, app):
    merges = [
        name
        for (label, name), migration in loader.disk_migrations.items()
        if label == app and sum(dep[0] == app for dep in migration.dependencies) > 1
    ]
    assert merges == []


@pytest.mark.parametrize("app", OUR_APPS)
def test_no_app_uses_a_migration_number_twice(loader, app):
    numbers = Counter(name.split("_")[0] for label, name in loader.disk_migrations if label == app)
    assert [number for number, count in numbers.items() if count > 1] == []
