"""Django admin for the doctors' records."""

import pytest

from tests.factories import examination_for, referral_for


@pytest.mark.parametrize(
    "url",
    [
        "/admin/triage/condition/",
        "/admin/triage/examination/",
        "/admin/triage/diagnosis/",
        "/admin/triage/imagingreferral/",
        "/admin/triage/condition/1/change/",
        "/admin/triage/imagingreferral/1/change/",
        "/admin/triage/examination/1/change/",
    ],
)
def test_it_opens_the_triage_admin(client, ada, dan, case, url):
    examination_for(case, dan)
    referral_for(case, dan, status="reported")
    client.force_login(ada)
    assert client.get(url).status_code == 200
