"""Outcome measures and return-to-run criteria: pure clinical rules over plain data.

No Django here. The API, the pages and the admin all score through `score()`, so a
questionnaire is scored in exactly one place, the way its authors published it
(sources in docs/clinical.md). The item wording and choices in `INSTRUMENTS` are the
same data the scorers validate against, so a rendered form and the scorer cannot
disagree about what an answer may be.

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
from typing import Any, Literal

# ---------------------------------------------------------------------------
# Data shapes
# ---------------------------------------------------------------------------


class AnswerError(Exception):
    """Answers that cannot be scored; `errors` maps each bad item to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(
            "; ".join(f"{key}: {' '.join(messages)}" for key, messages in errors.items())
        )


@dataclass(frozen=True)
class Choice:
    """One response option: the value the client sends, its wording and the points it earns."""

    value: int | str
    label: str
    # None for a response that is not scored (FAAM "N/A"). Differs from `value` only for
    # VISA-A item 8, whose minutes bands earn different points in each branch.
    points: int | None


@dataclass(frozen=True)
class Branch:
    """One branch of VISA-A item 8: who answers it, and its minutes choices."""

    code: str
    text: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Item:
    """One questionnaire item: its number, the question as printed, and its choices."""

    number: int
    text: str
    choices: tuple[Choice, ...] = ()
    branches: tuple[Branch, ...] = ()


@dataclass(frozen=True)
class Instrument:
    """A published outcome measure: what it asks, how far it goes and what change matters."""

    code: str
    name: str
    citation: str
    item_count: int
    score_max: int
    higher_is_better: bool
    mcid: float | None
    items: tuple[Item, ...]
    instructions: str = ""
    mcid_citation: str = ""


@dataclass(frozen=True)
class Score:
    """A scored questionnaire: the score, its ceiling and a sentence a patient can read."""

    instrument: str
    score: float | int
    score_max: int
    interpretation: str


CriterionKind = Literal["bool", "nprs", "number"]


@dataclass(frozen=True)
class Criterion:
    """One return-to-run criterion; `min_value`/`max_value` only where the source sets them."""

    code: str
    label: str
    kind: CriterionKind
    unit: str
    guidance: str
    domain: str = ""
    min_value: float | None = None
    max_value: float | None = None


# ---------------------------------------------------------------------------
# Citations
# ---------------------------------------------------------------------------

FARRAR_2001 = (
    "Farrar JT, Young JP Jr, LaMoreaux L, Werth JL, Poole RM. Clinical importance of changes "
    "in chronic pain intensity measured on an 11-point numerical pain rating scale. "
    "Pain 2001;94(2):149-58."
)
ROBINSON_2001 = (
    "Robinson JM, Cook JL, Purdam C, Visentini PJ, Ross J, Maffulli N, Taunton JE, Khan KM. "
    "The VISA-A questionnaire: a valid and reliable index of the clinical severity of "
    "Achilles tendinopathy. Br J Sports Med 2001;35(5):335-41."
)
MCCORMACK_2015 = (
    "McCormack J, Underwood F, Slaven E, Cappaert T. The minimum clinically important "
    "difference on the VISA-A and LEFS for patients with insertional Achilles tendinopathy. "
    "Int J Sports Phys Ther 2015;10(5):639-44."
)
MARTIN_2005 = (
    "Martin RL, Irrgang JJ, Burdett RG, Conti SF, Van Swearingen JM. Evidence of validity "
    "for the Foot and Ankle Ability Measure (FAAM). Foot Ankle Int 2005;26(11):968-83."
)
BINKLEY_1999 = (
    "Binkley JM, Stratford PW, Lott SA, Riddle DL. The Lower Extremity Functional Scale "
    "(LEFS): scale development, measurement properties, and clinical application. "
    "Phys Ther 1999;79(4):371-83."
)
HILLER_2006 = (
    "Hiller CE, Refshauge KM, Bundy AC, Herbert RD, Kilbreath SL. The Cumberland Ankle "
    "Instability Tool: a report of validity and reliability testing. "
    "Arch Phys Med Rehabil 2006;87(9):1235-41."
)
WRIGHT_2014 = (
    "Wright CJ, Arnold BL, Ross SE, Linens SW. Recalibration and validation of the "
    "Cumberland Ankle Instability Tool cutoff score for individuals with chronic ankle "
    "instability. Arch Phys Med Rehabil 2014;95(10):1853-9."
)
SMITH_2021 = (
    "Smith MD, Vicenzino B, Bahr R, Bandholm T, Cooke R, Mendonça LM, Fourchet F, "
    "Glasgow P, Gribble PA, Herrington L, Hiller CE, Lee SY, Macaluso A, Meeusen R, "
    "Owoeye OBA, Reid D, Tassignon B, Terada M, Thorborg K, Verhagen E, Verschueren J, "
    "Wang D, Whiteley R, Wikstrom EA, Delahunt E. Return to sport decisions after an acute "
    "lateral ankle sprain injury: introducing the PAASS framework—an international "
    "multidisciplinary consensus. Br J Sports Med 2021;55(22):1270-6."
)
SILBERNAGEL_2007 = (
    "Silbernagel KG, Thomeé R, Eriksson BI, Karlsson J. Continued sports activity, using a "
    "pain-monitoring model, during rehabilitation in patients with Achilles tendinopathy: "
    "a randomized controlled study. Am J Sports Med 2007;35(6):897-906."
)

