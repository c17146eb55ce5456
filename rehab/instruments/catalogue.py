"""The outcome measures Talus scores: each questionnaire's items as printed, and its data.

No Django here. ``INSTRUMENTS`` holds every instrument's wording, choices, ceiling and MCID:
the pages render their forms from it and ``rehab.instruments.scoring`` validates against it,
so a rendered form and the scorer cannot disagree about what an answer may be. Sources and
decisions: docs/clinical.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# ---------------------------------------------------------------------------
# Data shapes
# ---------------------------------------------------------------------------


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
