"""/api/v1/outcomes/: scored on the server from the raw answers, compared with the first."""

from __future__ import annotations

import pytest

from rehab.models import OutcomeMeasure
from tests.factories import CaseFactory

URL = "/api/v1/outcomes/"


def post(client, case, instrument, answers, **extra):
    return client.post(
        URL, {"case": case.pk, "instrument": instrument, "answers": answers, **extra}
    )


def test_it_scores_lefs_on_the_server_and_keeps_the_raw_answers(paula, api_as, case):
    answers = [2] * 20

    response = post(api_as(paula), case, "lefs", answers)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["score"], body["score_max"], body["mcid_reached"]) == (40, 80, None)
    assert body["interpretation"].startswith("40 of 80")
    measure = OutcomeMeasure.objects.get()
    assert measure.answers == answers
    assert measure.recorded_by == paula


def test_it_ignores_a_score_sent_by_the_client(paula, api_as, case):
    response = post(api_as(paula), case, "nprs", [7], score=0, mcid_reached=True)

    assert response.status_code == 201
    assert response.json()["score"] == 7
    assert OutcomeMeasure.objects.get().score == 7


def test_it_flags_the_mcid_against_the_first_measure(paula, api_as, case):
    client = api_as(paula)
    post(client, case, "lefs", [2] * 20)  # 40
    small = post(client, case, "lefs", [2] * 16 + [3] * 4).json()  # 44: +4
    big = post(client, case, "lefs", [2] * 10 + [3] * 10).json()  # 50: +10 on the first

    assert (small["score"], small["mcid_reached"]) == (44, False)
    assert (big["score"], big["mcid_reached"]) == (50, True)


def test_it_reads_the_nprs_mcid_downwards(paula, api_as, case):
    client = api_as(paula)
    post(client, case, "nprs", [7])

    assert post(client, case, "nprs", [5]).json()["mcid_reached"] is True
    assert post(client, case, "nprs", [9]).json()["mcid_reached"] is False


def test_it_keeps_the_baseline_per_case(paula, api_as, case):
    other = CaseFactory(assigned_physio=paula)
    client = api_as(paula)
    post(client, other, "nprs", [9])

    assert post(client, case, "nprs", [6]).json()["mcid_reached"] is None


def test_it_accepts_faam_na_and_blanks_through_json(paula, api_as, case):
    answers = [4] * 19 + ["na", None]

    response = post(api_as(paula), case, "faam_adl", answers)

    assert response.status_code == 201, response.json()
    assert response.json()["score"] == 100
    assert OutcomeMeasure.objects.get().answers == answers


def test_it_scores_visa_a_item_8_as_an_object(paula, api_as, case):
    answers = [10, 10, 10, 10, 10, 10, 7, {"branch": "B", "minutes": "11-20"}]

    response = post(api_as(paula), case, "visa_a", answers)

    assert response.status_code == 201, response.json()
    assert response.json()["score"] == 77  # 60 + 7 + B/11-20 = 10
    assert OutcomeMeasure.objects.get().answers[7] == {"branch": "B", "minutes": "11-20"}


def test_it_keeps_two_decimals_for_faam(paula, api_as, case):
    answers = [3] * 7 + [2]  # 23 / 32

    response = post(api_as(paula), case, "faam_sports", answers)

    assert response.json()["score"] == 71.88


@pytest.mark.parametrize(
    ("instrument", "answers", "key"),
    [
        ("lefs", [2] * 3 + [5] + [2] * 16, "answers[3]"),
        ("lefs", [2] * 19, "answers"),
        ("lefs", "all good", "answers"),
        ("lefs", [2] * 19 + [None], "answers[19]"),
        ("nprs", [True], "answers[0]"),
        ("nprs", ["4"], "answers[0]"),
        ("cait", [5, 4, 3, 3, 2, 3, 4, 3, 4], "answers[8]"),
        ("visa_a", [10] * 7 + [{"branch": "D", "minutes": "0"}], "answers[7].branch"),
        ("visa_a", [10] * 7 + [{"branch": "A", "minutes": "5"}], "answers[7].minutes"),
        ("visa_a", [10] * 8, "answers[7]"),
        ("faam_sports", [4] * 6 + ["na", "na"], "answers"),
        ("faam_adl", [4] * 20 + ["n/a"], "answers[20]"),
        ("borg", [1], "instrument"),
    ],
)
def test_it_answers_400_naming_the_item_and_stores_nothing(
    paula, api_as, case, instrument, answers, key
):
    response = post(api_as(paula), case, instrument, answers)

    assert response.status_code == 400
    assert key in response.json(), response.json()
    assert OutcomeMeasure.objects.count() == 0


