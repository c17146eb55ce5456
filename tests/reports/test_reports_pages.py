"""The /reports/ pages: every report as a chart beside its table, for doctors and admins."""

from __future__ import annotations

import pytest
from django.utils.formats import localize

from clinic.models import AuditEvent
from rehab.models import PhysioSession
from reports.tasks import refresh_aggregates
from tests.reports.test_reports_api import NOVEMBER, at, clinic  # noqa: F401 - the fixture

REPORT_NAMES = ["attendance", "utilisation", "episodes", "outcomes", "imaging", "recurrence"]


def _api_rows(api_as, dan, name: str, params: str = NOVEMBER) -> list[dict]:
    return api_as(dan).get(f"/api/v1/reports/{name}/?{params}").json()["rows"]


def _figure(label: str, value) -> str:
    return f"<div><dt>{label}</dt><dd>{value}</dd></div>"


def test_it_shows_each_reports_totals_on_the_index_and_links_the_full_report(
    clinic,  # noqa: F811
    client,
    dan,
    api_as,
):
    client.force_login(dan)

    response = client.get(f"/reports/?{NOVEMBER}")

    assert response.status_code == 200
    html = response.content.decode()
    assert sorted(AuditEvent.objects.values_list("object_type", flat=True)) == sorted(
        f"reports.{name}" for name in REPORT_NAMES
    )
    for name in REPORT_NAMES:
        assert f'href="/reports/{name}/?from=2026-11-01&amp;to=2026-11-30"' in html
        assert f"/api/v1/reports/{name}/?from=2026-11-01&amp;to=2026-11-30&amp;format=csv" in html
    # The index draws no report: each chart and table is on the report's own page.
    assert 'id="chart-' not in html
    assert "<table" not in html
    # Each total is what the report's own table adds up to.
    attendance = _api_rows(api_as, dan, "attendance")
    booked = sum(row["booked"] for row in attendance)
    attended = sum(row["attended"] for row in attendance)
    no_show = sum(row["no_show"] for row in attendance)
    assert (booked, attended, no_show) == (7, 4, 1)
    assert _figure("Sessions booked", f"{booked} sessions") in html
    assert _figure("Attended", f"{attended} sessions") in html
    assert _figure("No-show rate", "20.0 %") in html  # 1 of the 5 that took place or should have
    utilisation = _api_rows(api_as, dan, "utilisation")
    minutes = sum(row["booked_minutes"] for row in utilisation)
    assert _figure("Booked", f"{minutes} minutes") in html
    episodes = _api_rows(api_as, dan, "episodes")
    assert _figure("Episodes", f"{sum(row['episodes'] for row in episodes)} cases") in html
    assert _figure("Cleared to run", f"{sum(row['cleared'] for row in episodes)} cases") in html
    outcomes = _api_rows(api_as, dan, "outcomes")
    followed = sum(row["cases"] for row in outcomes)
    reached = sum(row["reached"] for row in outcomes)
    assert (followed, reached) == (2, 1)
    assert _figure("Share reaching the MCID", "50.0 %") in html
    imaging = _api_rows(api_as, dan, "imaging")
    assert _figure("Ordered", f"{sum(row['ordered'] for row in imaging)} referrals") in html
    assert _figure("Share against the recommendation", "50.0 % of those from an exam") in html
    recurrence = _api_rows(api_as, dan, "recurrence")
    assert _figure("New cases", f"{sum(row['cases'] for row in recurrence)} cases") in html
    assert _figure("Recurrences", f"{sum(row['recurrences'] for row in recurrence)} cases") in html


def test_it_totals_the_index_with_the_reports_filters(clinic, client, dan, oscar, api_as):  # noqa: F811
    client.force_login(dan)
    params = f"{NOVEMBER}&practitioner={oscar.pk}"

    html = client.get(f"/reports/?{params}").content.decode()

    attendance = _api_rows(api_as, dan, "attendance", params)
    assert _figure("Sessions booked", f"{sum(r['booked'] for r in attendance)} sessions") in html
    page = f"/reports/attendance/?from=2026-11-01&amp;to=2026-11-30&amp;practitioner={oscar.pk}"
    assert f'href="{page}"' in html


@pytest.mark.parametrize(
    "filters",
    [
        "",
        "&practitioner={oscar}",
        "&condition=ankle_sprain",
        # Oscar's session on Paula's case: attendance counts it, utilisation does not (the
        # sessions of the condition's cases *of the practitioner's cases*).
        "&practitioner={oscar}&condition=ankle_sprain",
        "&practitioner={paula}&condition=ankle_sprain",
    ],
)
def test_it_totals_sessions_and_minutes_as_attendance_and_utilisation_add_up(
    clinic,  # noqa: F811
    client,
    dan,
    paula,
    oscar,
    api_as,
    filters,
):
    PhysioSession.objects.create(
        case=clinic["c1"], physio=oscar, scheduled_at=at(12), status="attended", duration_minutes=30
    )
    refresh_aggregates()
    params = NOVEMBER + filters.format(oscar=oscar.pk, paula=paula.pk)
    client.force_login(dan)

    html = client.get(f"/reports/?{params}").content.decode()

    attendance = _api_rows(api_as, dan, "attendance", params)
    utilisation = _api_rows(api_as, dan, "utilisation", params)
    for label, total in (
        ("Sessions booked", sum(row["booked"] for row in attendance)),
        ("Attended", sum(row["attended"] for row in attendance)),
    ):
        assert _figure(label, f"{localize(total)} sessions") in html
    for label, total in (
        ("Booked", sum(row["booked_minutes"] for row in utilisation)),
        ("Available", sum(row["available_minutes"] for row in utilisation)),
    ):
        assert _figure(label, f"{localize(total)} minutes") in html
    if filters == "&practitioner={oscar}&condition=ankle_sprain":
        assert sum(row["booked"] for row in attendance) == 1
        assert sum(row["booked_minutes"] for row in utilisation) == 0


def test_it_reads_each_aggregate_once_for_the_index(
    clinic,  # noqa: F811
    client,
    dan,
    django_assert_max_num_queries,
):
    client.force_login(dan)
    client.get(f"/reports/?{NOVEMBER}")

    # The session, the user, the role; JIT off and the refresh time (once); the session days
    # per physio (once for attendance and utilisation), the physios, their windows and time
    # off; the episode days, the measure facts, the referrals; the filters' practitioners and
    # conditions; the audit rows; the session saved; and the transactions around them.
    with django_assert_max_num_queries(20):
        assert client.get(f"/reports/?{NOVEMBER}").status_code == 200


def test_it_shows_one_report_alone_with_its_chart_and_table(clinic, client, dan):  # noqa: F811
    client.force_login(dan)

    response = client.get(f"/reports/attendance/?{NOVEMBER}")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="chart-attendance-title"' in html
    assert 'id="chart-imaging-title"' not in html
    # The attendance table carries Paula's row, with the units in the header.
    assert (
        "<td>Paula Petit</td><td>6</td><td>1</td><td>3</td><td>1</td><td>1</td><td>25.0</td>"
        in html
    )
    assert 'No-show rate <span class="unit">(%)</span>' in html
    assert AuditEvent.objects.get().object_type == "reports.attendance"


def test_it_says_when_a_report_has_nothing_in_the_period(clinic, client, dan):  # noqa: F811
    client.force_login(dan)

    html = client.get("/reports/attendance/?from=2020-01-01&to=2020-01-31").content.decode()

    assert '<tr><td colspan="7">Nothing in this period.</td></tr>' in html


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
