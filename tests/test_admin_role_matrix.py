"""The role matrix of Django admin: every admin of patient data, every persona.

Admin is the administrators' door (the design's role table): reception, doctors and physios —
staff of the clinic but not of its admin — are sent to the admin login and see nothing, an
anonymous visitor likewise; the administrator, her second factor verified, reads the list,
the record and its history. A model admin registered later is covered without a new line.
"""

from __future__ import annotations

import pytest

from tests.test_audit_complete import ADMIN_IDS, PATIENT_ADMINS
from tests.test_role_matrix import A, D, N, O, P, R, build_world

pytestmark = pytest.mark.django_db

NOT_ADMIN = (R, P, O, D, N)


@pytest.fixture
def world(db):
    return build_world()


def pages(model) -> dict[str, str]:
    opts = model._meta
    record = model._default_manager.order_by("pk").first()
    assert record is not None, f"the world has no {opts.label}"
    base = f"/admin/{opts.app_label}/{opts.model_name}/"
    return {
        "changelist": base,
        "change": f"{base}{record.pk}/change/",
        "history": f"{base}{record.pk}/history/",
    }


@pytest.mark.parametrize(("model", "model_admin"), PATIENT_ADMINS, ids=ADMIN_IDS)
@pytest.mark.parametrize("persona", NOT_ADMIN)
def test_no_one_but_the_administrator_reaches_an_admin_of_patient_data(
    world, client, model, model_admin, persona
):
    user = world.users[persona]
    if user is not None:
        client.force_login(user)

    for name, url in pages(model).items():
        response = client.get(url)

        assert response.status_code == 302, f"{persona} {name} {url}"
        assert response["Location"].startswith("/admin/login/"), f"{persona} {name} {url}"


@pytest.mark.parametrize(("model", "model_admin"), PATIENT_ADMINS, ids=ADMIN_IDS)
def test_the_administrator_reads_each_admin_of_patient_data(world, client, model, model_admin):
    client.force_login(world.users[A])

    for name, url in pages(model).items():
        assert client.get(url).status_code == 200, f"{name} {url}"
