"""A clinic's whole journey for one runner, through the pages only, in a real browser.

Reception registers Lea and asks the questionnaire (a twisted ankle she cannot stand on:
urgent) and books the doctor offered today in one click. The doctor opens the consultation
from "my day", examines (Ottawa positive), orders the X-ray and takes it through to the
reviewed report, codes the diagnosis, records the consultation and assigns the physio. The
physio writes the treatment plan; reception books the series it asks for; the physio logs two
sessions, scores a questionnaire and discharges the case.

Never through /admin/, no server error, a screenshot of every step (``NN-step.png`` under the
test's temporary directory) and axe-core on every page (the ``page`` fixture).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from clinic import roles
from rehab.models import OutcomeMeasure, PhysioSession
from tests.conftest import log_in
from tests.factories import UserFactory
from tests.rehab.test_physio_browser import fill_lefs
from triage.models import Consultation, Diagnosis, ImagingReferral, Intake

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def next_tuesday(clock: str) -> dt.datetime:
    """Next week's Tuesday at ``clock``, clinic time: a working day whatever day the suite runs."""
    today = timezone.localdate()
    tuesday = today + dt.timedelta(days=7 - today.weekday() + 1)
    hours, minutes = (int(part) for part in clock.split(":"))
    return timezone.make_aware(dt.datetime.combine(tuesday, dt.time(hours, minutes)))


class Journey:
    """The browser's traffic and the screenshots, step by step."""

    def __init__(self, page, tmp_path, axe) -> None:
        self.page = page
        self.axe = axe
        self.tmp_path = tmp_path
        self.steps = 0
        self.admin_requests: list[str] = []
        self.server_errors: list[str] = []
        page.on("request", self._request)
        page.on("response", self._response)

    def _request(self, request) -> None:
        if "/admin/" in request.url:
            self.admin_requests.append(request.url)

    def _response(self, response) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.url}")

    def shot(self, name: str) -> None:
        """Save the step's page as ``NN-name.png``."""
        self.steps += 1
        self.page.wait_for_load_state("load")
        if self.page.url not in self.axe.audited[-1:]:  # the fixture's run was cut short
            self.axe(self.page)
        self.page.screenshot(
            path=str(self.tmp_path / f"{self.steps:02d}-{name}.png"), full_page=True
        )

    def log_in(self, username: str) -> None:
        """Log the last person out (the logout button in the header), then log in."""
        logout = self.page.get_by_role("button", name="Log out")
        if logout.count():
            logout.click()
            self.page.wait_for_load_state("load")
        log_in(self.page, username)
        self.page.wait_for_load_state("load")


