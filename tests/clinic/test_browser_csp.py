"""Pages load under the Content-Security-Policy without a single violation."""

from __future__ import annotations

import pytest

from tests.conftest import log_in

pytestmark = pytest.mark.browser


def csp_violations(page) -> list[str]:
    """Collects the console's CSP messages for the rest of the test."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


def test_it_loads_the_login_page_and_a_home_page_without_a_csp_violation(page, rita):
    violations = csp_violations(page)

    response = page.goto("/accounts/login/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    log_in(page, "rita")
    page.get_by_role("heading", name="Today's intakes").wait_for()
    page.wait_for_load_state("networkidle")

    assert violations == []


def test_it_serves_swagger_ui_under_the_policy(page):
    violations = csp_violations(page)

    page.goto("/api/docs/")
    page.get_by_role("heading", name="Talus API").wait_for()
    page.wait_for_load_state("networkidle")

    assert violations == []
