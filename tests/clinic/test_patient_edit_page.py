"""The patient edit page refuses a stale form and shows the other person's change."""

from __future__ import annotations

import re

from clinic.models import AuditEvent

FORM = {
    "given_name": "Emma",
    "family_name": "Martin",
    "date_of_birth": "1991-03-14",
    "sex": "female",
    "email": "emma@example.org",
    "phone": "",
    "preferred_channel": "email",
    "reminder_consent": "on",
}


def version_in(html: str) -> str:
    return re.search(r'name="version" value="([^"]+)"', html).group(1).replace("&quot;", '"')


def test_it_saves_a_fresh_form(client, rita, patient):
    client.force_login(rita)
    version = version_in(client.get(f"/patients/{patient.pk}/edit/").content.decode())

    response = client.post(
        f"/patients/{patient.pk}/edit/", {**FORM, "phone": "+33611111111", "version": version}
    )

    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.phone == "+33611111111"
    assert AuditEvent.objects.filter(action="update", patient_id=patient.pk).exists()


def test_it_refuses_a_stale_form_and_shows_both_versions(client, rita, patient):
    client.force_login(rita)
    stale = version_in(client.get(f"/patients/{patient.pk}/edit/").content.decode())
    fresh = version_in(client.get(f"/patients/{patient.pk}/edit/").content.decode())
    client.post(
        f"/patients/{patient.pk}/edit/", {**FORM, "email": "emma.new@example.org", "version": fresh}
    )

    response = client.post(
        f"/patients/{patient.pk}/edit/", {**FORM, "phone": "+33622222222", "version": stale}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this while you were editing" in html
    assert "emma.new@example.org" in html  # their change, shown
    assert 'value="+33622222222"' in html  # our typing, kept
    patient.refresh_from_db()
    assert (patient.email, patient.phone) == ("emma.new@example.org", "")


def test_it_keeps_doctors_out_of_the_edit_page(client, dan, patient):
    client.force_login(dan)

    assert client.get(f"/patients/{patient.pk}/edit/").status_code == 403
