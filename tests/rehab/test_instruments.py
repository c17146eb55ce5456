"""Outcome-measure catalogue and scoring: plain pytest, no Django."""

from __future__ import annotations

from typing import Any

import pytest

from rehab.instruments.catalogue import INSTRUMENTS
from rehab.instruments.scoring import AnswerError, Score, mcid_for, mcid_reached, score

CAIT_MAXIMA = [5, 4, 3, 3, 2, 3, 4, 3, 3]


def errors_of(instrument: str, answers: Any) -> dict[str, list[str]]:
    """The AnswerError.errors that scoring these answers raises."""
    with pytest.raises(AnswerError) as caught:
        score(instrument, answers)
    return caught.value.errors


def visa_a(items: list[Any], branch: str = "A", minutes: str = "0") -> list[Any]:
    """A VISA-A answer list: items 1-7 then item 8 as {"branch", "minutes"}."""
    return [*items, {"branch": branch, "minutes": minutes}]


# ---------------------------------------------------------------------------
# NPRS
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pain", "band"),
    [
        (0, "none"),
        (1, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (6, "moderate"),
        (7, "severe"),
        (10, "severe"),
    ],
)
def test_it_scores_nprs_as_the_rating_with_its_band(pain: int, band: str) -> None:
    assert score("nprs", [pain]) == Score("nprs", pain, 10, f"Pain {pain}/10: {band}")


@pytest.mark.parametrize("bad", [-1, 11, True, False, 5.0, "5", None, [5]])
def test_it_refuses_an_nprs_rating_outside_0_to_10_or_not_an_integer(bad: Any) -> None:
    assert errors_of("nprs", [bad]) == {"answers[0]": ["Item 1 must be an integer from 0 to 10."]}


def test_it_refuses_an_nprs_answer_list_of_the_wrong_length() -> None:
    assert errors_of("nprs", []) == {"answers": ["Expected 1 answers, got 0."]}
    assert errors_of("nprs", [3, 4]) == {"answers": ["Expected 1 answers, got 2."]}


@pytest.mark.parametrize("not_a_list", [5, "5", (5,), {"0": 5}, None])
def test_it_refuses_answers_that_are_not_a_list(not_a_list: Any) -> None:
    assert errors_of("nprs", not_a_list) == {"answers": ["Expected a list of 1 answers."]}


# ---------------------------------------------------------------------------
# VISA-A
# ---------------------------------------------------------------------------


def test_it_scores_a_worked_visa_a_example() -> None:
    # Items 1-6: 7 + 6 + 8 + 5 + 6 + 4 = 36; item 7 "modified training" = 4 -> 40;
    # item 8 branch B (pain, completes training), 11-20 minutes = 10 -> 50.
    result = score("visa_a", visa_a([7, 6, 8, 5, 6, 4, 4], "B", "11-20"))
    assert result == Score("visa_a", 50, 100, "50/100; 100 = asymptomatic.")


def test_it_scores_an_asymptomatic_visa_a_as_100() -> None:
    # 6 x 10 + 10 (competing at the same level) + 30 (branch A, more than 30 minutes) = 100.
    assert score("visa_a", visa_a([10] * 7, "A", "30+")).score == 100


def test_it_scores_the_worst_visa_a_as_0() -> None:
    assert score("visa_a", visa_a([0] * 7, "C", "0")).score == 0


@pytest.mark.parametrize(
    ("branch", "minutes", "points"),
    [
        ("A", "0", 0),
        ("A", "1-10", 7),
        ("A", "11-20", 14),
        ("A", "21-30", 21),
        ("A", "30+", 30),
        ("B", "0", 0),
        ("B", "1-10", 4),
        ("B", "11-20", 10),
        ("B", "21-30", 14),
        ("B", "30+", 20),
        ("C", "0", 0),
        ("C", "1-10", 2),
        ("C", "11-20", 5),
        ("C", "21-30", 7),
        ("C", "30+", 10),
    ],
)
def test_it_scores_each_branch_and_minutes_band_of_visa_a_item_8(
    branch: str, minutes: str, points: int
) -> None:
    # Items 1-7 all 0, so the total is item 8's points alone.
    assert score("visa_a", visa_a([0] * 7, branch, minutes)).score == points