# The CAIT cutoff: a total at or below it indicates functional ankle instability
# (Wright 2014 recalibrated Hiller 2006's original <= 27 to <= 25).
CAIT_INSTABILITY_CUTOFF = 25

# ---------------------------------------------------------------------------
# Item wording
# ---------------------------------------------------------------------------


def _scale(low: int, high: int, anchors: Mapping[int, str]) -> tuple[Choice, ...]:
    """Integer choices low..high, each worth its value, with the printed anchor words."""
    return tuple(
        Choice(value, f"{value}: {anchors[value]}" if value in anchors else str(value), value)
        for value in range(low, high + 1)
    )


def _options(*pairs: tuple[int, str]) -> tuple[Choice, ...]:
    """Choices as printed on the form, in the form's order, each worth its value."""
    return tuple(Choice(value, label, value) for value, label in pairs)


def _items(texts: tuple[str, ...], choices: tuple[Choice, ...]) -> tuple[Item, ...]:
    """Numbered items that share one response scale."""
    return tuple(Item(number, text, choices) for number, text in enumerate(texts, start=1))


_PAIN_ANCHORS = {0: "strong severe pain", 10: "no pain"}

VISA_A_MINUTES: tuple[str, ...] = ("0", "1-10", "11-20", "21-30", "30+")
_MINUTES_LABELS = ("Nil", "1-10 mins", "11-20 mins", "21-30 mins", ">30 mins")


def _minutes(points: tuple[int, ...]) -> tuple[Choice, ...]:
    """The five minutes bands of a VISA-A item 8 branch with that branch's points."""
    return tuple(
        Choice(value, label, pts)
        for value, label, pts in zip(VISA_A_MINUTES, _MINUTES_LABELS, points, strict=True)
    )


