"""Reception opens the day's paper diary, books a free quarter from it, sees it appear, and
switches to the week view; the grid prints. Screenshots under the test's temporary directory
(and ``DIARY_SHOTS``, when set, to look at them)."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from rehab.models import PhysioSession
from tests.conftest import log_in
from triage.models import Consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, tmp_path, name: str, **options) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, **options)
    if os.environ.get("DIARY_SHOTS"):
        os.makedirs(os.environ["DIARY_SHOTS"], exist_ok=True)
        shutil.copy(path, os.path.join(os.environ["DIARY_SHOTS"], path.name))


def test_reception_books_a_free_quarter_of_the_grid_then_reads_the_week(
    page, rita, paula, dan, case, monday, at, tmp_path
):
    paula.first_name, paula.last_name = "Paula", "Jensen"
    paula.save()
    dan.first_name, dan.last_name = "Daniel", "Okafor"
    dan.save()
    log_in(page, "rita")
    page.get_by_role("link", name="Diary").click()
    page.get_by_label("Day", exact=True).fill(monday.isoformat())
    page.get_by_role("button", name="Show").click()
    grid = page.get_by_role("table")
    grid.get_by_role("columnheader", name="Paula Jensen physio").wait_for()
    grid.get_by_role("columnheader", name="Daniel Okafor doctor").wait_for()
    _shot(page, tmp_path, "1-day-grid")

    page.get_by_role("link", name=re.compile(r"^Book .* 10:15, Paula Jensen, 45 minutes$")).click()
    assert page.get_by_label("Date and time").input_value() == f"{monday.isoformat()}T10:15"
    assert page.get_by_label("Duration (minutes)").input_value() == "45"
    page.get_by_label("Patient and case").select_option(index=1)
    page.get_by_role("button", name="Book the session").click()
    page.get_by_text("Session booked for").wait_for()

    session = PhysioSession.objects.get()
    assert (session.case, session.physio, session.scheduled_at) == (case, paula, at("10:15"))
    page.goto(f"/diary/?day={monday.isoformat()}")
    booked = page.get_by_role("cell", name=re.compile(r"10:15.11:00 Physiotherapy session"))
    booked.get_by_role("link", name="MARTIN, Emma").wait_for()
    assert booked.get_attribute("rowspan") == "3"
    assert page.get_by_role("link", name=re.compile(r"10:15, Paula Jensen")).count() == 0
    _shot(page, tmp_path, "2-day-grid-booked")

    # Emma cannot see Daniel at 10:30 as well without the desk saying so.
    page.get_by_role("link", name=re.compile(r"^Book .* 10:30, Daniel Okafor, 20 minutes$")).click()
    page.get_by_label("Patient and case").select_option(index=1)
    page.get_by_role("button", name="Book the consultation").click()
    page.get_by_role("heading", name="This patient is already booked at that time").wait_for()
    page.get_by_text("already booked with Paula Jensen from 10:15").wait_for()
    _shot(page, tmp_path, "3-patient-clash")
    page.get_by_role("button", name="Book anyway").click()
    page.get_by_text("Consultation booked for").wait_for()
    assert Consultation.objects.get().scheduled_at == at("10:30")

    page.get_by_role("navigation", name="Diary views").get_by_role("link", name="Week").click()
    page.get_by_role("heading", name=re.compile("^Diary — week of")).wait_for()
    grid = page.get_by_role("table")
    headers = grid.get_by_role("columnheader").all_inner_texts()
    assert headers[0] == "Time" and len(headers) == 8
    assert (
        grid.get_by_role("link", name="MARTIN, Emma").count() == 1
    )  # Daniel's week: her consultation
    assert page.get_by_role("link", name="Week", exact=True).get_attribute("aria-current") == "page"
    _shot(page, tmp_path, "4-week-grid")

    page.emulate_media(media="print")
    _shot(page, tmp_path, "5-week-print")


def test_a_click_anywhere_in_a_free_quarter_books_it(page, rita, paula, case, monday):
    log_in(page, "rita")
    page.goto(f"/diary/?day={monday.isoformat()}&practitioner={paula.pk}")
    link = page.get_by_role("link", name=re.compile(r"^Book .* 09:30, "))
    cell = page.locator("td.slot-free", has=link)
    box = cell.bounding_box()

    # The far corner of the cell, away from the link: the script follows the link.
    page.mouse.click(box["x"] + box["width"] - 3, box["y"] + box["height"] - 2)

    page.get_by_role("button", name="Book the session").wait_for()
    assert page.get_by_label("Date and time").input_value() == f"{monday.isoformat()}T09:30"