@pytest.mark.parametrize("value", [0, 4, 7, 10])
def test_it_accepts_the_four_visa_a_item_7_categories(value: int) -> None:
    assert score("visa_a", visa_a([0] * 6 + [value])).score == value


@pytest.mark.parametrize("value", [1, 3, 5, 9, 11, -1, True, 4.0, "4", None])
def test_it_refuses_any_other_visa_a_item_7_value(value: Any) -> None:
    assert errors_of("visa_a", visa_a([0] * 6 + [value])) == {
        "answers[6]": ["Item 7 must be one of 0, 4, 7 or 10."]
    }


@pytest.mark.parametrize("index", range(6))
@pytest.mark.parametrize("value", [-1, 11, True, 5.5, "5", None])
def test_it_refuses_visa_a_items_1_to_6_outside_0_to_10(index: int, value: Any) -> None:
    items: list[Any] = [5] * 6 + [4]
    items[index] = value
    assert errors_of("visa_a", visa_a(items)) == {
        f"answers[{index}]": [f"Item {index + 1} must be an integer from 0 to 10."]
    }


@pytest.mark.parametrize("item_8", [30, "A", None, ["A", "30+"], True])
def test_it_refuses_a_visa_a_item_8_that_is_not_an_object(item_8: Any) -> None:
    assert errors_of("visa_a", [0] * 7 + [item_8]) == {
        "answers[7]": ["Item 8 must be an object with a branch (A, B or C) and minutes."]
    }


@pytest.mark.parametrize(
    "item_8",
    [
        {"minutes": "0"},
        {"branch": "D", "minutes": "0"},
        {"branch": "a", "minutes": "0"},
        {"branch": 1, "minutes": "0"},
        {"branch": None, "minutes": "0"},
        {"branch": ["A"], "minutes": "0"},
    ],
)
def test_it_refuses_a_missing_or_unknown_visa_a_item_8_branch(item_8: dict[str, Any]) -> None:
    assert errors_of("visa_a", [0] * 7 + [item_8]) == {
        "answers[7].branch": ["Item 8 branch must be A, B or C."]
    }


@pytest.mark.parametrize(
    "item_8",
    [
        {"branch": "A"},
        {"branch": "A", "minutes": ">30"},
        {"branch": "A", "minutes": "30"},
        {"branch": "A", "minutes": 30},
        {"branch": "A", "minutes": "1\u201310"},  # an en dash, not the API's hyphen
        {"branch": "A", "minutes": None},
    ],
)
def test_it_refuses_a_missing_or_unknown_visa_a_item_8_minutes_band(
    item_8: dict[str, Any],
) -> None:
    assert errors_of("visa_a", [0] * 7 + [item_8]) == {
        "answers[7].minutes": [
            'Item 8 minutes must be one of "0", "1-10", "11-20", "21-30", "30+".'
        ]
    }


def test_it_refuses_unexpected_keys_in_visa_a_item_8() -> None:
    item_8 = {"branch": "A", "minutes": "0", "points": 30}
    assert errors_of("visa_a", [0] * 7 + [item_8]) == {
        "answers[7]": ["Item 8 has unexpected keys: points."]
    }


def test_it_reports_every_bad_visa_a_item_at_once() -> None:
    errors = errors_of("visa_a", [11, 0, 0, 0, 0, True, 5, {"branch": "Z", "minutes": "x"}])
    assert sorted(errors) == [
        "answers[0]",
        "answers[5]",
        "answers[6]",
        "answers[7].branch",
        "answers[7].minutes",
    ]


def test_it_refuses_a_visa_a_answer_list_of_the_wrong_length() -> None:
    assert errors_of("visa_a", [0] * 7) == {"answers": ["Expected 8 answers, got 7."]}


