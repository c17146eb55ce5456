"""A physio logs a session, scores the LEFS twice and sees the progress charts."""

from __future__ import annotations

import pytest

from rehab.models import OutcomeMeasure, PhysioSession
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_lefs(page, position: str) -> None:
    """Answer every LEFS item with the same choice (by its label); the side stays unanswered."""
    for group in page.get_by_role("group").all():
        choice = group.get_by_label(position, exact=True)
        if choice.count():
            choice.check()


def test_it_logs_a_session_scores_lefs_twice_and_shows_the_chart(page, case):
    log_in(page, "paula")
    page.get_by_role("link", name="MARTIN, Emma").click()

    page.get_by_role("link", name="Log a session").click()
    page.get_by_label("Attended").check()
    page.get_by_label("Joint mobilization").check()
    page.get_by_label("Proprioception / balance").check()
    page.get_by_label("Pain before the session (0-10)").fill("6")
    page.get_by_label("Pain after the session (0-10)").fill("3")
    page.get_by_label("Notes").fill("Lunge test improved.")
    page.get_by_role("button", name="Save the session").click()
    page.get_by_text("Session logged.").wait_for()

    for answer in ("Moderate difficulty", "A little bit of difficulty"):
        page.get_by_role("link", name="Score a questionnaire").click()
        page.get_by_label("Lower Extremity Functional Scale (LEFS)").check()
        page.get_by_role("button", name="Open the questionnaire").click()
        fill_lefs(page, answer)
        page.get_by_role("button", name="Score and save").click()
        page.get_by_text("Lower Extremity Functional Scale (LEFS) saved").wait_for()

    assert PhysioSession.objects.get().pain_after == 3
    assert list(OutcomeMeasure.objects.values_list("score", "mcid_reached")) == [
        (40, None),
        (60, True),
    ]
    chart = page.locator("#chart-lefs svg")
    assert chart.is_visible()
    assert "MCID: at or above 49" in chart.text_content()
    assert page.locator("#chart-pain svg").is_visible()
    page.locator("#chart-lefs").scroll_into_view_if_needed()
