"""Reception's diary and the practitioners' "my day": patients named only within reach."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from clinic.models import AuditEvent
from rehab.services.sessions import session_schedule
from tests.factories import CaseFactory, PatientFactory
from triage.services.consultations import consultation_book


def _free_urls(page) -> list[str]:
    return [cell.url for column in page.context["columns"] for cell in column.cells if cell.url]


def test_reception_sees_a_practitioners_day_with_free_times(client, rita, paula, case, monday, at):
    session = session_schedule(case=case, scheduled_at=at("10:00"), by=rita)
    client.force_login(rita)

    page = client.get(reverse("diary:diary"), {"day": monday.isoformat(), "practitioner": paula.pk})

    assert page.status_code == 200
    content = page.content.decode()
    assert "MARTIN, Emma" in content
    assert reverse("rehab:session-move", args=[session.pk]) in content
    free = _free_urls(page)
    book = reverse("rehab:session-book")
    assert f"{book}?physio={paula.pk}&at={monday.isoformat()}T10:45&duration=45" in free
    assert not any(f"T10:{m}&" in url for url in free for m in ("00", "15", "30"))
    assert f"?physio={paula.pk}&amp;at={monday.isoformat()}T10:45" in content
    assert AuditEvent.objects.filter(
        actor=rita, object_type="rehab.physiosession", object_id=str(session.pk)
    ).exists()


def test_reception_sees_a_practitioners_week_with_consultations(
    client, rita, dan, case, monday, at
):
    other = CaseFactory(patient=PatientFactory(given_name="Hugo", family_name="Moreau"))
    consultation_book(case=other, doctor=dan, scheduled_at=at("09:00", day=2), by=rita)
    consultation_book(case=case, doctor=dan, scheduled_at=at("11:00", day=4), by=rita)
    client.force_login(rita)

    page = client.get(
        reverse("diary:diary"),
        {
            "day": (monday + dt.timedelta(days=3)).isoformat(),
            "view": "week",
            "practitioner": dan.pk,
        },
    )

    assert page.status_code == 200
    content = page.content.decode()
    assert "MOREAU, Hugo" in content
    assert "MARTIN, Emma" in content
    columns = page.context["columns"]
    assert [c.day for c in columns] == [monday + dt.timedelta(days=n) for n in range(7)]
    booked = [[cell for cell in c.cells if cell.kind == "booked"] for c in columns]
    assert [len(cells) for cells in booked] == [0, 0, 1, 0, 1, 0, 0]
    # The clinic is closed at the weekend: one "Not working" cell the height of the day.
    assert [(cell.kind, cell.rows) for cell in columns[5].cells] == [("closed", 44)]


def test_a_physio_sees_her_day_and_not_a_patient_out_of_her_reach(
    client, rita, paula, oscar, case, monday, at
):
    session_schedule(case=case, scheduled_at=at("10:00"), by=rita)
    # Paula covers a session of Oscar's case: her time is booked, his patient is not hers to see.
    theirs = CaseFactory(
        assigned_physio=oscar, patient=PatientFactory(given_name="Noah", family_name="Leroy")
    )
    session_schedule(case=theirs, scheduled_at=at("14:00"), by=rita, physio=paula)
    client.force_login(paula)

    page = client.get(reverse("diary:my-day"), {"day": monday.isoformat()})

    assert page.status_code == 200
    content = page.content.decode()
    assert "MARTIN, Emma" in content
    assert "LEROY" not in content
    assert len(page.context["entries"]) == 2
    assert not AuditEvent.objects.filter(actor=paula, patient=theirs.patient).exists()


def test_the_diary_is_reception_s_and_my_day_the_practitioners(client, rita, paula, dan):
    client.force_login(paula)
    assert client.get(reverse("diary:diary")).status_code == 403
    client.force_login(rita)
    assert client.get(reverse("diary:my-day")).status_code == 403
    client.force_login(dan)
    assert client.get(reverse("diary:my-day")).status_code == 200


def test_reception_moves_a_session_by_picking_a_free_time(client, rita, paula, case, monday, at):
    session = session_schedule(case=case, scheduled_at=at("10:00"), by=rita)
    session_schedule(case=CaseFactory(assigned_physio=paula), scheduled_at=at("11:00"), by=rita)
    client.force_login(rita)
    url = reverse("rehab:session-move", args=[session.pk])

    page = client.get(url, {"day": (monday + dt.timedelta(days=1)).isoformat()})
    assert page.status_code == 200
    assert at("08:00", day=1) in page.context["free"]
    same_day = client.get(url)
    assert at("11:00") not in same_day.context["free"]
    assert at("11:45") in same_day.context["free"]

    moved = client.post(
        url,
        {
            "scheduled_at": f"{monday.isoformat()}T11:45",
            "duration_minutes": 45,
            "physio": paula.pk,
        },
    )

    assert moved.status_code == 302
    session.refresh_from_db()
    assert session.scheduled_at == at("11:45")
    assert (session.booking.starts_at, session.booking.ends_at) == (at("11:45"), at("12:30"))
