"""Personas and clients shared by the whole suite.

Rita works at reception, Dan is a doctor, Paula is the physio assigned to the
case, Oscar is a physio who must see nothing of it, Ada administers the clinic.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from clinic import roles
from tests.factories import CaseFactory, PatientFactory, UserFactory


@pytest.fixture
def rita(db):
    return UserFactory(username="rita", role=roles.RECEPTION)


@pytest.fixture
def dan(db):
    return UserFactory(username="dan", role=roles.DOCTOR)


@pytest.fixture
def paula(db):
    return UserFactory(username="paula", role=roles.PHYSIO)


@pytest.fixture
def oscar(db):
    return UserFactory(username="oscar", role=roles.PHYSIO)


@pytest.fixture
def ada(db):
    return UserFactory(username="ada", role=roles.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def patient(db):
    return PatientFactory(given_name="Emma", family_name="Martin")


@pytest.fixture
def case(patient, paula):
    """Emma's left ankle, assigned to Paula."""
    return CaseFactory(patient=patient, assigned_physio=paula)


@pytest.fixture
def api():
    """An API client; call ``api.force_authenticate(user)`` or use ``api_as``."""
    return APIClient()


@pytest.fixture
def api_as():
    """``api_as(user)``: an API client authenticated as that user."""

    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make
