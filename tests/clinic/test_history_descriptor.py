"""clinic.history: Model.history keeps simple-history's behaviour, with its class made once."""

from __future__ import annotations

import pytest

from clinic.history import CachedHistoryDescriptor
from clinic.models import Case, Patient
from rehab.models import PhysioSession
from tests.factories import PatientFactory
from triage.models import Intake

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Patient, Case, Intake, PhysioSession])
def test_every_tracked_model_gets_the_cached_descriptor(model):
    assert isinstance(model.__dict__["history"], CachedHistoryDescriptor)
    assert type(model.history) is type(model.history)


def test_history_is_still_recorded_and_scoped_to_the_instance():
    first = PatientFactory(given_name="Ann")
    other = PatientFactory(given_name="Bob")
    first.given_name = "Anna"
    first.save()

    assert [h.given_name for h in first.history.order_by("history_id")] == ["Ann", "Anna"]
    assert [h.given_name for h in other.history.all()] == ["Bob"]
    assert Patient.history.count() == 3
    assert first.history.most_recent().given_name == "Anna"
