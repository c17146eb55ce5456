"""Django admin for the doctors' records: every page opens."""

import pytest

from tests.factories import examination_for, referral_for
from triage.models import Condition


@pytest.mark.parametrize(
    "url",
    [
        "/admin/triage/condition/",
        "/admin/triage/examination/",
        "/admin/triage/diagnosis/",
        "/admin/triage/imagingreferral/",
        "/admin/triage/condition/{condition}/change/",
        "/admin/triage/imagingreferral/{referral}/change/",
        "/admin/triage/examination/{exam}/change/",
    ],
)
def test_it_opens_the_triage_admin(client, ada, dan, case, url):
    exam = examination_for(case, dan)
    referral = referral_for(case, dan, status="reported")
    condition = Condition.objects.get(code="ankle_sprain")
    client.force_login(ada)

    response = client.get(url.format(condition=condition.pk, referral=referral.pk, exam=exam.pk))

    assert response.status_code == 200