_VISA_A_ITEMS: tuple[Item, ...] = (
    Item(
        1,
        "For how many minutes do you have stiffness in the Achilles region on first getting up?",
        _scale(0, 10, {0: "100 mins", 10: "0 mins"}),
    ),
    Item(
        2,
        "Once you are warmed up for the day, do you have pain when stretching the Achilles "
        "tendon fully over the edge of a step? (keeping knee straight)",
        _scale(0, 10, _PAIN_ANCHORS),
    ),
    Item(
        3,
        "After walking on flat ground for 6 minutes, do you have any pain within the next "
        "24 hours?",
        _scale(0, 10, _PAIN_ANCHORS),
    ),
    Item(
        4,
        "Do you have pain walking downstairs with a normal gait cycle?",
        _scale(0, 10, _PAIN_ANCHORS),
    ),
    Item(
        5,
        "Do you have pain during or immediately after doing 10 (single leg) heel raises from "
        "a flat surface?",
        _scale(0, 10, _PAIN_ANCHORS),
    ),
    Item(
        6,
        "How many single leg hops can you do without pain?",
        _scale(0, 10, {}),
    ),
    Item(
        7,
        "Are you currently undertaking sport or other physical activity?",
        _options(
            (0, "Not at all"),
            (4, "Modified training ± modified competition"),
            (7, "Full training ± competition but not at same level as when symptoms began"),
            (10, "Competing at the same or higher level as when symptoms began"),
        ),
    ),
    Item(
        8,
        "Please complete EITHER A, B or C in this question. If you have no pain while "
        "undertaking Achilles tendon loading sports please complete Q8a only. If you have "
        "pain while undertaking Achilles tendon loading sports but it does not stop you from "
        "completing the activity, please complete Q8b only. If you have pain that stops you "
        "from completing Achilles tendon loading sports, please complete Q8c only.",
        branches=(
            Branch(
                "A",
                "If you have no pain while undertaking Achilles tendon loading sports, for how "
                "long can you train/practise?",
                _minutes((0, 7, 14, 21, 30)),
            ),
            Branch(
                "B",
                "If you have some pain while undertaking Achilles tendon loading sport, but it "
                "does not stop you from completing your training/practice, for how long can "
                "you train/practise?",
                _minutes((0, 4, 10, 14, 20)),
            ),
            Branch(
                "C",
                "If you have pain that stops you from completing your training/practice in "
                "Achilles tendon loading sport, for how long can you train/practise?",
                _minutes((0, 2, 5, 7, 10)),
            ),
        ),
    ),
)

FAAM_NA = "na"
_FAAM_CHOICES: tuple[Choice, ...] = (
    Choice(4, "No difficulty at all", 4),
    Choice(3, "Slight difficulty", 3),
    Choice(2, "Moderate difficulty", 2),
    Choice(1, "Extreme difficulty", 1),
    Choice(0, "Unable to do", 0),
    Choice(FAAM_NA, "N/A", None),
)
_FAAM_INSTRUCTIONS = (
    "Please answer every question with one response that most closely describes your "
    "condition within the past week. If the activity in question is limited by something "
    "other than your foot or ankle, mark N/A. Because of your foot and ankle, how much "
    "difficulty do you have with:"
)
_FAAM_ADL_ITEMS = _items(
    (
        "Standing",
        "Walking on even ground",
        "Walking on even ground without shoes",
        "Walking up hills",
        "Walking down hills",
        "Going up stairs",
        "Going down stairs",
        "Walking on uneven ground",
        "Stepping up and down curbs",
        "Squatting",
        "Coming up on your toes",
        "Walking initially",
        "Walking 5 minutes or less",
        "Walking approximately 10 minutes",
        "Walking 15 minutes or greater",
        "Home responsibilities",
        "Activities of daily living",
        "Personal care",
        "Light to moderate work (standing, walking)",
        "Heavy work (push/pulling, climbing, carrying)",
        "Recreational activities",
    ),
    _FAAM_CHOICES,
)
_FAAM_SPORTS_ITEMS = _items(
    (
        "Running",
        "Jumping",
        "Landing",
        "Starting and stopping quickly",
        "Cutting/lateral movements",
        "Low impact activities",
        "Ability to perform activity with your normal technique",
        "Ability to participate in your desired sport as long as you would like",
    ),
    _FAAM_CHOICES,
)

_LEFS_ITEMS = _items(
    (
        "Any of your usual work, housework or school activities.",
        "Your usual hobbies, recreational or sporting activities.",
        "Getting into or out of the bath.",
        "Walking between rooms.",
        "Putting on your shoes or socks.",
        "Squatting.",
        "Lifting an object, like a bag of groceries from the floor.",
        "Performing light activities around your home.",
        "Performing heavy activities around your home.",
        "Getting into or out of a car.",
        "Walking 2 blocks.",
        "Walking a mile.",
        "Going up or down 10 stairs (about 1 flight of stairs).",
        "Standing for 1 hour.",
        "Sitting for 1 hour.",
        "Running on even ground.",
        "Running on uneven ground.",
        "Making sharp turns while running fast.",
        "Hopping.",
        "Rolling over in bed.",
    ),
    _options(
        (0, "Extreme difficulty or unable to perform activity"),
        (1, "Quite a bit of difficulty"),
        (2, "Moderate difficulty"),
        (3, "A little bit of difficulty"),
        (4, "No difficulty"),
    ),
)

