"""Outcome-measure scoring: pure functions over plain data, exactly as each was published.

No Django here. The API, the pages and the admin all score through ``score()``, so a
questionnaire is scored in exactly one place, the way its authors published it (sources in
docs/clinical.md), against the items of ``rehab.instruments.catalogue``.

Decisions (also in docs/clinical.md):
- MCIDs: NPRS 2 points (Farrar 2001); VISA-A 6.5 points (McCormack 2015; docs/design.md gives
  none for VISA-A); FAAM ADL 8 and Sports 9 points (Martin 2005); LEFS 9 points (Binkley
  1999); CAIT none established, so `mcid_for` answers None and `mcid_reached` None.
- `mcid_reached` is True for an improvement of at least the MCID in the instrument's better
  direction (lower NPRS, higher everything else); exactly the MCID counts.
- FAAM scores are floats rounded to two decimals half up through Decimal (85.125 -> 85.13);
  every other score is an int.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from clinic.errors import Invalid
from clinic.measures import is_whole_number
from rehab.instruments.catalogue import (
    CAIT_INSTABILITY_CUTOFF,
    FAAM_NA,
    INSTRUMENTS,
    VISA_A_MINUTES,
    Instrument,
    Item,
)

# ---------------------------------------------------------------------------
# Data shapes
# ---------------------------------------------------------------------------


class AnswerError(Invalid):
    """Answers that cannot be scored; `errors` maps each bad item to its messages."""


@dataclass(frozen=True)
class Score:
    """A scored questionnaire: the score, its ceiling and a sentence a patient can read."""

    instrument: str
    score: float | int
    score_max: int
    interpretation: str


# ---------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------


def _instrument(code: object) -> Instrument:
    """The registered instrument for `code`, or an AnswerError naming the known ones."""
    if isinstance(code, str) and code in INSTRUMENTS:
        return INSTRUMENTS[code]
    known = ", ".join(INSTRUMENTS)
    raise AnswerError({"instrument": [f"Unknown instrument {code!r}; expected one of {known}."]})


def _check_shape(instrument: Instrument, answers: object) -> list[Any]:
    """The answers as a list of exactly `item_count` entries, or an AnswerError."""
    count = instrument.item_count
    if not isinstance(answers, list):
        raise AnswerError({"answers": [f"Expected a list of {count} answers."]})
    if len(answers) != count:
        raise AnswerError({"answers": [f"Expected {count} answers, got {len(answers)}."]})
    return answers


def _int_values(item: Item) -> tuple[int, ...]:
    """The distinct integer values an item accepts, in ascending order."""
    return tuple(sorted({c.value for c in item.choices if isinstance(c.value, int)}))


def _describe(values: tuple[int, ...]) -> str:
    """'an integer from 0 to 4' for a run of integers, else 'one of 0, 4, 7 or 10'."""
    if values == tuple(range(values[0], values[-1] + 1)):
        return f"an integer from {values[0]} to {values[-1]}"
    return "one of " + ", ".join(map(str, values[:-1])) + f" or {values[-1]}"


def _integer_items(
    items: tuple[Item, ...], answers: list[Any], errors: dict[str, list[str]]
) -> list[int]:
    """The answers that match their item's choices; each one that does not goes in `errors`."""
    valid: list[int] = []
    for index, (item, value) in enumerate(zip(items, answers, strict=True)):
        values = _int_values(item)
        if is_whole_number(value) and value in values:
            valid.append(value)
        else:
            errors[f"answers[{index}]"] = [f"Item {item.number} must be {_describe(values)}."]
    return valid


def _all_integer_items(instrument: Instrument, answers: list[Any]) -> list[int]:
    """Every answer checked against its item's choices; all bad items are reported at once."""
    errors: dict[str, list[str]] = {}
    valid = _integer_items(instrument.items, answers, errors)
    if errors:
        raise AnswerError(errors)
    return valid


def _half_up(value: Decimal, places: str) -> Decimal:
    """Round half away from zero, as a clinician rounds by hand (85.125 -> 85.13)."""
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------
# Scorers
# ---------------------------------------------------------------------------