# ---------------------------------------------------------------------------
# FAAM
# ---------------------------------------------------------------------------


def test_it_scores_faam_adl_leaving_out_na_and_blank_items() -> None:
    # 21 items: one "na" and one blank leave 19 scored, the minimum.
    # 15 x 4 + 4 x 3 = 72 of a possible 4 x 19 = 76 -> 94.7368...% -> 94.74.
    answers: list[Any] = [4] * 15 + [3] * 4 + ["na", None]
    assert score("faam_adl", answers) == Score(
        "faam_adl",
        94.74,
        100,
        "94.74%: function in activities of daily living, where 100% is no difficulty "
        "(19 of 21 items scored).",
    )


def test_it_refuses_faam_adl_with_two_na_and_one_blank() -> None:
    # Two "na" and one blank leave 18 of 21 scored: below the 19 the scoring rule needs.
    answers: list[Any] = [4] * 18 + ["na", "na", None]
    assert errors_of("faam_adl", answers) == {
        "answers": [
            'At least 19 of the 21 items must be answered 0 to 4 ("na" and blank items do '
            "not count); 18 were."
        ]
    }


def test_it_scores_faam_adl_with_one_na() -> None:
    # 20 scored: 10 x 4 + 10 x 2 = 60 of 80 -> 75.00%.
    answers: list[Any] = ["na"] + [4] * 10 + [2] * 10
    result = score("faam_adl", answers)
    assert result.score == 75.0
    assert result.interpretation.startswith("75.00%: ")


def test_it_scores_a_full_faam_adl() -> None:
    assert score("faam_adl", [4] * 21).score == 100.0
    assert score("faam_adl", [0] * 21).score == 0.0


def test_it_refuses_faam_adl_at_18_of_21_scored_items() -> None:
    errors = errors_of("faam_adl", [4] * 18 + [None] * 3)
    assert list(errors) == ["answers"]
    assert errors["answers"][0].endswith("18 were.")


def test_it_accepts_faam_adl_at_19_of_21_scored_items() -> None:
    # 19 x 4 of 76 = 100%.
    assert score("faam_adl", [4] * 19 + [None, None]).score == 100.0


def test_it_refuses_faam_adl_when_every_item_is_na() -> None:
    assert errors_of("faam_adl", ["na"] * 21)["answers"][0].endswith("0 were.")


def test_it_scores_faam_sports_at_7_of_8_scored_items() -> None:
    # 4 + 4 + 3 + 3 + 2 + 2 + 1 = 19 of 28 -> 67.857...% -> 67.86.
    assert score("faam_sports", [4, 4, 3, 3, 2, 2, 1, "na"]) == Score(
        "faam_sports",
        67.86,
        100,
        "67.86%: function in sports, where 100% is no difficulty (7 of 8 items scored).",
    )


def test_it_refuses_faam_sports_at_6_of_8_scored_items() -> None:
    assert errors_of("faam_sports", [4] * 6 + ["na", None]) == {
        "answers": [
            'At least 7 of the 8 items must be answered 0 to 4 ("na" and blank items do '
            "not count); 6 were."
        ]
    }


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        (1, 3.13),  # 1/32 = 3.125%: half up gives 3.13 where round-half-even gives 3.12
        (3, 9.38),  # 3/32 = 9.375%
        (2, 6.25),  # 2/32 = 6.25% exactly
    ],
)
def test_it_rounds_faam_half_up_to_two_decimals(first: int, expected: float) -> None:
    assert score("faam_sports", [first] + [0] * 7).score == expected


def test_it_returns_faam_scores_as_floats() -> None:
    assert isinstance(score("faam_sports", [4] * 8).score, float)


@pytest.mark.parametrize("bad", [5, -1, True, False, 2.0, "NA", "n/a", "N/A", "4", "", {}])
def test_it_refuses_a_faam_entry_that_is_not_0_to_4_na_or_blank(bad: Any) -> None:
    answers: list[Any] = [4] * 21
    answers[3] = bad
    assert errors_of("faam_adl", answers) == {
        "answers[3]": ['Item 4 must be an integer from 0 to 4, "na" or null.']
    }


