"""The return-to-run log's decision after each run: the pain-monitoring model, pure.

No Django here. Silbernagel KG, Thomeé R, Eriksson BI, Karlsson J. Continued sports activity,
using a pain-monitoring model, during rehabilitation in patients with Achilles tendinopathy:
a randomized controlled study. Am J Sports Med 2007;35(6):897-906.

The model lets the runner keep loading while pain stays acceptable: pain may reach 5 on the
0-10 scale during the activity and after it, and the pain the next morning must settle, not
rise from one session to the next. Talus decides, after every run:

- ``step_back`` when any pain of the run (during, after, the next morning) is above 5;
- ``progress`` when this run and the previous one both kept every pain at 5 or below, and
  this run's next-morning pain did not rise from the previous run's;
- ``stay`` otherwise: a first run (nothing to compare with), a run whose next-morning score
  is not in yet (the morning after decides), a previous run above the limit or without its
  own next-morning score, or a next-morning pain that rose while staying at 5 or below.

``next_stage`` turns a decision into the stage of the walk-run progression to do next.
docs/physio.md, "Return-to-run log", has the worked examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# The pain-monitoring model's acceptable pain (NPRS 0-10): at most 5, during and after.
PAIN_LIMIT = 5

RunDecision = Literal["progress", "stay", "step_back"]
RUN_DECISION_LABELS: dict[RunDecision, str] = {
    "progress": "Progress to the next stage",
    "stay": "Stay at this stage",
    "step_back": "Step back a stage",
}


@dataclass(frozen=True)
class RunPains:
    """The pains (NPRS 0-10) of one run; the next-morning one is unknown until that morning."""

    during: int
    after: int
    next_morning: int | None = None

    def scores(self) -> tuple[int, ...]:
        known = (self.during, self.after, self.next_morning)
        return tuple(pain for pain in known if pain is not None)

    def above_limit(self) -> bool:
        return any(pain > PAIN_LIMIT for pain in self.scores())

    def complete_within_limit(self) -> bool:
        return self.next_morning is not None and not self.above_limit()


def run_decision(*, run: RunPains, previous: RunPains | None) -> RunDecision:
    """The pain-monitoring model's decision after ``run``, given the run before it (if any)."""
    if run.above_limit():
        return "step_back"
    if previous is None or not run.complete_within_limit():
        return "stay"
    if not previous.complete_within_limit():
        return "stay"
    if run.next_morning > previous.next_morning:  # type: ignore[operator]
        return "stay"
    return "progress"


def next_stage(*, stage: int, decision: RunDecision, stages: int) -> int:
    """The stage (1-based) to run next: up on progress, down on step_back, within 1..stages."""
    if stages < 1:
        raise ValueError("A progression has at least one stage.")
    step = {"progress": 1, "stay": 0, "step_back": -1}[decision]
    return min(max(stage + step, 1), stages)


_ADVICE: dict[RunDecision, str] = {
    "progress": "Well done: your pain stayed within the limits. Next time, move on to stage {n}: "
    "{stage}.",
    "stay": "Next time, repeat stage {n}: {stage}.",
    "step_back": "Your pain went above 5 out of 10. Next time, go back to stage {n}: {stage}. "
    "If the pain stays high, call the clinic.",
}


def next_run_words(*, decision: RunDecision, stage: int, stage_words: str) -> str:
    """What to tell the runner after a run: the decision and the next stage in plain words."""
    return _ADVICE[decision].format(n=stage, stage=stage_words)
