"""A doctor reads November's reports: a chart beside each table, filtered by condition."""

from __future__ import annotations

import pytest

from tests.conftest import log_in
from tests.reports.test_reports_api import clinic  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_doctor_reads_the_reports_of_a_month(page, clinic):  # noqa: F811
    log_in(page, "dan")
    page.get_by_role("link", name="Clinic reports").click()

    page.get_by_label("From").fill("2026-11-01")
    page.get_by_label("To").fill("2026-11-30")
    page.get_by_role("button", name="Show").click()

    # The index: each report's totals for the month, each linked to the report in full.
    attendance = page.get_by_role("region", name="Attendance")
    assert "7 sessions" in attendance.inner_text()
    assert page.get_by_role("heading", name="Recurrence").is_visible()
    page.get_by_role("link", name="Attendance", exact=True).click()

    table = page.get_by_role("table", name="Attendance: the numbers")
    assert table.get_by_role("row", name="Paula Petit").inner_text().split("\t") == [
        "Paula Petit",
        "6",
        "1",
        "3",
        "1",
        "1",
        "25.0",
    ]
    assert page.get_by_role("img", name="Attendance: no-show rate").is_visible()
    assert page.get_by_label("From").input_value() == "2026-11-01"

    page.get_by_label("Condition").select_option(label="Achilles tendinitis")
    page.get_by_role("button", name="Show").click()

    table = page.get_by_role("table", name="Attendance: the numbers")
    assert table.get_by_role("row").count() == 2  # the header and Oscar's row
    assert table.get_by_role("row", name="Oscar Olsen").is_visible()
    page.get_by_role("link", name="All reports").click()
    page.get_by_role("heading", name="Episodes of care").scroll_into_view_if_needed()