def test_it_names_bad_faam_entries_before_counting_scored_items() -> None:
    # Two bad entries would also leave too few scored items: the bad entries are reported.
    answers: list[Any] = [4] * 8
    answers[0] = 9
    answers[7] = "x"
    assert sorted(errors_of("faam_sports", answers)) == ["answers[0]", "answers[7]"]


def test_it_refuses_a_faam_answer_list_of_the_wrong_length() -> None:
    assert errors_of("faam_adl", [4] * 20) == {"answers": ["Expected 21 answers, got 20."]}
    assert errors_of("faam_sports", [4] * 9) == {"answers": ["Expected 8 answers, got 9."]}


# ---------------------------------------------------------------------------
# LEFS
# ---------------------------------------------------------------------------


def test_it_scores_a_full_lefs_as_80() -> None:
    assert score("lefs", [4] * 20) == Score("lefs", 80, 80, "80 of 80: 100% of normal function.")


def test_it_scores_an_empty_lefs_as_0() -> None:
    assert score("lefs", [0] * 20).interpretation == "0 of 80: 0% of normal function."


def test_it_scores_a_worked_lefs_example() -> None:
    # 10 x 4 + 6 x 3 + 4 x 1 = 40 + 18 + 4 = 62; 62/80 = 77.5% -> 78% (half up).
    answers = [4] * 10 + [3] * 6 + [1] * 4
    assert score("lefs", answers) == Score("lefs", 62, 80, "62 of 80: 78% of normal function.")


def test_it_rounds_the_lefs_percentage_to_a_whole_number() -> None:
    # 61/80 = 76.25% -> 76%.
    assert score("lefs", [4] * 15 + [1] * 1 + [0] * 4).interpretation == (
        "61 of 80: 76% of normal function."
    )


@pytest.mark.parametrize("bad", [None, "na", 5, -1, True, 3.0])
def test_it_refuses_a_lefs_entry_that_is_not_0_to_4(bad: Any) -> None:
    answers: list[Any] = [4] * 20
    answers[4] = bad
    assert errors_of("lefs", answers) == {"answers[4]": ["Item 5 must be an integer from 0 to 4."]}


def test_it_requires_all_20_lefs_items() -> None:
    assert errors_of("lefs", [4] * 19) == {"answers": ["Expected 20 answers, got 19."]}


# ---------------------------------------------------------------------------
# CAIT
# ---------------------------------------------------------------------------


def test_it_scores_all_cait_maxima_as_30() -> None:
    assert score("cait", CAIT_MAXIMA) == Score(
        "cait", 30, 30, "30 of 30: above the cutoff for functional ankle instability (≤ 25)."
    )


def test_it_scores_a_worked_cait_example_as_instability() -> None:
    # 4 + 3 + 2 + 2 + 2 + 3 + 2 + 2 + 2 = 22, at or below 25.
    assert score("cait", [4, 3, 2, 2, 2, 3, 2, 2, 2]) == Score(
        "cait", 22, 30, "22 of 30: consistent with functional ankle instability (≤ 25)."
    )


def test_it_reads_a_cait_of_25_as_instability_and_26_as_not() -> None:
    # Maxima minus 5 on item 1 = 25; maxima minus 4 on item 1 = 26.
    at_cutoff = score("cait", [0, 4, 3, 3, 2, 3, 4, 3, 3])
    above = score("cait", [1, 4, 3, 3, 2, 3, 4, 3, 3])
    assert at_cutoff.score == 25
    assert "consistent with functional ankle instability" in at_cutoff.interpretation
    assert above.score == 26
    assert "above the cutoff" in above.interpretation


def test_it_scores_the_worst_cait_as_0() -> None:
    assert score("cait", [0] * 9).score == 0


