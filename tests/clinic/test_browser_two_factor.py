"""A doctor sets up two-factor in a real browser, then logs in with a code; an admin too."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.clinic.test_browser_csp import csp_violations
from tests.conftest import log_in, totp_code

pytestmark = pytest.mark.browser


def test_it_enrols_a_phone_and_then_asks_for_its_code(page, dan, tmp_path):
    violations = csp_violations(page)
    log_in(page, "dan")

    page.get_by_role("link", name="Security").click()
    page.get_by_role("heading", name="Security").wait_for()
    page.get_by_role("link", name="Turn on two-factor sign-in").click()
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    assert page.locator("figure.qr svg").is_visible()
    secret = page.locator("code.secret").first.inner_text()
    device = TOTPDevice.objects.get(user=dan)
    assert secret.replace(" ", "") and device.confirmed is False
    page.screenshot(path=str(tmp_path / "two-factor-setup.png"), full_page=True)
    page.get_by_label("Code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_text("Two-factor sign-in is on for your account.").wait_for()

    page.get_by_role("button", name="Log out").click()
    log_in(page, "dan")
    page.get_by_role("heading", name="Enter your code").wait_for()
    device.refresh_from_db()
    page.get_by_label("Code from your authenticator app").fill(totp_code(device, steps_ahead=1))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
    page.goto("/patients/")
    page.get_by_role("heading", name="Find a patient").wait_for()

    assert violations == []


def test_it_opens_django_admin_to_an_admin_after_her_code(page, ada):
    violations = csp_violations(page)
    log_in(page, "ada")

    page.get_by_role("heading", name="Enter your code").wait_for()
    page.get_by_label("Code from your authenticator app").fill(totp_code(ada.otp_device))
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("heading", name="Site administration").wait_for()
    page.wait_for_load_state("networkidle")

    assert violations == []


def test_an_admin_without_a_device_is_led_to_enrol_at_first_login(page, db):
    from clinic import roles
    from tests.factories import UserFactory

    root = UserFactory(username="root", role=roles.ADMIN)
    violations = csp_violations(page)
    log_in(page, "root")

    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    page.get_by_text("Your role needs two-factor sign-in").wait_for()
    device = TOTPDevice.objects.get(user=root)
    page.get_by_label("Code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_text("Two-factor sign-in is on for your account.").wait_for()

    assert violations == []


def test_the_security_page_logs_out_everywhere(page, rita):
    log_in(page, "rita")

    page.get_by_role("link", name="Security").click()
    page.get_by_role("button", name="Log out everywhere").click()
    page.get_by_text("You are logged out everywhere").wait_for()
    page.goto("/patients/")

    assert "/accounts/login/" in page.url


def test_it_tells_a_locked_out_person_when_to_try_again(page, rita):
    for attempt in range(5):
        log_in(page, "rita", password=f"wrong {attempt}")

    page.get_by_role("heading", name="Login locked").wait_for()
    assert "Try again in 15 minutes" in page.get_by_role("alert").inner_text()
