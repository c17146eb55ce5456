"""The physio's caseload a page at a time: every active case once in the caseload's order, the
alert list whole on every page, a broken link answered 400, and nobody else's cases."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.utils import timezone

from clinic import page_pagination
from clinic.models import AuditEvent
from rehab.services.alerts import alert_raise
from rehab.services.sessions import session_schedule
from tests.factories import CaseFactory, PatientFactory, programme_for, run_for, run_plan_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def physio_client(client, paula):
    client.force_login(paula)
    return client


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(page_pagination, "PAGE_SIZE", 3)


def _booked(case, physio, *, in_days: int, hours: int = 0):
    session_schedule(
        case=case,
        scheduled_at=timezone.now() + datetime.timedelta(days=in_days, hours=hours),
        by=physio,
    )


def _case(physio, family_name: str, **fields):
    return CaseFactory(
        patient=PatientFactory(family_name=family_name), assigned_physio=physio, **fields
    )


@pytest.fixture
def caseload(paula, oscar):
    """Paula's eight active cases (two alerted, some booked, two of the same name), one
    discharged, and one of Oscar's."""
    cases = {
        "booked_late": _case(paula, "Adams"),
        "booked_soon": _case(paula, "Young"),
        "alerted_unbooked": _case(paula, "Baker"),
        "alerted_booked": _case(paula, "Zimmer"),
        "unbooked_a": _case(paula, "Clark"),
        "unbooked_b": _case(paula, "Clark"),
        "unbooked_c": _case(paula, "Evans"),
        "booked_same_day": _case(paula, "Brown"),
    }
    _booked(cases["booked_late"], paula, in_days=5)
    _booked(cases["booked_soon"], paula, in_days=1)
    _booked(cases["booked_same_day"], paula, in_days=1, hours=2)
    _booked(cases["alerted_booked"], paula, in_days=2)
    alert_raise(case=cases["alerted_unbooked"], kind="high_pain", detail="Pain 8/10.", cause="o:1")
    alert_raise(case=cases["alerted_booked"], kind="worsened", cause="o:2")
    alert_raise(case=cases["alerted_booked"], kind="high_pain", cause="o:3")
    _case(paula, "Ended", status="discharged", discharged_at=timezone.now())
    _case(oscar, "Other")
    return cases


def _order(cases) -> list[int]:
    """The caseload's order: alerted first, then the soonest next session (none last), then
    the case id (the oldest case first)."""
    far = timezone.now() + datetime.timedelta(days=3650)

    def key(case):
        session = (
            case.physio_sessions.filter(status="scheduled", scheduled_at__gte=timezone.now())
            .order_by("scheduled_at")
            .first()
        )
        alerted = case.alerts.filter(acknowledged_at__isnull=True).exists()
        return (
            not alerted,
            session.scheduled_at if session else far,
            case.pk,
        )

    return [c.pk for c in sorted(cases, key=key)]


def _links(response) -> dict[str, str]:
    found = re.findall(
        r'<a href="([^"]+)"(?: rel="\w+")?>((?:First page|Previous|Next)[^<]*)</a>',
        response.content.decode(),
    )
    return {words: html.unescape(href) for href, words in found}


def _walk(client):
    pages = [client.get("/rehab/caseload/")]
    while "Next cases" in _links(pages[-1]):
        pages.append(client.get(_links(pages[-1])["Next cases"]))
    return pages


def test_it_reaches_every_active_case_once_in_the_caseload_order(
    physio_client, small_pages, caseload
):
    pages = _walk(physio_client)

    seen = [c.pk for page in pages for c in page.context["cases"]]
    assert seen == _order(caseload.values())
    assert [len(page.context["cases"]) for page in pages] == [3, 3, 2]
    back = physio_client.get(_links(pages[-1])["Previous cases"])
    assert [c.pk for c in back.context["cases"]] == [c.pk for c in pages[1].context["cases"]]


def test_it_lists_every_open_alert_on_every_page(physio_client, small_pages, caseload):
    pages = _walk(physio_client)

    for page in pages:
        content = page.content.decode()
        assert content.count("ALERT — ") == 3
        assert [c.pk for c in page.context["alerted"]] == [
            caseload["alerted_booked"].pk,
            caseload["alerted_unbooked"].pk,
        ]
        assert [a.kind for a in page.context["alerted"][0].open_alerts] == [
            "high_pain",
            "worsened",
        ]
        assert "Pain 8/10." in content
    # The alerted cases head the first page; the others are listed once, in the table only.
    assert [c.pk for c in pages[0].context["cases"]][:2] == [
        caseload["alerted_booked"].pk,
        caseload["alerted_unbooked"].pk,
    ]