@pytest.mark.parametrize("index", range(9))
def test_it_refuses_each_cait_item_one_above_its_maximum(index: int) -> None:
    answers = list(CAIT_MAXIMA)
    answers[index] += 1
    assert errors_of("cait", answers) == {
        f"answers[{index}]": [
            f"Item {index + 1} must be an integer from 0 to {CAIT_MAXIMA[index]}."
        ]
    }


@pytest.mark.parametrize("bad", [-1, True, 2.0, "3", None])
def test_it_refuses_a_cait_entry_below_0_or_not_an_integer(bad: Any) -> None:
    answers: list[Any] = list(CAIT_MAXIMA)
    answers[4] = bad
    assert errors_of("cait", answers) == {"answers[4]": ["Item 5 must be an integer from 0 to 2."]}


def test_it_refuses_a_cait_answer_list_of_the_wrong_length() -> None:
    assert errors_of("cait", CAIT_MAXIMA[:8]) == {"answers": ["Expected 9 answers, got 8."]}


# ---------------------------------------------------------------------------
# Unknown instruments
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["koos", "NPRS", "", None])
def test_it_refuses_an_unknown_instrument(code: Any) -> None:
    errors = errors_of(code, [1])
    assert list(errors) == ["instrument"]
    assert "nprs, visa_a, faam_adl, faam_sports, lefs, cait" in errors["instrument"][0]


def test_it_refuses_an_unknown_instrument_for_mcid_lookups() -> None:
    with pytest.raises(AnswerError):
        mcid_for("koos")
    with pytest.raises(AnswerError):
        mcid_reached("koos", 1, 2)


def test_it_reads_answer_errors_as_a_sentence() -> None:
    with pytest.raises(AnswerError, match=r"answers\[0\]: Item 1 must be an integer"):
        score("nprs", [11])


# ---------------------------------------------------------------------------
# MCID
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "mcid"),
    [
        ("nprs", 2),
        ("visa_a", 6.5),
        ("faam_adl", 8),
        ("faam_sports", 9),
        ("lefs", 9),
        ("cait", None),
    ],
)
def test_it_knows_each_instruments_mcid(instrument: str, mcid: float | None) -> None:
    assert mcid_for(instrument) == mcid
    assert INSTRUMENTS[instrument].mcid == mcid


@pytest.mark.parametrize(
    ("instrument", "first", "new", "reached"),
    [
        # NPRS: lower is better.
        ("nprs", 6, 4, True),  # exactly 2 points better
        ("nprs", 6, 5, False),
        ("nprs", 6, 0, True),
        ("nprs", 4, 6, False),  # 2 points worse is not an improvement
        ("nprs", 4, 4, False),
        # VISA-A: higher is better, MCID 6.5.
        ("visa_a", 50, 56.5, True),  # impossible as a VISA-A score, but exactly the MCID
        ("visa_a", 50, 57, True),
        ("visa_a", 50, 56, False),
        ("visa_a", 57, 50, False),  # 7 points worse
        # FAAM: two-decimal floats; Decimal arithmetic keeps the boundary exact.
        ("faam_adl", 41.67, 49.67, True),
        ("faam_adl", 41.67, 49.66, False),
        ("faam_adl", 90.0, 80.0, False),
        ("faam_sports", 50.0, 59.0, True),
        ("faam_sports", 50.0, 58.99, False),
        # LEFS: MCID 9.
        ("lefs", 40, 49, True),
        ("lefs", 40, 48, False),
        ("lefs", 49, 40, False),
    ],
)
def test_it_tells_whether_the_change_reaches_the_mcid(
    instrument: str, first: float, new: float, reached: bool
) -> None:
    assert mcid_reached(instrument, first, new) is reached


@pytest.mark.parametrize("instrument", ["nprs", "visa_a", "faam_adl", "faam_sports", "lefs"])
def test_it_answers_none_for_the_first_measure(instrument: str) -> None:
    assert mcid_reached(instrument, None, 5) is None


