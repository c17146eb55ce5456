"""Keyset pages of the staff worklists (clinic.page_pagination), on their own: every order the
pages use, nulls first or last, ties broken by the id, forwards and back."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import RequestFactory
from django.utils import timezone

from clinic.models import Case
from clinic.page_pagination import BadCursor, Key, bounded_count, keyset_page
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))


@pytest.fixture
def cases():
    """Six cases: two never discharged (null), two discharged at the same instant, two apart."""
    stamps = [None, T0, None, T0 + datetime.timedelta(days=2), T0, T0 + datetime.timedelta(days=1)]
    made = []
    for stamp in stamps:
        case = CaseFactory(status="discharged" if stamp else "open", discharged_at=stamp)
        made.append(case)
    return made


def _get(path: str, url: str | None = None):
    query = parse_qs(urlsplit(url).query) if url else {}
    return RequestFactory().get(path, {k: v[0] for k, v in query.items()})


def _walk(keys, *, size: int, start_query: dict | None = None):
    """Follow Next from the first page to the last; then Previous back to the first."""
    request = RequestFactory().get("/list/", start_query or {})
    forward, backward, pages = [], [], []
    page = keyset_page(request, Case.objects.all(), keys, salt="test", size=size)
    while True:
        pages.append(page)
        forward.append([c.pk for c in page.rows])
        if page.next_url is None:
            break
        page = keyset_page(
            _get("/list/", page.next_url), Case.objects.all(), keys, salt="test", size=size
        )
    while True:
        backward.append([c.pk for c in page.rows])
        if page.previous_url is None:
            break
        page = keyset_page(
            _get("/list/", page.previous_url), Case.objects.all(), keys, salt="test", size=size
        )
    return forward, backward, pages


def _python_order(cases, *, descending: bool, nulls_last: bool):
    def key(case):
        stamp = case.discharged_at
        value = 0.0 if stamp is None else stamp.timestamp()
        value = -value if descending else value
        return (stamp is None) != (not nulls_last), value, case.pk

    return [c.pk for c in sorted(cases, key=key)]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("nulls_last", [False, True])
@pytest.mark.parametrize("size", [1, 2, 4, 6])
def test_it_reaches_every_row_once_in_order_and_comes_back(cases, descending, nulls_last, size):
    keys = (Key("discharged_at", descending=descending, nulls_last=nulls_last), Key("id"))

    forward, backward, _ = _walk(keys, size=size)

    expected = _python_order(cases, descending=descending, nulls_last=nulls_last)
    assert [pk for chunk in forward for pk in chunk] == expected
    assert all(0 < len(chunk) <= size for chunk in forward)
    assert backward == list(reversed(forward))


def test_it_orders_a_never_null_key_without_a_nulls_clause(cases):
    keys = (Key("opened_at", descending=True), Key("id", descending=True))
    queryset = Case.objects.order_by(*(key.order() for key in keys))

    sql = str(queryset.query)

    assert "NULLS" not in sql.upper()
    forward, _, _ = _walk(keys, size=4)
    assert [pk for chunk in forward for pk in chunk] == [c.pk for c in queryset]


def test_it_marks_only_the_first_page_as_first(cases):
    _, _, pages = _walk((Key("id"),), size=4)

    assert [page.is_first for page in pages] == [True, False]
    assert pages[0].previous_url is None and pages[-1].next_url is None


def test_it_keeps_the_other_parameters_in_its_links(cases):
    _, _, pages = _walk((Key("id"),), size=2, start_query={"status": "open", "q": "Martin"})

    for url in [pages[0].next_url, pages[1].previous_url, pages[1].first_url]:
        query = parse_qs(urlsplit(url).query)
        assert query["status"] == ["open"] and query["q"] == ["Martin"]
    assert "cursor" not in parse_qs(urlsplit(pages[1].first_url).query)


@pytest.mark.parametrize("cursor", ["nonsense", "", "WyJuIiwgWzFdXQ", "WyJuIixbMV1d:1tAAAA:forged"])
def test_it_refuses_a_cursor_it_did_not_write(cases, cursor):
    request = RequestFactory().get("/list/", {"cursor": cursor})

    with pytest.raises(BadCursor):
        keyset_page(request, Case.objects.all(), (Key("id"),), salt="test", size=2)


def test_it_refuses_another_lists_cursor_and_one_of_another_order(cases):
    first = keyset_page(
        RequestFactory().get("/list/"), Case.objects.all(), (Key("id"),), salt="a", size=2
    )
    request = _get("/list/", first.next_url)

    with pytest.raises(BadCursor):
        keyset_page(request, Case.objects.all(), (Key("id"),), salt="b", size=2)
    with pytest.raises(BadCursor):
        keyset_page(request, Case.objects.all(), (Key("opened_at"), Key("id")), salt="a", size=2)


def test_it_offers_the_first_page_when_the_rows_after_the_cursor_are_gone(cases):
    keys = (Key("id"),)
    first = keyset_page(RequestFactory().get("/list/"), Case.objects.all(), keys, salt="t", size=3)
    Case.objects.filter(pk__in=[c.pk for c in cases[3:]]).delete()

    emptied = keyset_page(
        _get("/list/", first.next_url), Case.objects.all(), keys, salt="t", size=3
    )

    assert emptied.rows == [] and not emptied.is_first
    assert emptied.next_url is None and emptied.previous_url is None
    assert emptied.first_url == "/list/"


def test_it_counts_no_further_than_its_cap(cases):
    assert bounded_count(Case.objects.all(), cap=10) == (6, False)
    assert bounded_count(Case.objects.all(), cap=6) == (6, False)
    assert bounded_count(Case.objects.all(), cap=4) == (4, True)