_NEVER_ROLLED = "I have never rolled over on my ankle"
_CAIT_ITEMS: tuple[Item, ...] = (
    Item(
        1,
        "I have pain in my ankle",
        _options(
            (5, "Never"),
            (4, "During sport"),
            (3, "Running on uneven surfaces"),
            (2, "Running on level surfaces"),
            (1, "Walking on uneven surfaces"),
            (0, "Walking on level surfaces"),
        ),
    ),
    Item(
        2,
        "My ankle feels UNSTABLE",
        _options(
            (4, "Never"),
            (3, "Sometimes during sport (not every time)"),
            (2, "Frequently during sport (every time)"),
            (1, "Sometimes during daily activity"),
            (0, "Frequently during daily activity"),
        ),
    ),
    Item(
        3,
        "When I make SHARP turns, my ankle feels UNSTABLE",
        _options(
            (3, "Never"),
            (2, "Sometimes when running"),
            (1, "Often when running"),
            (0, "When walking"),
        ),
    ),
    Item(
        4,
        "When going down the stairs, my ankle feels UNSTABLE",
        _options((3, "Never"), (2, "If I go fast"), (1, "Occasionally"), (0, "Always")),
    ),
    Item(
        5,
        "My ankle feels UNSTABLE when standing on ONE leg",
        _options((2, "Never"), (1, "On the ball of my foot"), (0, "With my foot flat")),
    ),
    Item(
        6,
        "My ankle feels UNSTABLE when",
        _options(
            (3, "Never"),
            (2, "I hop from side to side"),
            (1, "I hop on the spot"),
            (0, "When I jump"),
        ),
    ),
    Item(
        7,
        "My ankle feels UNSTABLE when",
        _options(
            (4, "Never"),
            (3, "I run on uneven surfaces"),
            (2, "I jog on uneven surfaces"),
            (1, "I walk on uneven surfaces"),
            (0, "I walk on a flat surface"),
        ),
    ),
    # Items 8 and 9 print two options worth 3 points: the answer list carries points, so
    # both send 3 (the form may show them as one value).
    Item(
        8,
        'TYPICALLY, when I start to roll over (or "twist") on my ankle, I can stop it',
        _options(
            (3, "Immediately"),
            (2, "Often"),
            (1, "Sometimes"),
            (0, "Never"),
            (3, _NEVER_ROLLED),
        ),
    ),
    Item(
        9,
        'After a TYPICAL incident of my ankle rolling over, my ankle returns to "normal"',
        _options(
            (3, "Almost immediately"),
            (2, "Less than one day"),
            (1, "1-2 days"),
            (0, "More than 2 days"),
            (3, _NEVER_ROLLED),
        ),
    ),
)

_NPRS_ITEMS = (
    Item(
        1,
        "Please rate your ankle pain by choosing the one number that best describes it, "
        "where 0 is no pain and 10 is the worst pain imaginable.",
        _scale(0, 10, {0: "no pain", 10: "worst pain imaginable"}),
    ),
)