@pytest.mark.parametrize(("first", "new"), [(None, 20), (10, 30), (30, 10)])
def test_it_answers_none_for_cait_which_has_no_mcid(first: int | None, new: int) -> None:
    assert mcid_reached("cait", first, new) is None


# ---------------------------------------------------------------------------
# The registry a form is rendered from
# ---------------------------------------------------------------------------


def test_it_registers_the_six_instruments() -> None:
    assert list(INSTRUMENTS) == ["nprs", "visa_a", "faam_adl", "faam_sports", "lefs", "cait"]
    assert all(code == instrument.code for code, instrument in INSTRUMENTS.items())


@pytest.mark.parametrize(
    ("code", "item_count", "score_max", "higher_is_better"),
    [
        ("nprs", 1, 10, False),
        ("visa_a", 8, 100, True),
        ("faam_adl", 21, 100, True),
        ("faam_sports", 8, 100, True),
        ("lefs", 20, 80, True),
        ("cait", 9, 30, True),
    ],
)
def test_it_has_item_wording_for_every_item(
    code: str, item_count: int, score_max: int, higher_is_better: bool
) -> None:
    instrument = INSTRUMENTS[code]
    assert instrument.item_count == item_count
    assert instrument.score_max == score_max
    assert instrument.higher_is_better is higher_is_better
    assert len(instrument.items) == item_count
    assert [item.number for item in instrument.items] == list(range(1, item_count + 1))
    for item in instrument.items:
        assert item.text.strip()
        assert item.choices or item.branches
        assert all(choice.label.strip() for choice in item.choices)
    assert instrument.citation.strip()


def test_it_gives_faam_items_the_published_activities_and_an_na_choice() -> None:
    adl = INSTRUMENTS["faam_adl"].items
    sports = INSTRUMENTS["faam_sports"].items
    assert adl[0].text == "Standing"
    assert adl[20].text == "Recreational activities"
    assert sports[0].text == "Running"
    values = [choice.value for choice in adl[0].choices]
    assert values == [4, 3, 2, 1, 0, "na"]
    assert adl[0].choices[0].label == "No difficulty at all"
    assert adl[0].choices[-1].points is None


def test_it_gives_lefs_items_the_published_response_labels() -> None:
    item = INSTRUMENTS["lefs"].items[17]
    assert item.text == "Making sharp turns while running fast."
    assert [(c.value, c.label) for c in item.choices] == [
        (0, "Extreme difficulty or unable to perform activity"),
        (1, "Quite a bit of difficulty"),
        (2, "Moderate difficulty"),
        (3, "A little bit of difficulty"),
        (4, "No difficulty"),
    ]


def test_it_gives_cait_items_their_maxima_and_every_printed_option() -> None:
    items = INSTRUMENTS["cait"].items
    assert [max(int(c.value) for c in item.choices) for item in items] == CAIT_MAXIMA
    assert [len(item.choices) for item in items] == [6, 5, 4, 4, 3, 4, 5, 5, 5]
    # Items 8 and 9 print "never rolled over" as a second 3-point option.
    for item in items[7:]:
        assert (3, "I have never rolled over on my ankle") in [
            (c.value, c.label) for c in item.choices
        ]


def test_it_gives_visa_a_item_8_three_branches_of_five_minutes_bands() -> None:
    item_8 = INSTRUMENTS["visa_a"].items[7]
    assert item_8.choices == ()
    assert [branch.code for branch in item_8.branches] == ["A", "B", "C"]
    for branch in item_8.branches:
        assert "train/practise" in branch.text
        assert [c.value for c in branch.choices] == ["0", "1-10", "11-20", "21-30", "30+"]
    assert [[c.points for c in b.choices] for b in item_8.branches] == [
        [0, 7, 14, 21, 30],
        [0, 4, 10, 14, 20],
        [0, 2, 5, 7, 10],
    ]


def test_it_gives_visa_a_item_7_its_four_categories() -> None:
    assert [c.value for c in INSTRUMENTS["visa_a"].items[6].choices] == [0, 4, 7, 10]
