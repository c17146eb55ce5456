"""A person logs in with a real browser and lands on their role's page."""

from __future__ import annotations

import pytest

from tests.conftest import log_in

pytestmark = pytest.mark.browser


def test_it_logs_a_receptionist_in_and_out(page, rita):
    log_in(page, "rita")

    page.get_by_role("heading", name="Today's intakes").wait_for()
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("heading", name="Log in").wait_for()


def test_it_tells_a_person_whose_password_is_wrong(page, rita):
    log_in(page, "rita", password="wrong")

    assert page.get_by_role("alert").inner_text().startswith("Your username and password")