INSTRUMENTS: dict[str, Instrument] = {
    instrument.code: instrument
    for instrument in (
        Instrument(
            code="nprs",
            name="Numeric Pain Rating Scale (NPRS)",
            citation=FARRAR_2001,
            item_count=1,
            score_max=10,
            higher_is_better=False,
            mcid=2.0,
            items=_NPRS_ITEMS,
            mcid_citation=FARRAR_2001,
        ),
        Instrument(
            code="visa_a",
            name="Victorian Institute of Sport Assessment-Achilles (VISA-A)",
            citation=ROBINSON_2001,
            item_count=8,
            score_max=100,
            higher_is_better=True,
            mcid=6.5,
            items=_VISA_A_ITEMS,
            instructions=(
                "In this questionnaire, the term pain refers specifically to pain in the "
                "Achilles tendon region."
            ),
            mcid_citation=MCCORMACK_2015,
        ),
        Instrument(
            code="faam_adl",
            name="Foot and Ankle Ability Measure, Activities of Daily Living subscale (FAAM ADL)",
            citation=MARTIN_2005,
            item_count=21,
            score_max=100,
            higher_is_better=True,
            mcid=8.0,
            items=_FAAM_ADL_ITEMS,
            instructions=_FAAM_INSTRUCTIONS,
            mcid_citation=MARTIN_2005,
        ),
        Instrument(
            code="faam_sports",
            name="Foot and Ankle Ability Measure, Sports subscale (FAAM Sports)",
            citation=MARTIN_2005,
            item_count=8,
            score_max=100,
            higher_is_better=True,
            mcid=9.0,
            items=_FAAM_SPORTS_ITEMS,
            instructions=_FAAM_INSTRUCTIONS,
            mcid_citation=MARTIN_2005,
        ),
        Instrument(
            code="lefs",
            name="Lower Extremity Functional Scale (LEFS)",
            citation=BINKLEY_1999,
            item_count=20,
            score_max=80,
            higher_is_better=True,
            mcid=9.0,
            items=_LEFS_ITEMS,
            instructions=(
                "We are interested in knowing whether you are having any difficulty at all "
                "with the activities listed below because of your lower limb problem for "
                "which you are currently seeking attention. Please provide an answer for each "
                "activity. Today, do you or would you have any difficulty at all with:"
            ),
            mcid_citation=BINKLEY_1999,
        ),
        Instrument(
            code="cait",
            name="Cumberland Ankle Instability Tool (CAIT)",
            citation=HILLER_2006,
            item_count=9,
            score_max=30,
            higher_is_better=True,
            mcid=None,
            items=_CAIT_ITEMS,
            instructions=(
                "Please tick the ONE statement in EACH question that BEST describes your "
                "ankle. Answer for the ankle being treated."
            ),
        ),
    )
}

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


def _is_int(value: object) -> bool:
    """True for a real integer: bools are refused, True is not an answer of 1."""
    return isinstance(value, int) and not isinstance(value, bool)


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
        if _is_int(value) and value in values:
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
    for branch in _VISA_A_ITEMS[7].branches
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
        if _is_int(value) and 0 <= value <= 4:
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


# ---------------------------------------------------------------------------
# Return-to-run checklists
# ---------------------------------------------------------------------------

_NO_THRESHOLD = (
    "The consensus names this as an assessment item but sets no pass mark: tick it when "
    "you judge it satisfactory for a return to running."
)

_PAASS: tuple[Criterion, ...] = (
    Criterion(
        "pain_during_sport",
        "Pain during sport participation",
        "bool",
        "",
        "Ankle pain while running and during sport-specific drills (note the NPRS in the "
        "session). " + _NO_THRESHOLD,
        domain="pain",
    ),
    Criterion(
        "pain_last_24_hours",
        "Pain over the last 24 hours",
        "bool",
        "",
        "Ankle pain over the previous 24 hours, including after the last session. " + _NO_THRESHOLD,
        domain="pain",
    ),
    Criterion(
        "ankle_range_of_motion",
        "Ankle range of motion",
        "bool",
        "",
        "Compare with the uninjured side (e.g. weight-bearing dorsiflexion lunge). "
        + _NO_THRESHOLD,
        domain="ankle_impairments",
    ),
    Criterion(
        "ankle_strength",
        "Ankle muscle strength",
        "bool",
        "",
        "Evertor, invertor and plantar-flexor strength against the uninjured side. "
        + _NO_THRESHOLD,
        domain="ankle_impairments",
    ),
    Criterion(
        "ankle_endurance",
        "Ankle muscle endurance",
        "bool",
        "",
        "Repeated efforts, e.g. single-leg heel raises, against the uninjured side. "
        + _NO_THRESHOLD,
        domain="ankle_impairments",
    ),
    Criterion(
        "ankle_power",
        "Ankle muscle power",
        "bool",
        "",
        "Fast, loaded efforts such as hopping or jumping off the injured ankle. " + _NO_THRESHOLD,
        domain="ankle_impairments",
    ),
    Criterion(
        "ankle_confidence",
        "Perceived ankle confidence/reassurance and stability",
        "bool",
        "",
        "The athlete trusts the ankle and does not feel it giving way. " + _NO_THRESHOLD,
        domain="athlete_perception",
    ),
    Criterion(
        "psychological_readiness",
        "Psychological readiness to return",
        "bool",
        "",
        "The athlete feels ready, without undue fear of re-injury. " + _NO_THRESHOLD,
        domain="athlete_perception",
    ),
    Criterion(
        "proprioception",
        "Proprioception",
        "bool",
        "",
        "Joint position sense of the injured ankle. " + _NO_THRESHOLD,
        domain="sensorimotor_control",
    ),
    Criterion(
        "dynamic_postural_control",
        "Dynamic postural control/balance",
        "bool",
        "",
        "Single-leg balance and reach tasks against the uninjured side. " + _NO_THRESHOLD,
        domain="sensorimotor_control",
    ),
    Criterion(
        "hop_jump_agility",
        "Hopping, jumping and agility",
        "bool",
        "",
        "Hop and jump tests and changes of direction. " + _NO_THRESHOLD,
        domain="sport_functional_performance",
    ),
    Criterion(
        "sport_specific_drills",
        "Sport-specific drills",
        "bool",
        "",
        "For a runner: running drills, pace changes, uneven ground and turns. " + _NO_THRESHOLD,
        domain="sport_functional_performance",
    ),
    Criterion(
        "full_training_session",
        "Ability to complete a full training session",
        "bool",
        "",
        "A full usual training session completed without a flare-up. " + _NO_THRESHOLD,
        domain="sport_functional_performance",
    ),
)