def test_it_keeps_an_acknowledged_alert_off_the_list(physio_client, paula, caseload):
    alert = caseload["alerted_unbooked"].alerts.get()
    alert.acknowledged_at, alert.acknowledged_by = timezone.now(), paula
    alert.save()

    response = physio_client.get("/rehab/caseload/")

    assert [c.pk for c in response.context["alerted"]] == [caseload["alerted_booked"].pk]
    assert "Pain 8/10." not in response.content.decode()


def test_it_counts_the_active_cases_in_its_caption(physio_client, small_pages, caseload):
    response = physio_client.get("/rehab/caseload/")

    assert "8 active cases (3 on this page), alerts first" in response.content.decode()


def test_it_shows_the_whole_caseload_on_one_page_when_it_fits(physio_client, caseload):
    response = physio_client.get("/rehab/caseload/")

    assert len(response.context["cases"]) == 8
    assert _links(response) == {}
    assert "8 active cases, alerts first" in response.content.decode()


def test_it_shows_no_one_elses_case_on_any_page(client, oscar, small_pages, caseload):
    client.force_login(oscar)

    pages = _walk(client)

    assert [c.patient.family_name for page in pages for c in page.context["cases"]] == ["Other"]
    assert pages[0].context["alerted"] == []
    assert "ALERT" not in pages[0].content.decode()


def test_it_keeps_another_physios_cursor_within_their_own_caseload(
    client, physio_client, oscar, small_pages, caseload
):
    paulas_next = _links(physio_client.get("/rehab/caseload/"))["Next cases"]
    client.force_login(oscar)

    response = client.get(paulas_next)

    assert response.status_code == 200
    assert {c.assigned_physio_id for c in response.context["cases"]} <= {oscar.pk}


def test_it_answers_a_broken_page_link_with_a_400(physio_client, caseload):
    response = physio_client.get("/rehab/caseload/", {"cursor": "eyJ0YW1wZXJlZCI6MX0:1:x"})

    assert response.status_code == 400
    assert "This page link cannot be used" in response.content.decode()
    assert 'href="/rehab/caseload/"' in response.content.decode()


def test_it_audits_the_page_shown_and_every_alert_listed(physio_client, small_pages, caseload):
    last_url = _links(_walk(physio_client)[-2])["Next cases"]
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    last = physio_client.get(last_url)

    events = AuditEvent.objects.filter(id__gt=before)
    cases = set(events.filter(object_type="clinic.case").values_list("object_id", flat=True))
    shown = {str(c.pk) for c in last.context["cases"]}
    alerted = {str(caseload["alerted_booked"].pk), str(caseload["alerted_unbooked"].pk)}
    assert cases == shown | alerted
    assert events.filter(object_type="rehab.alert").count() == 3


def test_it_lists_on_the_first_page_the_alerts_of_cases_beyond_it(
    physio_client, paula, small_pages
):
    alerted = [_case(paula, name) for name in ("Ames", "Bell", "Cole", "Dunn")]
    for n, case in enumerate(alerted):
        alert_raise(case=case, kind="high_pain", cause=f"o:{n}")
    _case(paula, "Quiet")

    first = physio_client.get("/rehab/caseload/")

    assert [c.pk for c in first.context["cases"]] == [c.pk for c in alerted[:3]]
    assert [c.pk for c in first.context["alerted"]] == [c.pk for c in alerted]
    assert first.content.decode().count("ALERT — ") == 4


# The session, the user and their role, the page, the open alerts of its alerted rows, the
# programmes with their items' days a week, their logs' ticks, the latest run of each case, the
# audit INSERT, the session's idle stamp, and the test's savepoints: a caseload that fits on
# one page.
WHOLE_CASELOAD_QUERIES = 14
# One page of a longer caseload: the open alerts of the whole caseload, and the cases counted.
CASELOAD_PAGE_QUERIES = 15


def _alerted_case(paula, name: str, n: int):
    case = _case(paula, name)
    programme_for(case, paula)
    run_plan_for(case, paula)
    run_for(case, paula)
    alert_raise(case=case, kind="high_pain", cause=f"o:{n}")
    return case


def test_it_reads_a_page_in_the_same_queries_whatever_its_rows(
    physio_client, paula, small_pages, exercise_library, django_assert_num_queries
):
    _alerted_case(paula, "First", 0)
    physio_client.get("/rehab/caseload/")  # the first request after a login looks for a TOTP device
    with django_assert_num_queries(WHOLE_CASELOAD_QUERIES):
        physio_client.get("/rehab/caseload/")
    for n in (1, 2):
        _alerted_case(paula, f"More{n}", n)
    with django_assert_num_queries(WHOLE_CASELOAD_QUERIES):
        physio_client.get("/rehab/caseload/")
    for n in range(3, 8):
        _alerted_case(paula, f"More{n}", n)
    with django_assert_num_queries(CASELOAD_PAGE_QUERIES):
        first_page = physio_client.get("/rehab/caseload/")
    with django_assert_num_queries(CASELOAD_PAGE_QUERIES):
        physio_client.get(_links(first_page)["Next cases"])
