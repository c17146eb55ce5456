"""The migrations that make a session's physio NOT NULL repair the rows that lacked one."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("rehab", "0003_merge_0002_history_0002_reminder")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _old_world(apps, *, assigned: bool, logged: bool):
    """A session stored without a physio, as the old booking service allowed."""
    User = apps.get_model("auth", "User")
    Patient = apps.get_model("clinic", "Patient")
    Case = apps.get_model("clinic", "Case")
    PhysioSession = apps.get_model("rehab", "PhysioSession")
    paula = User.objects.create(username="paula-m", first_name="Paula")
    patient = Patient.objects.create(
        mrn="T-MIGRATE", given_name="Emma", family_name="Martin", date_of_birth="1991-03-14"
    )
    case = Case.objects.create(patient=patient, assigned_physio=paula if assigned else None)
    session = PhysioSession.objects.create(
        case=case,
        physio=None,
        scheduled_at=timezone.now() - datetime.timedelta(days=1),
        logged_by=paula if logged else None,
    )
    return paula.pk, session.pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("assigned", "logged"), [(True, False), (False, True)])
def test_it_gives_a_session_without_physio_its_cases_physio_or_its_logger(assigned, logged):
    old = _migrate(BEFORE)
    paula_pk, session_pk = _old_world(old, assigned=assigned, logged=logged)

    new = _migrate(_latest())

    assert new.get_model("rehab", "PhysioSession").objects.get(pk=session_pk).physio_id == paula_pk


@pytest.mark.django_db(transaction=True)
def test_it_stops_when_a_session_has_no_practitioner_to_take():
    old = _migrate(BEFORE)
    _paula_pk, session_pk = _old_world(old, assigned=False, logged=False)

    try:
        with pytest.raises(RuntimeError, match="1 physiotherapy session"):
            _migrate(_latest())
    finally:
        old.get_model("rehab", "PhysioSession").objects.filter(pk=session_pk).delete()
        _migrate(_latest())
