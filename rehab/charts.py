"""The case page's progress charts (pain, each instrument with its MCID line), drawn by the
shared chart module (clinic.charts) from plain values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from clinic.charts import Chart, Point, Series, Threshold, day_label, describe, fmt, line_chart
from rehab.instruments.catalogue import CAIT_INSTABILITY_CUTOFF, INSTRUMENTS
from rehab.instruments.scoring import mcid_for

__all__ = [
    "Chart",
    "Point",
    "Series",
    "Threshold",
    "adherence_chart",
    "instrument_chart",
    "line_chart",
    "pain_chart",
    "runs_chart",
]


def threshold_for(
    instrument: str, first_score: float | None, *, y_max: float | None = None
) -> Threshold | None:
    """The line a change must cross: first score ± MCID in the improving direction.

    CAIT has no MCID; its line is the instability cutoff (≤ 25) instead. None when there
    is no first score, or when the MCID line falls outside the scale (no room to improve).
    """
    meta = INSTRUMENTS[instrument]
    top = meta.score_max if y_max is None else y_max
    mcid = mcid_for(instrument)
    if mcid is None:
        if instrument == "cait":
            return Threshold(CAIT_INSTABILITY_CUTOFF, f"≤ {CAIT_INSTABILITY_CUTOFF}: instability")
        return None
    if first_score is None:
        return None
    first = float(first_score)
    if meta.higher_is_better:
        value, sign, word = first + mcid, "+", "at or above"
    else:
        value, sign, word = first - mcid, "\u2212", "at or below"
    if not 0 <= value <= top:
        return None
    return Threshold(value, f"MCID: {word} {fmt(value)} (first {fmt(first)} {sign} {fmt(mcid)})")


# ---------------------------------------------------------------------------
# The case page's charts, from plain values
# ---------------------------------------------------------------------------


def pain_chart(sessions: Sequence[tuple[datetime, int | None, int | None]]) -> Chart | None:
    """Pain before and after each attended session: (when, before, after) triples."""
    rows = [(at, b, a) for at, b, a in sessions if b is not None or a is not None]
    if not rows:
        return None
    before = Series("Before session", [Point(at, b) for at, b, _ in rows if b is not None])
    after = Series("After session", [Point(at, a) for at, _, a in rows if a is not None])
    first = next((b if b is not None else a) for _, b, a in rows)
    threshold = threshold_for("nprs", first)
    title = "Pain at each session (NPRS, 0-10)"
    svg = line_chart(
        chart_id="chart-pain",
        title=title,
        y_label="Pain (NPRS 0-10)",
        y_max=10,
        series=[before, after],
        threshold=threshold,
        better="Lower is better",
    )
    return Chart(
        chart_id="chart-pain",
        title=title,
        svg=svg,
        summary=describe([before, after], "Pain", threshold),
        rows=[{"at": at, "before": b, "after": a} for at, b, a in rows],
    )


def instrument_chart(
    instrument: str,
    measures: Sequence[tuple[datetime, float] | tuple[datetime, float, bool]],
    *,
    side: str = "",
) -> Chart:
    """One instrument's scores over time (on one side, when given), with its MCID line from
    the first score (of that side: the MCID is judged per side).

    A measure is ``(when, score)`` or ``(when, score, from_home)``: the runner's answers from
    home are drawn hollow and named so in the description and the table.
    """
    meta = INSTRUMENTS[instrument]
    measures = [(m[0], m[1], bool(m[2]) if len(m) > 2 else False) for m in measures]
    points = [Point(at, float(value), home) for at, value, home in measures]
    first = points[0].value if points else None
    threshold = threshold_for(instrument, first)
    unit = "%" if instrument.startswith("faam") else "points"
    title = f"{meta.name}: score over time" + (f", {side} ankle" if side else "")
    chart_id = f"chart-{instrument}" + (f"-{side}" if side else "")
    y_label = f"Score ({unit}, 0-{meta.score_max})"
    series = Series("", points)
    svg = line_chart(
        chart_id=chart_id,
        title=title,
        y_label=y_label,
        y_max=meta.score_max,
        series=[series],
        threshold=threshold,
        better="Higher is better" if meta.higher_is_better else "Lower is better",
    )
    return Chart(
        chart_id=chart_id,
        title=title,
        svg=svg,
        summary=describe([series], "Score", threshold),
        rows=[{"at": at, "score": value, "from_home": home} for at, value, home in measures],
    )


def adherence_chart(days: Sequence[tuple[date, int]]) -> Chart | None:
    """The share of the programme's items ticked each logged day (0-100 %): (day, percent)."""
    if not days:
        return None
    series = Series("", [Point(day, percent) for day, percent in days])
    title = "Home exercises done each logged day (% of the programme)"
    svg = line_chart(
        chart_id="chart-adherence",
        title=title,
        y_label="Exercises done (%)",
        y_max=100,
        series=[series],
        better="Higher is better",
    )
    return Chart(
        chart_id="chart-adherence",
        title=title,
        svg=svg,
        summary=describe([series], "Done", None),
        rows=[{"at": day, "percent": percent} for day, percent in days],
    )


def runs_chart(runs: Sequence[tuple[date, int, int, int | None, str]]) -> Chart | None:
    """Pain during, after and the next morning of each run, with its decision in the table."""
    if not runs:
        return None
    during = Series("During", [Point(day, d) for day, d, _a, _m, _dec in runs])
    after = Series("After", [Point(day, a) for day, _d, a, _m, _dec in runs])
    morning = Series(
        "Next morning", [Point(day, m) for day, _d, _a, m, _dec in runs if m is not None]
    )
    limit = Threshold(5, "Limit: 5/10 (pain-monitoring model)")
    title = "Pain at each run (NPRS, 0-10)"
    svg = line_chart(
        chart_id="chart-runs",
        title=title,
        y_label="Pain (NPRS 0-10)",
        y_max=10,
        series=[during, after, morning],
        threshold=limit,
        better="Lower is better",
    )
    decisions = " ".join(f"{day_label(day)}: {dec.replace('_', ' ')}." for day, *_p, dec in runs)
    return Chart(
        chart_id="chart-runs",
        title=title,
        svg=svg,
        summary=describe([during, after, morning], "Pain", limit) + " Decisions: " + decisions,
        rows=[
            {"at": day, "during": d, "after": a, "next_morning": m, "decision": dec}
            for day, d, a, m, dec in runs
        ],
    )