def test_a_runner_goes_from_the_front_desk_to_discharge(page, tmp_path, request, catalogue):
    from playwright.sync_api import expect

    UserFactory(username="rita", first_name="Rita", last_name="Moreau", role=roles.RECEPTION)
    dan = UserFactory(username="dan", first_name="Dan", last_name="Okafor", role=roles.DOCTOR)
    paula = UserFactory(username="paula", first_name="Paula", last_name="Jensen", role=roles.PHYSIO)
    journey = Journey(page, tmp_path, request.node.axe_audit)

    with time_machine.travel(next_tuesday("08:40")):
        # --- Reception: register, the questionnaire, the urgent consultation today ----------
        journey.log_in("rita")
        page.get_by_role("link", name="Register a new patient").click()
        page.get_by_label("First name").fill("Lea")
        page.get_by_label("Last name").fill("Fontaine")
        page.get_by_label("Date of birth").fill("1994-06-02")
        page.get_by_label("Female").check()
        page.get_by_label("Email address").fill("lea@example.org")
        page.get_by_role("group", name="Reminders by").get_by_label("Email").check()
        page.get_by_label("The patient agrees to receive reminders").check()
        journey.shot("reception-registers")
        page.get_by_role("button", name="Register and start the intake").click()

        page.get_by_role("heading", name="Ankle pain questionnaire").wait_for()
        page.get_by_label("Trauma — a fall, a twist or a sudden change of direction").check()
        page.get_by_label("Twisted the ankle").check()
        page.get_by_role("group", name="Is the ankle swollen?").get_by_label("Moderate").check()
        page.get_by_role("group", name="Is there bruising?").get_by_label("No").check()
        page.get_by_role("group", name="Can you move your ankle?").get_by_label("Difficult").check()
        page.get_by_role("group", name="Can you stand on the foot?").get_by_label(
            "Impossible"
        ).check()
        page.get_by_label("Outside of the ankle").check()
        page.get_by_role("group", name="Which ankle?").get_by_label("Right").check()
        page.get_by_label("Pain at rest, from 0 to 10").fill("5")
        page.get_by_label("Pain after running, from 0 to 10").fill("8")
        page.get_by_label("How many days has it hurt?").fill("0")
        page.get_by_role("group", name="Are you still running?").get_by_label("No").check()
        page.get_by_label("How many kilometres do you run in a week?").fill("25")
        for question in (
            "Have you changed your training recently?",
            "Have you changed your running shoes recently?",
            "Have you been told you have flat feet?",
            "Is there pain or swelling in the calf (the back of the lower leg)?",
            "Do you have a fever, or is the ankle hot and red?",
            "Is the foot numb, tingling, cold or pale?",
            "Does the pain wake you at night?",
            "Does it hurt at one spot on a bone, when you press on it?",
        ):
            page.get_by_role("group", name=question).get_by_label("No").check()
        page.get_by_label("How many times have you sprained this ankle before?").fill("0")
        journey.shot("reception-asks-the-questionnaire")
        page.get_by_role("button", name="Save and see the triage").click()

        page.get_by_role("heading", name="Triage result").wait_for()
        expect(page.get_by_role("status")).to_contain_text("URGENT")
        journey.shot("triage-urgent")
        page.get_by_role("button", name=re.compile(r"^Book Dan Okafor today at \d\d:\d\d$")).click()
        expect(page.get_by_text("Consultation booked for today at")).to_be_visible()
        journey.shot("urgent-consultation-booked")
        intake = Intake.objects.get()
        case = intake.case
        consultation = Consultation.objects.get(case=case)
        assert (intake.urgency, consultation.doctor, consultation.status) == (
            "urgent",
            dan,
            "scheduled",
        )
        assert timezone.localdate(consultation.scheduled_at) == timezone.localdate()

        # --- The doctor: my day, the exam, the X-ray, the diagnosis, the record, the physio --
        journey.log_in("dan")
        page.get_by_role("link", name="My day").click()
        to_record = page.get_by_role("region", name="Consultations to record")
        journey.shot("doctor-my-day")
        to_record.get_by_role("link", name=re.compile("^FONTAINE, Lea")).click()

        page.get_by_role("heading", name=f"Case #{case.pk}").wait_for()
        page.get_by_role("link", name="Record an examination").click()
        page.get_by_label("Pain in the malleolar zone").check()
        page.get_by_label("Tenderness, lateral malleolus").check()
        page.get_by_label("Unable to bear weight (four steps) immediately").check()
        page.get_by_label("Unable to bear weight (four steps) at the exam").check()
        page.get_by_role("group", name="Thompson test (calf squeeze)").get_by_label(
            "Negative"
        ).check()
        page.get_by_label("Clinical notes").fill("Swollen lateral ankle, tender fibular tip.")
        journey.shot("doctor-examines")
        page.get_by_role("button", name="Save the examination").click()

        expect(page.get_by_role("heading", name="Imaging recommended")).to_be_visible()
        journey.shot("ottawa-positive")
        page.get_by_role("button", name="Order ankle X-ray").click()

        expect(page.get_by_role("heading", name="X-ray of the right ankle")).to_be_visible()
        page.get_by_label("Appointment date and time").fill(
            timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        )
        page.get_by_role("button", name="Schedule").click()
        expect(page.get_by_role("status")).to_contain_text("Referral scheduled")
        page.get_by_role("button", name="Mark performed").click()
        expect(page.get_by_role("status")).to_contain_text("Referral performed")
        page.get_by_label("Radiologist's report").fill(
            "No fracture. Soft-tissue swelling over the lateral malleolus."
        )
        page.get_by_role("button", name="Save report").click()
        expect(page.get_by_role("status")).to_contain_text("Referral reported")
        journey.shot("xray-reported")

        page.get_by_role("link", name="Reports to review").first.click()
        page.get_by_role("link", name="X-ray · right ankle").click()
        page.get_by_label("Review note").fill("No fracture: treat as a sprain.")
        page.get_by_role("button", name="Mark report reviewed").click()
        expect(page.get_by_text("Status: Reviewed")).to_be_visible()
        journey.shot("xray-reviewed")

        page.get_by_role("link", name=f"Case #{case.pk}").click()
        page.get_by_role("link", name="Record a diagnosis").click()
        page.get_by_label("Sprain and strain of ankle").check()
        page.get_by_role("group", name="Status").get_by_label("Confirmed", exact=True).check()
        journey.shot("doctor-codes-the-diagnosis")
        page.get_by_role("button", name="Save the diagnosis").click()
        expect(page.get_by_text("Diagnosis recorded: Sprain and strain of ankle.")).to_be_visible()

        page.get_by_role("link", name=re.compile("^Record attendance")).click()
        page.get_by_label("Clinical notes").fill(
            "Lateral ankle sprain, no fracture on X-ray. Physiotherapy, ice, walk in a brace."
        )
        journey.shot("doctor-records-the-consultation")
        page.get_by_role("button", name="Attended", exact=True).click()
        expect(page.get_by_text("Consultation recorded: attended.")).to_be_visible()

        page.get_by_label("Assign a physio", exact=True).select_option(label="Paula Jensen")
        page.get_by_role("button", name="Assign physio").click()
        expect(page.get_by_text("Physio: Paula Jensen")).to_be_visible()
        journey.shot("doctor-assigns-the-physio")
        consultation.refresh_from_db()
        case.refresh_from_db()
        assert consultation.status == "attended"
        assert case.assigned_physio == paula
        assert ImagingReferral.objects.get(case=case).status == "reviewed"
        assert Diagnosis.objects.get(case=case).condition.code == "ankle_sprain"

        # --- The physio writes the plan; reception books the series it asks for ------------
        journey.log_in("paula")
        page.get_by_role("link", name=re.compile("FONTAINE, Lea")).first.click()
        page.get_by_role("link", name="Write the treatment plan").click()
        page.get_by_label("Goals").fill("Run 5 km without pain in six weeks.")
        page.get_by_label("Planned sessions").fill("6")
        page.get_by_label("Sessions per week").fill("2")
        page.get_by_label("Start date").fill(timezone.localdate().isoformat())
        journey.shot("physio-writes-the-plan")
        page.get_by_role("button", name="Save the plan").click()

        journey.log_in("rita")
        page.get_by_role("link", name="Find a patient").click()
        page.get_by_label("Name, MRN or date of birth").fill("fontaine")
        page.get_by_label("Name, MRN or date of birth").press("Enter")
        page.get_by_role("link", name=re.compile("FONTAINE, Lea")).first.click()
        page.get_by_role("link", name=f"Book sessions for case #{case.pk}").click()
        expect(page.get_by_text("The treatment plan asks for 6 sessions, 2 a week")).to_be_visible()
        assert page.get_by_label("Number of sessions").input_value() == "6"
        assert page.get_by_label("Days between sessions").input_value() == "3"
        page.get_by_label("First session").fill(timezone.localtime().strftime("%Y-%m-%dT14:00"))
        journey.shot("reception-books-the-series")
        page.get_by_role("button", name="Book the series").click()
        expect(page.get_by_role("status")).to_contain_text("6 sessions booked at 14:00")
        journey.shot("series-booked")
        sessions = list(PhysioSession.objects.filter(case=case).order_by("scheduled_at"))
        assert [timezone.localtime(s.scheduled_at).date() for s in sessions] == [
            timezone.localdate() + dt.timedelta(days=3 * n) for n in range(6)
        ]
        assert {s.physio for s in sessions} == {paula}
        first, second = sessions[:2]

    # --- The physio logs the first two sessions, scores a questionnaire, discharges ---------
    for number, (session, before, after) in enumerate(((first, 6, 4), (second, 4, 2)), start=1):
        with time_machine.travel(
            timezone.localtime(session.scheduled_at) + dt.timedelta(minutes=50)
        ):
            journey.log_in("paula")
            page.get_by_role("link", name=re.compile("FONTAINE, Lea")).first.click()
            page.get_by_role("link", name="Log", exact=True).first.click()
            page.get_by_label("Attended").check()
            page.get_by_label("Joint mobilization").check()
            page.get_by_label("Proprioception / balance").check()
            page.get_by_label("Pain before the session (0-10)").fill(str(before))
            page.get_by_label("Pain after the session (0-10)").fill(str(after))
            journey.shot(f"physio-logs-session-{number}")
            page.get_by_role("button", name="Save the session").click()
            page.get_by_text("Session logged.").wait_for()

    with time_machine.travel(timezone.localtime(second.scheduled_at) + dt.timedelta(minutes=55)):
        page.get_by_role("link", name="Score a questionnaire").click()
        page.get_by_label("Lower Extremity Functional Scale (LEFS)").check()
        page.get_by_role("button", name="Open the questionnaire").click()
        fill_lefs(page, "A little bit of difficulty")
        journey.shot("physio-scores-lefs")
        page.get_by_role("button", name="Score and save").click()
        page.get_by_text("Lower Extremity Functional Scale (LEFS) saved").wait_for()

        page.get_by_role("link", name="Discharge…").click()
        page.get_by_label("Discharge summary").fill(
            "Lateral ankle sprain, no fracture. Two sessions of mobilization and balance work; "
            "pain 6 → 2. Back to running with the walk-run plan; come back if it swells again."
        )
        journey.shot("physio-discharges")
        page.get_by_role("button", name="Discharge").click()
        expect(page.get_by_text("The case is discharged.")).to_be_visible()
        journey.shot("case-discharged")

    case.refresh_from_db()
    assert case.status == "discharged"
    assert [s.status for s in PhysioSession.objects.filter(case=case).order_by("scheduled_at")] == [
        "attended",
        "attended",
        *["cancelled"] * 4,
    ]
    assert list(OutcomeMeasure.objects.filter(case=case).values_list("instrument", "score")) == [
        ("lefs", 60)
    ]
    assert journey.admin_requests == []
    assert journey.server_errors == []
    # axe-core ran on every page loaded (the fixture fails on a serious or critical finding),
    # each step's page included.
    assert len(request.node.axe_audit.audited) >= journey.steps
