"""The benchmark's peers answer the same page as Talus, so the comparison is fair."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("urlconf", ["benchmarks.textbook", "benchmarks.naive"])
def test_each_peer_lists_the_cases_talus_lists(urlconf, dan, api_as):
    cases = [CaseFactory(status="open") for _ in range(3)]
    CaseFactory(status="closed")
    talus = api_as(dan).get("/api/v1/cases/?status=open&page_size=50")

    with override_settings(ROOT_URLCONF=urlconf):
        peer = api_as(dan).get("/api/v1/cases/?status=open&page_size=50")

    assert talus.status_code == 200
    assert peer.status_code == 200
    expected = sorted(case.pk for case in cases)
    assert sorted(row["id"] for row in talus.json()["results"]) == expected
    assert sorted(row["id"] for row in peer.json()["results"]) == expected


def test_the_textbook_peer_reads_its_page_in_one_query(dan, api_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        CaseFactory(status="open", assigned_physio=None)
    client = api_as(dan)

    with (
        override_settings(ROOT_URLCONF="benchmarks.textbook"),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get("/api/v1/cases/?page_size=50")

    case_reads = [q["sql"] for q in queries.captured_queries if '"clinic_case"' in q["sql"]]
    assert len(case_reads) == 1
    assert '"clinic_patient"' in case_reads[0]  # select_related: no query per row
    assert len(response.json()["results"]) == 5
    assert "next" in response.json() and "count" not in response.json()