def _nprs_band(pain: int) -> str:
    """The usual severity band of an NPRS rating: 0 none, 1-3 mild, 4-6 moderate, 7-10 severe."""
    if pain == 0:
        return "none"
    if pain <= 3:
        return "mild"
    if pain <= 6:
        return "moderate"
    return "severe"


def _score_nprs(instrument: Instrument, answers: list[Any]) -> Score:
    """NPRS: the rating itself, 0-10."""
    (pain,) = _all_integer_items(instrument, answers)
    return Score(instrument.code, pain, instrument.score_max, f"Pain {pain}/10: {_nprs_band(pain)}")


# Points of VISA-A item 8 by branch and minutes band, read from the printed choices.
_VISA_A_ITEM_8_POINTS: dict[str, dict[str, int]] = {
    branch.code: {
        str(choice.value): choice.points for choice in branch.choices if choice.points is not None
    }
    for branch in INSTRUMENTS["visa_a"].items[7].branches
}


def _visa_a_item_8(value: object, errors: dict[str, list[str]]) -> int | None:
    """Points for VISA-A item 8 ({"branch", "minutes"}), or None after recording the errors."""
    key = "answers[7]"
    if not isinstance(value, Mapping):
        errors[key] = ["Item 8 must be an object with a branch (A, B or C) and minutes."]
        return None
    unexpected = sorted(str(name) for name in value if name not in ("branch", "minutes"))
    if unexpected:
        errors[key] = [f"Item 8 has unexpected keys: {', '.join(unexpected)}."]
    branch = value.get("branch")
    if not (isinstance(branch, str) and branch in _VISA_A_ITEM_8_POINTS):
        errors[f"{key}.branch"] = ["Item 8 branch must be A, B or C."]
        branch = None
    minutes = value.get("minutes")
    if not (isinstance(minutes, str) and minutes in VISA_A_MINUTES):
        bands = ", ".join(f'"{band}"' for band in VISA_A_MINUTES)
        errors[f"{key}.minutes"] = [f"Item 8 minutes must be one of {bands}."]
        minutes = None
    if branch is None or minutes is None or unexpected:
        return None
    return _VISA_A_ITEM_8_POINTS[branch][minutes]


def _score_visa_a(instrument: Instrument, answers: list[Any]) -> Score:
    """VISA-A: the sum of items 1-7 and the chosen branch of item 8, 0-100."""
    errors: dict[str, list[str]] = {}
    first_seven = _integer_items(instrument.items[:7], answers[:7], errors)
    item_8 = _visa_a_item_8(answers[7], errors)
    if errors or item_8 is None:
        raise AnswerError(errors)
    total = sum(first_seven) + item_8
    return Score(instrument.code, total, instrument.score_max, f"{total}/100; 100 = asymptomatic.")


# The FAAM scoring rule (Martin 2005): a subscale is not scored when more than 2 ADL items or
# more than 1 Sports item are left blank or marked N/A.
FAAM_MINIMUM_SCORED = {"faam_adl": 19, "faam_sports": 7}
_FAAM_SUBJECT = {"faam_adl": "activities of daily living", "faam_sports": "sports"}


def _score_faam(instrument: Instrument, answers: list[Any]) -> Score:
    """FAAM subscale: 100 * sum / (4 * items scored 0-4), two decimals, half up."""
    errors: dict[str, list[str]] = {}
    scored: list[int] = []
    for index, value in enumerate(answers):
        if value is None or value == FAAM_NA:
            continue  # blank or N/A: neither counts towards the sum nor the denominator
        if is_whole_number(value) and 0 <= value <= 4:
            scored.append(value)
        else:
            errors[f"answers[{index}]"] = [
                f'Item {index + 1} must be an integer from 0 to 4, "{FAAM_NA}" or null.'
            ]
    if errors:
        raise AnswerError(errors)
    minimum = FAAM_MINIMUM_SCORED[instrument.code]
    if len(scored) < minimum:
        raise AnswerError(
            {
                "answers": [
                    f"At least {minimum} of the {instrument.item_count} items must be answered "
                    f'0 to 4 ("{FAAM_NA}" and blank items do not count); {len(scored)} were.'
                ]
            }
        )
    percent = _half_up(Decimal(sum(scored)) * 100 / Decimal(4 * len(scored)), "0.01")
    subject = _FAAM_SUBJECT[instrument.code]
    return Score(
        instrument.code,
        float(percent),
        instrument.score_max,
        f"{percent}%: function in {subject}, where 100% is no difficulty "
        f"({len(scored)} of {instrument.item_count} items scored).",
    )


