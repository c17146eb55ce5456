"""When an outcome measure raises an alert for the assigned physio: pure rules, no ORM.

- ``worsened``: the score is worse than the previous measure of the same instrument on the
  case by at least the instrument's minimal clinically important difference
  (``rehab.instruments.scoring.worsened_by_mcid``; MCIDs: Farrar 2001 for the NPRS,
  Binkley 1999 for the LEFS, Martin 2005 for the FAAM, McCormack 2015 for the VISA-A).
- ``high_pain``: an NPRS of 7 or more, the lower bound of "severe" pain on the 0-10 scale
  (Boonstra AM et al., Cut-off points for mild, moderate, and severe pain on the numeric
  rating scale for pain in patients with chronic musculoskeletal pain, Front Psychol
  2016;7:1466; Jensen MP et al., Pain 2001;91(3):317-22): the clinic's threshold for
  calling the runner back before the next visit.

Sources and decisions: docs/runner.md.
"""

from __future__ import annotations

from decimal import Decimal

from rehab.instruments.scoring import worsened_by_mcid

# NPRS at or above which the physio is alerted (severe pain).
HIGH_PAIN_NPRS = 7

WORSENED = "worsened"
HIGH_PAIN = "high_pain"


def outcome_alerts(
    instrument: str, previous_score: Decimal | float | int | None, new_score: Decimal | float | int
) -> list[tuple[str, str]]:
    """The alerts a new measure raises, each ``(kind, detail)``; empty when none."""
    raised: list[tuple[str, str]] = []
    if worsened_by_mcid(instrument, previous_score, new_score):
        raised.append(
            (
                WORSENED,
                f"{instrument.upper()} {_number(new_score)}, was {_number(previous_score)}: "
                "worse by at least the MCID.",
            )
        )
    if instrument == "nprs" and Decimal(str(new_score)) >= HIGH_PAIN_NPRS:
        raised.append((HIGH_PAIN, f"Pain {_number(new_score)}/10 (NPRS)."))
    return raised


def _number(value) -> str:
    number = Decimal(str(value))
    return str(int(number)) if number == number.to_integral_value() else str(number.normalize())
