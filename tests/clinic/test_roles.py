"""The roles' model permissions and home pages: the core's rows, and those each app declares."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

from clinic import roles


def codenames(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return set(group.permissions.values_list("codename", flat=True))


def test_it_gives_each_role_the_permissions_its_apps_declare(db):
    physio, reception, doctor = codenames("physio"), codenames("reception"), codenames("doctor")

    assert {"view_case", "add_treatmentplan", "view_examination", "view_reminder"} <= physio
    assert "add_examination" not in physio
    assert {"add_patient", "add_intake", "add_physiosession", "view_reminder"} <= reception
    assert "view_examination" not in reception and "view_treatmentplan" not in reception
    assert {"change_case", "change_examination", "view_condition", "view_reminder"} <= doctor
    assert "add_treatmentplan" not in doctor
    assert codenames("admin") >= physio | reception | doctor


def test_it_refuses_an_app_that_declares_another_apps_models():
    before = roles.role_permissions()

    with pytest.raises(ImproperlyConfigured, match="its own models only"):
        roles.register_app("rehab", permissions={roles.PHYSIO: {"triage.intake": ("view",)}})

    assert roles.role_permissions() == before


def test_it_refuses_a_second_home_for_a_role():
    with pytest.raises(ImproperlyConfigured, match="both register the home page"):
        roles.register_app("reminders", homes={roles.PHYSIO: "reminders:stop"})

    assert roles.home_of(roles.PHYSIO) == "rehab:caseload"


def test_it_sends_each_role_to_the_home_its_app_registered():
    assert {role: roles.home_of(role) for role in roles.ROLES} == {
        roles.RECEPTION: "triage:reception-home",
        roles.DOCTOR: "triage:case-list",
        roles.PHYSIO: "rehab:caseload",
        roles.ADMIN: "admin:index",
    }


def test_it_syncs_the_groups_once_the_last_app_has_migrated(db):
    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    physio = Group.objects.get(name="physio")
    physio.permissions.clear()

    for config in with_models[:-1]:
        roles.sync_roles_after_migrate(sender=config, app_config=config)
    assert codenames("physio") == set()

    roles.sync_roles_after_migrate(sender=with_models[-1], app_config=with_models[-1])
    assert "add_treatmentplan" in codenames("physio")