def _score_lefs(instrument: Instrument, answers: list[Any]) -> Score:
    """LEFS: the sum of 20 items, 0-80, also read as a percentage of normal function."""
    total = sum(_all_integer_items(instrument, answers))
    percent = _half_up(Decimal(total) * 100 / Decimal(instrument.score_max), "1")
    return Score(
        instrument.code,
        total,
        instrument.score_max,
        f"{total} of 80: {percent}% of normal function.",
    )


def _score_cait(instrument: Instrument, answers: list[Any]) -> Score:
    """CAIT: the sum of 9 items, 0-30; at or below the Wright 2014 cutoff means instability."""
    total = sum(_all_integer_items(instrument, answers))
    cutoff = CAIT_INSTABILITY_CUTOFF
    if total <= cutoff:
        reading = f"consistent with functional ankle instability (≤ {cutoff})."
    else:
        reading = f"above the cutoff for functional ankle instability (≤ {cutoff})."
    return Score(instrument.code, total, instrument.score_max, f"{total} of 30: {reading}")


_SCORERS: dict[str, Callable[[Instrument, list[Any]], Score]] = {
    "nprs": _score_nprs,
    "visa_a": _score_visa_a,
    "faam_adl": _score_faam,
    "faam_sports": _score_faam,
    "lefs": _score_lefs,
    "cait": _score_cait,
}

# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def score(instrument: str, answers: list[Any]) -> Score:
    """Score `answers` (in questionnaire order) as published, or raise AnswerError."""
    found = _instrument(instrument)
    return _SCORERS[found.code](found, _check_shape(found, answers))


def mcid_for(instrument: str) -> float | None:
    """The instrument's minimal clinically important difference; None when none is set."""
    return _instrument(instrument).mcid


def mcid_reached(
    instrument: str, first_score: float | int | None, new_score: float | int
) -> bool | None:
    """Whether new_score improves on first_score by at least the MCID; None if not applicable.

    None when there is no first measure or the instrument has no MCID (CAIT). Improvement is
    direction-aware (lower pain on the NPRS, higher scores elsewhere) and an improvement of
    exactly the MCID counts. A worsening, however large, is not "reached".
    """
    mcid = mcid_for(instrument)
    if first_score is None or mcid is None:
        return None
    # Decimal through str so 41.67 -> 49.67 is exactly 8, not 7.999999999999996.
    change = Decimal(str(new_score)) - Decimal(str(first_score))
    if not INSTRUMENTS[instrument].higher_is_better:
        change = -change
    return change >= Decimal(str(mcid))


def worsened_by_mcid(
    instrument: str, previous_score: float | int | None, new_score: float | int
) -> bool:
    """Whether new_score is worse than previous_score by at least the instrument's MCID.

    The mirror of ``mcid_reached``, against the *previous* measure (the alert asks "is the
    runner getting worse now?", not "since the start"). Direction-aware: on the NPRS a higher
    number is worse, elsewhere a lower one. False without a previous measure or an MCID (CAIT).
    The MCIDs and their sources are the catalogue's (docs/clinical.md).
    """
    mcid = mcid_for(instrument)
    if previous_score is None or mcid is None:
        return False
    change = Decimal(str(new_score)) - Decimal(str(previous_score))
    if INSTRUMENTS[instrument].higher_is_better:
        change = -change
    return change >= Decimal(str(mcid))
