"""Personas and clients shared by the whole suite.

Rita works at reception, Dan is a doctor, Paula is the physio assigned to the
case, Oscar is a physio who must see nothing of it, Ada administers the clinic.
"""

from __future__ import annotations

import datetime
import os
import shutil
import time
from pathlib import Path

import pytest
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from clinic import roles
from tests.factories import CaseFactory, PatientFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Throttle counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_report_memo():
    """Report figures kept per process (reports.memo): each test starts with none, as its
    database starts the aggregates' generation again."""
    from reports import memo

    memo.forget()


def patch_with_etag(client, url: str, data: dict, **extra):
    """PATCH as a careful client does: read the ETag, send it back in If-Match."""
    etag = client.get(url)["ETag"]
    return client.patch(url, data, HTTP_IF_MATCH=etag, **extra)


@pytest.fixture
def rita(db):
    return UserFactory(username="rita", role=roles.RECEPTION)


@pytest.fixture
def dan(db):
    return UserFactory(username="dan", role=roles.DOCTOR)


@pytest.fixture
def paula(db):
    return UserFactory(username="paula", role=roles.PHYSIO)


@pytest.fixture
def oscar(db):
    return UserFactory(username="oscar", role=roles.PHYSIO)


@pytest.fixture
def ada(db):
    """The administrator, with a confirmed TOTP device as every admin must have.

    She carries ``otp_device`` like a user fresh from django-otp's login form, so
    ``client.force_login(ada)`` gives a verified session (see the receiver below). A login
    through the pages still asks her for a code: that login loads a fresh user object.
    """
    user = UserFactory(username="ada", role=roles.ADMIN, is_staff=True, is_superuser=True)
    user.otp_device = TOTPDevice.objects.create(user=user, name="Ada's phone", confirmed=True)
    return user


@receiver(user_logged_in, dispatch_uid="tests-carry-otp-device")
def _verified_force_login(sender, request, user, **kwargs):
    """django-otp persists ``user.otp_device`` only when ``request.user`` exists, which the
    test client's force_login request lacks; do the same for it."""
    device = getattr(user, "otp_device", None)
    if device is not None and not hasattr(request, "user"):
        request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id


@pytest.fixture
def patient(db):
    return PatientFactory(
        given_name="Emma", family_name="Martin", date_of_birth=datetime.date(1991, 3, 14)
    )


@pytest.fixture
def case(patient, paula):
    """Emma's left ankle, assigned to Paula."""
    return CaseFactory(patient=patient, assigned_physio=paula)


def token_for(user) -> str:
    """A new API token for the user, as ``POST auth/token/`` would give one (knox)."""
    from clinic.security.tokens import token_create

    return token_create(user=user)[1]


@pytest.fixture
def api():
    """An API client; call ``api.force_authenticate(user)`` or use ``api_as``."""
    return APIClient()


@pytest.fixture
def api_as():
    """``api_as(user)``: an API client authenticated as that user."""

    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


# --- Browser tests ---------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_FAILING_IMPACTS = ("serious", "critical")
_AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
    }));
}"""


class AxeAudit:
    """axe-core on every page the browser loads; serious and critical violations fail the test.

    axe is injected into every document by an init script (which the pages' CSP does not
    govern) and run when each page has loaded. A page the test leaves before axe finished
    (it clicked on) cannot be audited and is counted, not failed.
    """

    def __init__(self) -> None:
        self.audited: list[str] = []
        self.interrupted: list[str] = []
        self.violations: list[tuple[str, dict]] = []

    def __call__(self, page) -> None:
        from playwright.sync_api import Error as PlaywrightError

        url = page.url
        try:
            found = page.evaluate(_AXE_RUN)
        except PlaywrightError:  # the page navigated away while axe ran
            self.interrupted.append(url)
            return
        self.audited.append(url)
        self.violations += [(url, v) for v in found if v["impact"] in AXE_FAILING_IMPACTS]

    def report(self) -> str:
        return "\n".join(
            f"{v['impact']}: {v['id']} ({v['help']}) on {url} at {', '.join(v['targets'])}"
            for url, v in self.violations
        )


@pytest.fixture
def page(live_server, tmp_path, request):
    """A Playwright page in headless Chromium, pointed at live_server.

    Skips when Chromium is missing, except in CI (CI=true), where that is a failure.
    The last screen of each flow is saved as ``<tmp_path>/last-page.png``.

    Playwright turns Chromium's back-forward cache off, so Back reloads the page; a test
    about Back as people's browsers do it asks for the cache with
    ``@pytest.mark.parametrize("page", [{"back_forward_cache": True}], indirect=True)``.
    """
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run should have installed it.")
        pytest.skip("Chromium is not installed: apt-get install chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # test itself are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    options = getattr(request, "param", {})
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            ignore_default_args=(
                ["--disable-back-forward-cache"] if options.get("back_forward_cache") else None
            ),
        )
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        context.add_init_script(path=str(AXE_SCRIPT))
        audit = AxeAudit()
        browser_page = context.new_page()
        browser_page.on("load", audit)
        request.node.axe_audit = audit
        try:
            yield browser_page
            # The last page may still be loading when the test's last assertion passes.
            browser_page.wait_for_load_state("load")
        finally:
            shot = tmp_path / "last-page.png"
            browser_page.screenshot(path=str(shot), full_page=True)
            request.node.user_properties.append(("screenshot", str(shot)))
            browser.close()
            # While Playwright's loop runs in this thread, Django keeps the test's database
            # connections in a context of their own: close them, or they outlive the test
            # database (PostgreSQL then refuses to drop it at the end of the run).
            from django.db import connections

            connections.close_all()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if audit.violations:
        pytest.fail("axe-core found serious or critical violations:\n" + audit.report())


def log_in(page, username: str, password: str = "correct horse battery") -> None:
    """Log in through the login page, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def catalogue(db):
    """The condition catalogue, as its data migration seeds it.

    Transactional tests (live_server, threads) flush the tables afterwards, data migrations'
    rows included; this puts the rows back for the tests that need them.
    """
    import importlib

    from django.apps import apps

    for name in ("0002_condition_catalogue", "0005_condition_catalogue_revised"):
        importlib.import_module(f"triage.migrations.{name}").seed(apps, None)


def totp_code(device, steps_ahead: int = 0) -> str:
    """The code the person's authenticator app shows now (or ``steps_ahead`` windows later).

    A device accepts each time window once: a second login in the same 30 seconds takes
    the next window's code, which the device's tolerance of one step still accepts.
    """
    counter = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    counter.time = time.time() + steps_ahead * device.step
    return f"{counter.token():0{device.digits}d}"


@pytest.fixture
def exercise_library(db):
    """The exercise library and the walk-run progression, as their data migration seeds them
    (put back after a transactional test flushed them)."""
    import importlib

    from django.apps import apps

    from rehab.models import Exercise, WalkRunTemplate

    if not Exercise.objects.exists() and not WalkRunTemplate.objects.exists():
        migration = importlib.import_module("rehab.migrations.0005_exercise_library_and_walk_run")
        migration.seed(apps, None)
