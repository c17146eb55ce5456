"""The browser fixture's axe-core audit finds what it must, so a clean run means something."""

from __future__ import annotations

import pytest

from tests.conftest import AxeAudit

pytestmark = pytest.mark.browser


def test_it_reports_a_serious_violation_and_ignores_minor_ones(page, request):
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<h1>Intake</h1><img src="x.png"><p>An image without a text alternative.</p>'
        "</main></body></html>"
    )
    page.wait_for_timeout(500)  # axe runs after the load event; give it time to finish
    audit: AxeAudit = request.node.axe_audit

    assert [(v["id"], v["impact"]) for _, v in audit.violations] == [("image-alt", "critical")]
    # This test made the violation on purpose: the fixture must not fail it at the end.
    audit.violations.clear()


def test_it_audits_every_page_the_browser_loads(page, live_server, request):
    page.goto("/accounts/login/")
    page.get_by_role("heading", name="Log in").wait_for()
    page.goto("/api/docs/")
    page.locator("#swagger-ui").wait_for(state="attached")
    page.wait_for_timeout(500)  # axe runs after the load event; give it time to finish

    audited = [url.removeprefix(live_server.url) for url in request.node.axe_audit.audited]
    assert audited == ["/accounts/login/", "/api/docs/"]
