"""The physio's case page shows the medical picture: intake answers, exam findings,
diagnoses, imaging reports and review notes (triage's panel)."""

from __future__ import annotations

import pytest

from clinic.models import AuditEvent
from tests.test_role_matrix import MARKER, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(catalogue):
    return build_world()


def test_the_physio_sees_what_the_doctors_found(client, world):
    client.force_login(world.paula)

    response = client.get(f"/rehab/cases/{world.case.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    picture = html[html.index('id="picture-h"') :]
    assert "Sprain and strain of ankle" in picture
    assert "Pain in the malleolar zone" in picture
    assert "Weekly distance (km)" in picture and "35.5" in picture
    assert "Report:" in picture and "Review note" in picture
    assert MARKER in picture
    shown = set(AuditEvent.objects.values_list("object_type", flat=True))
    assert {
        "triage.intake",
        "triage.examination",
        "triage.diagnosis",
        "triage.imagingreferral",
    } <= shown


def test_the_doctors_page_keeps_its_own_sections(client, world):
    client.force_login(world.dan)

    html = client.get(f"/cases/{world.case.pk}/").content.decode()

    assert 'id="picture-h"' not in html


def test_another_physio_sees_nothing(client, world):
    client.force_login(world.oscar)

    assert client.get(f"/rehab/cases/{world.case.pk}/").status_code == 404