_SILBERNAGEL: tuple[Criterion, ...] = (
    Criterion(
        "pain_during_activity",
        "Pain during running and exercise",
        "nprs",
        "/10",
        "Pain-monitoring model: pain during the activity may reach 5/10 but no higher.",
        domain="pain_monitoring",
        min_value=0,
        max_value=5,
    ),
    Criterion(
        "pain_after_activity",
        "Pain after running and exercise",
        "nprs",
        "/10",
        "Pain-monitoring model: pain after the session may reach 5/10 but no higher.",
        domain="pain_monitoring",
        min_value=0,
        max_value=5,
    ),
    Criterion(
        "pain_settled_next_morning",
        "Pain after activity has settled by the next morning",
        "bool",
        "",
        "Pain-monitoring model: pain provoked by the session must have subsided by the "
        "following morning.",
        domain="pain_monitoring",
    ),
    Criterion(
        "no_weekly_increase",
        "Pain and stiffness not increasing from week to week",
        "bool",
        "",
        "Pain-monitoring model: Achilles pain and morning stiffness must not increase from "
        "one week to the next.",
        domain="pain_monitoring",
    ),
    Criterion(
        "visa_a_improving",
        "VISA-A improving",
        "bool",
        "",
        "Compare with the case's first VISA-A: an improvement of at least 6.5 points "
        "(McCormack 2015) is clinically important; 100 = asymptomatic. No pass mark is set "
        "by the sources: the physio judges.",
        domain="function",
    ),
    Criterion(
        "heel_rise_endurance",
        "Single-leg heel-rise endurance",
        "bool",
        "",
        "Repeated single-leg heel rises on the injured side compared with the other side, "
        "without pain above the model's limits. No pass mark is set by the source: the physio "
        "judges.",
        domain="function",
    ),
)

RETURN_TO_RUN_CHECKLISTS: dict[str, tuple[Criterion, ...]] = {
    "ankle_sprain": _PAASS,
    "achilles_tendinopathy": _SILBERNAGEL,
}
RETURN_TO_RUN_CITATIONS: dict[str, str] = {
    "ankle_sprain": SMITH_2021,
    "achilles_tendinopathy": SILBERNAGEL_2007,
}


def criterion_met(criterion: Criterion, value: bool | float | None) -> bool:
    """Whether a recorded value meets the criterion; an unrecorded one (None) is not met."""
    if value is None:
        return False
    if criterion.kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{criterion.code} is ticked: expected true or false.")
        return value
    if criterion.kind == "nprs" and not (_is_int(value) and 0 <= value <= 10):
        raise ValueError(f"{criterion.code} is an NPRS rating: expected an integer 0 to 10.")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{criterion.code} is a number: expected a number.")
    if criterion.min_value is not None and value < criterion.min_value:
        return False
    return criterion.max_value is None or value <= criterion.max_value