def test_it_names_the_item_in_words(paula, api_as, case):
    response = post(api_as(paula), case, "lefs", [2] * 3 + [5] + [2] * 16)

    assert response.json() == {"answers[3]": ["Item 4 must be an integer from 0 to 4."]}


def test_it_keeps_outcomes_from_reception(rita, api_as, case):
    assert api_as(rita).get(URL).status_code == 403
    assert post(api_as(rita), case, "nprs", [3]).status_code == 403


def test_it_lets_a_doctor_read_but_not_record(dan, paula, api_as, case):
    measure_id = post(api_as(paula), case, "nprs", [3]).json()["id"]

    assert api_as(dan).get(f"{URL}{measure_id}/").status_code == 200
    assert post(api_as(dan), case, "nprs", [3]).status_code == 403


def test_it_answers_404_to_a_physio_not_assigned(oscar, paula, api_as, case):
    measure_id = post(api_as(paula), case, "nprs", [3]).json()["id"]

    assert api_as(oscar).get(f"{URL}{measure_id}/").status_code == 404
    assert post(api_as(oscar), case, "nprs", [3]).status_code == 404
    assert OutcomeMeasure.objects.count() == 1


def test_it_filters_by_case_and_instrument(paula, api_as, case):
    client = api_as(paula)
    post(client, case, "nprs", [3])
    lefs_id = post(client, case, "lefs", [2] * 20).json()["id"]

    listed = client.get(URL, {"case": case.pk, "instrument": "lefs"}).json()["results"]

    assert [m["id"] for m in listed] == [lefs_id]


@pytest.mark.parametrize("rows", [1, 30])
def test_it_lists_outcomes_in_a_fixed_number_of_queries(
    rows, paula, dan, api_as, case, django_assert_max_num_queries
):
    for _ in range(rows):
        post(api_as(paula), case, "nprs", [3])
    client = api_as(dan)

    with django_assert_max_num_queries(6):
        response = client.get(URL, {"page_size": 50})

    assert len(response.json()["results"]) == rows


# --- Side (required for CAIT, MCID per side) and back-dating ---------------------------------

CAIT_STABLE = [5, 4, 3, 3, 2, 3, 4, 3, 3]  # 30


def test_it_requires_the_side_for_cait(paula, api_as, case):
    response = post(api_as(paula), case, "cait", CAIT_STABLE)

    assert response.status_code == 400
    assert response.json() == {"side": ["Say which ankle the answers are about (left or right)."]}
    assert not OutcomeMeasure.objects.exists()


def test_it_refuses_an_unknown_side(paula, api_as, case):
    response = post(api_as(paula), case, "nprs", [3], side="both")

    assert response.status_code == 400
    assert list(response.json()) == ["side"]


def test_it_judges_the_mcid_per_side(paula, api_as, case):
    client = api_as(paula)
    post(client, case, "nprs", [7], side="left")

    right_first = post(client, case, "nprs", [7], side="right").json()
    left_better = post(client, case, "nprs", [4], side="left").json()
    right_a_little = post(client, case, "nprs", [6], side="right").json()

    assert (right_first["side"], right_first["mcid_reached"]) == ("right", None)
    assert (left_better["side"], left_better["mcid_reached"]) == ("left", True)
    assert (right_a_little["side"], right_a_little["mcid_reached"]) == ("right", False)


def test_it_keeps_cait_per_side_without_an_mcid(paula, api_as, case):
    client = api_as(paula)
    post(client, case, "cait", [0] * 9, side="left")

    again = post(client, case, "cait", CAIT_STABLE, side="left").json()

    # CAIT publishes no MCID (docs/clinical.md): never "reached", on either side.
    assert (again["score"], again["side"], again["mcid_reached"]) == (30, "left", None)


def test_it_takes_a_back_dated_measure(paula, api_as, case):
    import datetime

    from django.utils import timezone

    case.opened_at = timezone.now() - datetime.timedelta(days=30)
    case.save(update_fields=["opened_at"])
    last_week = timezone.now() - datetime.timedelta(days=7)

    response = post(api_as(paula), case, "nprs", [6], recorded_at=last_week.isoformat())

    assert response.status_code == 201
    assert OutcomeMeasure.objects.get().recorded_at == last_week


@pytest.mark.parametrize(
    ("delta_days", "message"),
    [(1, "Cannot be in the future."), (-400, "Cannot be before the case was opened.")],
)
def test_it_refuses_a_date_in_the_future_or_before_the_case(
    paula, api_as, case, delta_days, message
):
    import datetime

    from django.utils import timezone

    when = timezone.now() + datetime.timedelta(days=delta_days)

    response = post(api_as(paula), case, "nprs", [6], recorded_at=when.isoformat())

    assert response.status_code == 400
    assert response.json() == {"recorded_at": [message]}
    assert not OutcomeMeasure.objects.exists()
