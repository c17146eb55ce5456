"""The pain-monitoring model's decision after a run (Silbernagel 2007): plain pytest, no Django.

A quiet run by default (pain 2 during, 2 after, 2 next morning), so each test names only what
it is about.
"""

from __future__ import annotations

import pytest

from rehab.run_rules import PAIN_LIMIT, RunPains, next_run_words, next_stage, run_decision


def quiet(**pains) -> RunPains:
    return RunPains(**{"during": 2, "after": 2, "next_morning": 2, **pains})


def test_the_limit_is_the_models_5_of_10() -> None:
    assert PAIN_LIMIT == 5


def test_it_progresses_two_quiet_runs_with_a_settled_morning() -> None:
    assert run_decision(run=quiet(), previous=quiet()) == "progress"


@pytest.mark.parametrize("field", ["during", "after", "next_morning"])
def test_it_progresses_with_a_pain_of_exactly_5(field) -> None:
    assert run_decision(run=quiet(**{field: 5}), previous=quiet(next_morning=5)) == "progress"


@pytest.mark.parametrize("field", ["during", "after", "next_morning"])
def test_it_steps_back_with_a_pain_of_6(field) -> None:
    assert run_decision(run=quiet(**{field: 6}), previous=quiet()) == "step_back"


def test_it_steps_back_on_a_pain_above_5_even_on_a_first_run() -> None:
    assert run_decision(run=quiet(during=6), previous=None) == "step_back"


def test_it_steps_back_on_a_pain_above_5_before_the_next_morning_is_known() -> None:
    assert run_decision(run=quiet(after=8, next_morning=None), previous=quiet()) == "step_back"


def test_it_progresses_when_the_next_morning_equals_the_previous_runs() -> None:
    assert run_decision(run=quiet(next_morning=3), previous=quiet(next_morning=3)) == "progress"


def test_it_progresses_when_the_next_morning_is_lower_than_the_previous_runs() -> None:
    assert run_decision(run=quiet(next_morning=1), previous=quiet(next_morning=3)) == "progress"


def test_it_stays_when_the_next_morning_rises_above_the_previous_runs() -> None:
    assert run_decision(run=quiet(next_morning=4), previous=quiet(next_morning=3)) == "stay"


def test_it_stays_after_a_first_run() -> None:
    assert run_decision(run=quiet(), previous=None) == "stay"


def test_it_stays_until_the_next_morning_score_is_in() -> None:
    assert run_decision(run=quiet(next_morning=None), previous=quiet()) == "stay"


def test_it_stays_when_the_previous_run_had_a_pain_above_5() -> None:
    assert run_decision(run=quiet(), previous=quiet(during=6)) == "stay"


def test_it_stays_when_the_previous_run_never_had_its_next_morning_score() -> None:
    assert run_decision(run=quiet(), previous=quiet(next_morning=None)) == "stay"


@pytest.mark.parametrize(
    ("stage", "decision", "expected"),
    [
        (2, "progress", 3),
        (2, "stay", 2),
        (2, "step_back", 1),
        (1, "step_back", 1),  # the first stage is the floor
        (8, "progress", 8),  # the last stage is the ceiling: run it until cleared
    ],
)
def test_it_moves_one_stage_at_a_time_within_the_progression(stage, decision, expected) -> None:
    assert next_stage(stage=stage, decision=decision, stages=8) == expected


def test_it_refuses_a_progression_without_stages() -> None:
    with pytest.raises(ValueError):
        next_stage(stage=1, decision="stay", stages=0)


def test_it_tells_the_runner_the_next_stage_in_plain_words() -> None:
    words = next_run_words(decision="step_back", stage=1, stage_words="run 1 min, walk 4 min")
    assert words == (
        "Your pain went above 5 out of 10. Next time, go back to stage 1: run 1 min, walk 4 min. "
        "If the pain stays high, call the clinic."
    )
    assert next_run_words(decision="stay", stage=2, stage_words="run 2 min") == (
        "Next time, repeat stage 2: run 2 min."
    )
