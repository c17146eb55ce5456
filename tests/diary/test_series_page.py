"""Reception books a series of sessions from the treatment plan on a page: all or none."""

from __future__ import annotations

from django.urls import reverse

from clinic.idempotency import FORM_FIELD
from clinic.models import AuditEvent
from rehab.models import PhysioSession
from rehab.services.sessions import session_schedule
from tests.factories import CaseFactory, plan_for, session_for

URL = reverse("rehab:session-series")


def test_it_fills_the_series_in_from_the_plan(client, rita, paula, case):
    plan_for(case, paula)  # 8 sessions, twice a week
    session_for(case, paula)  # one already attended
    client.force_login(rita)

    page = client.get(URL, {"case": case.pk})

    assert page.status_code == 200
    form = page.context["form"]
    assert (form.initial["count"], form.initial["interval_days"]) == (7, 3)
    body = page.content.decode()
    assert "<strong>8 sessions</strong>, 2 a week" in body
    assert "Run 5 km pain-free" not in body  # the plan's goals are clinical


def test_it_books_every_session_of_the_series(client, rita, paula, case, at, monday):
    plan_for(case, paula)
    client.force_login(rita)

    response = client.post(
        f"{URL}?case={case.pk}",
        {
            "case": case.pk,
            "first_at": f"{monday.isoformat()}T10:00",
            "count": 3,
            "interval_days": 2,
            "duration_minutes": 45,
            FORM_FIELD: "s" * 32,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("patient-record", args=[case.patient_id])
    starts = list(
        PhysioSession.objects.filter(case=case, physio=paula).values_list("scheduled_at", flat=True)
    )
    assert starts == [at("10:00", day=2 * n) for n in range(3)]  # Monday, Wednesday, Friday
    assert (
        AuditEvent.objects.filter(
            actor=rita, action="create", object_type="rehab.physiosession"
        ).count()
        == 3
    )


def test_it_books_none_and_names_each_date_that_clashes(client, rita, paula, case, at, monday):
    session_schedule(
        case=CaseFactory(assigned_physio=paula), scheduled_at=at("10:15", day=2), by=rita
    )
    client.force_login(rita)

    response = client.post(
        URL,
        {
            "case": case.pk,
            "first_at": f"{monday.isoformat()}T10:00",
            "count": 3,
            "interval_days": 2,
            "duration_minutes": 45,
        },
    )

    assert response.status_code == 409
    assert [c["at"] for c in response.context["clashes"]] == [at("10:00", day=2)]
    assert "1 of the 3 dates cannot be booked: nothing was booked." in response.content.decode()
    assert PhysioSession.objects.filter(case=case).count() == 0


def test_it_names_the_field_out_of_range(client, rita, case, monday):
    client.force_login(rita)

    response = client.post(
        URL,
        {
            "case": case.pk,
            "first_at": f"{monday.isoformat()}T10:00",
            "count": 31,
            "interval_days": 3,
            "duration_minutes": 45,
        },
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["count"]
    assert PhysioSession.objects.count() == 0
