"""The /reports/ pages: every report as a chart beside its table, for doctors and admins."""

from __future__ import annotations

import pytest

from clinic.models import AuditEvent
from tests.reports.test_reports_api import NOVEMBER, clinic  # noqa: F401 - the fixture

REPORT_NAMES = ["attendance", "utilisation", "episodes", "outcomes", "imaging", "recurrence"]


def test_it_shows_every_report_with_its_chart_and_table(clinic, client, dan):  # noqa: F811
    client.force_login(dan)

    response = client.get(f"/reports/?{NOVEMBER}")

    assert response.status_code == 200
    html = response.content.decode()
    for name in REPORT_NAMES:
        assert f'id="chart-{name}-title"' in html
        assert f"/api/v1/reports/{name}/?from=2026-11-01&amp;to=2026-11-30&amp;format=csv" in html
    # The attendance table carries Paula's row, with the units in the header.
    assert (
        "<td>Paula Petit</td><td>6</td><td>1</td><td>3</td><td>1</td><td>1</td><td>25.0</td>"
        in html
    )
    assert 'No-show rate <span class="unit">(%)</span>' in html
    assert sorted(AuditEvent.objects.values_list("object_type", flat=True)) == sorted(
        f"reports.{name}" for name in REPORT_NAMES
    )


def test_it_shows_one_report_alone(clinic, client, dan):  # noqa: F811
    client.force_login(dan)

    response = client.get(f"/reports/imaging/?{NOVEMBER}")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="chart-imaging-title"' in html
    assert 'id="chart-attendance-title"' not in html


def test_it_answers_404_for_a_page_of_no_report(client, dan):
    client.force_login(dan)

    assert client.get("/reports/patients/").status_code == 404


def test_it_shows_a_bad_period_beside_its_field_and_counts_nothing(clinic, client, dan):  # noqa: F811
    client.force_login(dan)

    response = client.get("/reports/?from=2026-11-30&to=2026-11-01")

    assert response.status_code == 200
    html = response.content.decode()
    assert "The end of the period must not be before its start." in html
    assert "chart-attendance" not in html
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("persona", ["rita", "paula"])
def test_it_refuses_the_page_to_reception_and_physios(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/reports/").status_code == 403


def test_it_says_how_old_each_reports_figures_are(clinic, client, dan):  # noqa: F811
    from django.utils import timezone

    from reports.models import AggregateState

    AggregateState.objects.filter(pk=1).update(
        refreshed_at=timezone.make_aware(timezone.datetime(2026, 12, 1, 16, 30))
    )
    client.force_login(dan)

    html = client.get(f"/reports/?{NOVEMBER}").content.decode()

    assert html.count("Figures as of 1 Dec 2026, 16:30 (2 minutes at most behind") == 5
    assert html.count("Counted from the records as they are now.") == 1  # imaging
