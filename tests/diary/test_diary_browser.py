"""Reception opens Paula's day in the diary, picks a free time and books Emma into it."""

from __future__ import annotations

import pytest

from rehab.models import PhysioSession
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reception_books_a_session_from_a_free_time(page, rita, paula, case, monday, at):
    paula.first_name, paula.last_name = "Paula", "Jensen"
    paula.save()
    log_in(page, "rita")
    page.get_by_role("link", name="Diary").click()
    page.get_by_label("Day", exact=True).fill(monday.isoformat())
    page.get_by_label("Practitioner").select_option(label="Paula Jensen")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("heading", name="Free times").wait_for()

    page.get_by_role("link", name="10:15", exact=True).click()
    page.get_by_label("Patient and case").select_option(index=1)
    page.get_by_role("button", name="Book the session").click()
    page.get_by_text("Session booked for").wait_for()

    session = PhysioSession.objects.get()
    assert (session.case, session.physio, session.scheduled_at) == (case, paula, at("10:15"))
    page.goto(f"/diary/?day={monday.isoformat()}&practitioner={paula.pk}")
    page.get_by_role("link", name="MARTIN, Emma").wait_for()
    assert page.get_by_role("link", name="10:15", exact=True).count() == 0
