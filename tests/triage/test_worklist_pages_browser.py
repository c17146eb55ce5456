"""A doctor and a physio page through their worklists in a browser: Next and Previous carry
the filters, and every page passes axe."""

from __future__ import annotations

import pytest

from clinic import page_pagination
from tests.conftest import log_in
from tests.factories import CaseFactory, PatientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(page_pagination, "PAGE_SIZE", 2)


def _case(family_name: str, urgency: str, **fields):
    case = CaseFactory(patient=PatientFactory(family_name=family_name, given_name="Al"), **fields)
    case.set_urgency(urgency)
    case.save()
    return case


def test_it_pages_the_doctors_list_with_its_filters(page, dan, small_pages):
    for name in ("Aaron", "Baker", "Carter"):
        _case(name, "urgent")
    _case("Routine", "routine")
    log_in(page, "dan")

    page.get_by_label("Urgent").check()
    page.get_by_role("button", name="Show cases").click()
    page.get_by_role("link", name="Next cases").click()

    page.get_by_text("1 case on this page").wait_for()
    assert page.get_by_label("Urgent").is_checked()
    assert page.get_by_role("link", name="ROUTINE, Al").count() == 0
    page.get_by_role("link", name="Previous cases").click()
    page.get_by_text("2 cases on this page").wait_for()
    assert page.get_by_role("link", name="Previous cases").count() == 0
    assert page.get_by_label("Urgent").is_checked()


def test_it_pages_the_physios_caseload(page, paula, small_pages):
    for name in ("Aaron", "Baker", "Carter"):
        _case(name, "routine", assigned_physio=paula)
    log_in(page, "paula")

    page.get_by_text("3 active cases (2 on this page)").wait_for()
    page.get_by_role("link", name="Next cases").click()

    page.get_by_role("link", name="CARTER, Al").wait_for()
    page.get_by_role("link", name="First page").click()
    page.get_by_role("link", name="AARON, Al").wait_for()
