"""The doctors' case list a page at a time: every case once, in the list's order, with the
filters kept in the page links, a broken link answered 400, and only the page's cases audited."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.utils import timezone

from clinic import page_pagination
from clinic.models import AuditEvent, Case
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = timezone.now() - datetime.timedelta(days=3)


@pytest.fixture
def doctor_client(client, dan):
    client.force_login(dan)
    return client


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(page_pagination, "PAGE_SIZE", 3)


def _case(urgency: str | None, opened_at, **fields) -> Case:
    case = CaseFactory(opened_at=opened_at, **fields)
    if urgency:
        case.set_urgency(urgency)
        case.save()
    return case


@pytest.fixture
def worklist():
    """Eight open cases over three urgencies and none, two opened at the same instant."""
    hour = datetime.timedelta(hours=1)
    return [
        _case("routine", T0),
        _case("urgent", T0 - hour),
        _case("soon", T0 + hour),
        _case("urgent", T0 + 2 * hour),
        _case("routine", T0 + hour),
        _case("routine", T0 + hour),  # the same instant as the one above: the id decides
        _case(None, T0),
        _case("soon", T0 - 2 * hour),
    ]


def _links(response) -> dict[str, str]:
    """The page's pager links by their words ("Next cases" → its href)."""
    found = re.findall(
        r'<a href="([^"]+)"(?: rel="\w+")?>((?:First page|Previous|Next)[^<]*)</a>',
        response.content.decode(),
    )
    return {words: html.unescape(href) for href, words in found}


def _walk(client, url: str, params: dict | None = None):
    pages = [client.get(url, params or {})]
    while "Next cases" in _links(pages[-1]):
        pages.append(client.get(_links(pages[-1])["Next cases"]))
    return pages


def _expected(cases) -> list[int]:
    return [
        c.pk for c in sorted(cases, key=lambda c: (c.urgency_rank, -c.opened_at.timestamp(), -c.pk))
    ]


def test_it_shows_fifty_cases_on_the_first_page_and_links_to_the_next(doctor_client):
    for _ in range(51):
        CaseFactory()

    response = doctor_client.get("/cases/")

    assert response.status_code == 200
    assert len(response.context["cases"]) == 50
    assert "Next cases" in _links(response) and "Previous cases" not in _links(response)
    assert "50 cases on this page, most urgent first" in response.content.decode()


def test_it_reaches_every_case_once_in_order_and_back(doctor_client, small_pages, worklist):
    pages = _walk(doctor_client, "/cases/")

    seen = [c.pk for page in pages for c in page.context["cases"]]
    assert seen == _expected(worklist)
    assert [len(page.context["cases"]) for page in pages] == [3, 3, 2]
    back = [doctor_client.get(_links(pages[-1])["Previous cases"])]
    back.append(doctor_client.get(_links(back[-1])["Previous cases"]))
    assert [[c.pk for c in p.context["cases"]] for p in back] == [
        [c.pk for c in page.context["cases"]] for page in reversed(pages[:-1])
    ]
    assert "Previous cases" not in _links(back[-1])


def test_it_keeps_the_filters_on_every_page(doctor_client, small_pages, worklist):
    ended = _case("urgent", T0, status="discharged", discharged_at=T0)
    wanted = {"urgency": ["urgent", "routine"], "include_ended": "on"}

    pages = _walk(doctor_client, "/cases/", wanted)

    matching = [c for c in [*worklist, ended] if c.urgency in ("urgent", "routine")]
    assert [c.pk for page in pages for c in page.context["cases"]] == _expected(matching)
    for page in pages[1:]:
        assert page.context["form"]["urgency"].value() == ["urgent", "routine"]
        assert page.context["form"]["include_ended"].value() is True


def test_it_answers_a_broken_page_link_with_a_400_and_the_way_to_the_first_page(
    doctor_client, worklist
):
    response = doctor_client.get("/cases/", {"cursor": "not-a-cursor", "urgency": "urgent"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "This page link cannot be used" in content
    assert 'href="/cases/?urgency=urgent"' in content
    assert not AuditEvent.objects.filter(object_type="clinic.case").exists()


def test_it_refuses_a_cursor_of_the_caseload(client, doctor_client, paula, small_pages):
    for _ in range(4):
        CaseFactory(assigned_physio=paula)
    physio = client.__class__()
    physio.force_login(paula)
    caseload_next = _links(physio.get("/rehab/caseload/"))["Next cases"]
    cursor = re.search(r"cursor=([^&]+)", caseload_next).group(1)

    response = doctor_client.get(f"/cases/?cursor={cursor}")

    assert response.status_code == 400


def test_it_audits_the_cases_of_the_page_shown_only(doctor_client, small_pages, worklist):
    first = doctor_client.get("/cases/")
    shown = {str(c.pk) for c in first.context["cases"]}

    audited = set(
        AuditEvent.objects.filter(object_type="clinic.case").values_list("object_id", flat=True)
    )
    assert audited == shown


def test_it_keeps_restricted_patients_out_of_every_page(doctor_client, small_pages, worklist):
    hidden = worklist[1]
    hidden.patient.restricted = True
    hidden.patient.save()

    pages = _walk(doctor_client, "/cases/")

    seen = [c.pk for page in pages for c in page.context["cases"]]
    assert hidden.pk not in seen
    assert seen == _expected([c for c in worklist if c.pk != hidden.pk])


# The session, the user and their role, the page's cases (patient and physio joined), the
# reports waiting, the audit INSERT, the session's idle stamp, and the test's savepoints.
CASE_LIST_QUERIES = 11


def test_it_reads_a_page_in_the_same_queries_whatever_its_rows(
    doctor_client, small_pages, django_assert_num_queries
):
    CaseFactory(assigned_physio=None)
    doctor_client.get("/cases/")  # the first request after a login also looks for a TOTP device
    with django_assert_num_queries(CASE_LIST_QUERIES):
        doctor_client.get("/cases/")
    for n in range(8):
        # Physios named, one no longer active, and triaged cases: every column a row shows.
        physio = UserFactory(username=f"physio{n}", role="physio", is_active=n != 3)
        _case(["urgent", "soon", "routine", None][n % 4], T0, assigned_physio=physio)
    with django_assert_num_queries(CASE_LIST_QUERIES):
        first = doctor_client.get("/cases/")
    with django_assert_num_queries(CASE_LIST_QUERIES):
        doctor_client.get(_links(first)["Next cases"])
