"""Charts as inline SVG, shared by every page that draws one: data points in, SVG text out.

No JavaScript and no Django models: a page hands in plain values, so the charts print, read
with scripts off, and are unit-tested as strings. Colour is never the only cue: series differ
by marker shape and line style and are named in a legend, every point or bar carries its value,
and each chart is shown beside a table of its numbers. Used by the case page's progress charts
(rehab.charts) and the clinic's reports (reports/).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape
from typing import Any

WIDTH, HEIGHT = 680, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 44, 58
INK, MUTED, GRID = "#1d2430", "#4f5b6b", "#d5dbe3"
THRESHOLD = "#1e5e3b"
STYLES = (
    {"colour": "#1f5f8b", "marker": "circle", "dash": ""},
    {"colour": "#8a4b00", "marker": "square", "dash": "6 4"},
    {"colour": "#5b3a8a", "marker": "circle", "dash": "2 4"},
)


@dataclass(frozen=True)
class Point:
    at: datetime | date
    value: float
    # Answered by the runner from home (the portal), not in the clinic: drawn hollow.
    from_home: bool = False


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[Point]


@dataclass(frozen=True)
class Threshold:
    value: float
    label: str


@dataclass(frozen=True)
class Chart:
    """What a template needs: a heading, the SVG, and the numbers as a table."""

    chart_id: str
    title: str
    svg: str
    summary: str
    rows: list[dict[str, Any]] = field(default_factory=list)


def fmt(value: float) -> str:
    return f"{value:g}" if float(value) == int(value) else f"{value:.2f}".rstrip("0")


def _nice_step(span: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if span / step <= 6:
            return step
    return span / 5


def _as_datetime(at: datetime | date) -> datetime:
    return at if isinstance(at, datetime) else datetime(at.year, at.month, at.day)


def day_label(at: datetime | date) -> str:
    return f"{at.day} {at:%b}"


def line_chart(
    *,
    chart_id: str,
    title: str,
    y_label: str,
    y_max: float,
    series: Sequence[Series],
    threshold: Threshold | None = None,
    y_min: float = 0,
    better: str = "",
) -> str:
    """An SVG line chart over time with labelled axes, a legend and an optional dashed line."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    all_points = [p for s in series for p in s.points]
    times = sorted({_as_datetime(p.at) for p in all_points})
    first_t, last_t = (times[0], times[-1]) if times else (None, None)
    span = (last_t - first_t).total_seconds() if times else 0

    def x(at: datetime | date) -> float:
        if not span:
            return LEFT + plot_w / 2
        pad = 24
        offset = (_as_datetime(at) - first_t).total_seconds() / span
        return LEFT + pad + offset * (plot_w - 2 * pad)

    def y(value: float) -> float:
        return TOP + plot_h - (float(value) - y_min) / (y_max - y_min) * plot_h

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" class="chart-svg" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="system-ui, sans-serif" font-size="14">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(describe(series, y_label, threshold))}</desc>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fff" '
        f'stroke="{GRID}"/>',
    ]
    # Y grid, ticks and axis title.
    step = _nice_step(y_max - y_min)
    tick = y_min
    while tick <= y_max + 1e-9:
        ty = y(tick)
        out.append(
            f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{LEFT + plot_w}" y2="{ty:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 8}" y="{ty + 5:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{fmt(tick)}</text>"
        )
        tick += step
    mid_y = TOP + plot_h / 2
    out.append(
        f'<text x="16" y="{mid_y:.1f}" text-anchor="middle" fill="{INK}" font-weight="600" '
        f'transform="rotate(-90 16 {mid_y:.1f})">{escape(y_label)}</text>'
    )
    if better:
        out.append(
            f'<text x="{LEFT}" y="{TOP - 10}" fill="{MUTED}" font-size="13">{escape(better)}</text>'
        )
    # X ticks: one per distinct day, thinned when crowded.
    days: dict[date, datetime] = {}
    for t in times:
        days.setdefault(t.date(), t)
    every = max(1, -(-len(days) // 8))
    for index, (_day, t) in enumerate(sorted(days.items())):
        if index % every:
            continue
        tx = x(t)
        out.append(
            f'<line x1="{tx:.1f}" y1="{TOP + plot_h}" x2="{tx:.1f}" y2="{TOP + plot_h + 5}" '
            f'stroke="{MUTED}"/>'
            f'<text x="{tx:.1f}" y="{TOP + plot_h + 20}" text-anchor="middle" fill="{MUTED}">'
            f"{day_label(t)}</text>"
        )
    out.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle" '
        f'fill="{INK}" font-weight="600">Date</text>'
    )
    # The threshold: dashed and labelled in words, above the line.
    if threshold is not None and y_min <= threshold.value <= y_max:
        ty = y(threshold.value)
        # The label sits on the side of the line where the first points are not: above it
        # when higher is better (early scores are low), below it when lower is better.
        below = better.startswith("Lower")
        label_y = ty + 18 if below else ty - 7
        if label_y < TOP + 14:
            label_y = ty + 18
        out.append(
            f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{LEFT + plot_w}" y2="{ty:.1f}" '
            f'stroke="{THRESHOLD}" stroke-width="2" stroke-dasharray="8 5" class="threshold"/>'
            f'<text x="{LEFT + 8}" y="{label_y:.1f}" '
            f'fill="{THRESHOLD}" font-weight="600">{escape(threshold.label)}</text>'
        )
    # Series: line, markers, values.
    legend_x = LEFT + 150
    for index, one in enumerate(series):
        style = STYLES[index % len(STYLES)]
        points = sorted(one.points, key=lambda p: _as_datetime(p.at))
        coords = [(x(p.at), y(p.value), p.value, p.from_home) for p in points]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy, _, _home in coords)
            dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
            out.append(
                f'<polyline points="{path}" fill="none" stroke="{style["colour"]}" '
                f'stroke-width="3"{dash}/>'
            )
        for cx, cy, value, home in coords:
            out.append(_home_marker(style, cx, cy) if home else _marker(style, cx, cy))
            offset = -12 if index == 0 else 22
            out.append(
                f'<text x="{cx:.1f}" y="{cy + offset:.1f}" text-anchor="middle" '
                f'fill="{style["colour"]}" font-weight="700">{fmt(value)}</text>'
            )
        # Legend entries, left to right above the plot, after the "better" hint.
        if len(series) > 1 or one.name:
            out.append(_marker(style, legend_x + 6, TOP - 15))
            out.append(
                f'<text x="{legend_x + 16}" y="{TOP - 10}" fill="{INK}">{escape(one.name)}</text>'
            )
            legend_x += 8 * len(one.name) + 40
    if any(p.from_home for p in all_points):
        # The key to the hollow markers, at the right of the legend line.
        key_x = LEFT + plot_w - 110
        out.append(_home_marker(STYLES[0], key_x, TOP - 15))
        out.append(f'<text x="{key_x + 12}" y="{TOP - 10}" fill="{INK}">From home</text>')
    if not all_points:
        out.append(
            f'<text x="{LEFT + plot_w / 2}" y="{mid_y}" text-anchor="middle" fill="{MUTED}">'
            "No data yet</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _home_marker(style: dict[str, str], cx: float, cy: float) -> str:
    """A point the runner answered from home: a hollow ring (shape and fill, not colour)."""
    return (
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="7" fill="#fff" '
        f'stroke="{style["colour"]}" stroke-width="3" class="from-home"/>'
    )


def _marker(style: dict[str, str], cx: float, cy: float) -> str:
    colour = style["colour"]
    if style["marker"] == "square":
        return (
            f'<rect x="{cx - 5:.1f}" y="{cy - 5:.1f}" width="10" height="10" fill="{colour}" '
            'stroke="#fff" stroke-width="1.5"/>'
        )
    return (
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6" fill="{colour}" '
        'stroke="#fff" stroke-width="1.5"/>'
    )


def describe(series: Sequence[Series], y_label: str, threshold: Threshold | None) -> str:
    parts = []
    for one in series:
        values = ", ".join(
            f"{day_label(p.at)}: {fmt(p.value)}{' (from home)' if p.from_home else ''}"
            for p in sorted(one.points, key=lambda p: _as_datetime(p.at))
        )
        parts.append(f"{one.name or y_label}: {values or 'no data'}.")
    if threshold is not None:
        parts.append(f"Dashed line: {threshold.label}.")
    return " ".join(parts)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: Sequence[tuple[str, float | None]],
    value_label: str,
    unit: str = "",
    value_max: float | None = None,
) -> str:
    """A horizontal bar chart: one labelled bar per group, its value written at its end.

    ``value_label`` names the value axis (with ``unit``); ``value_max`` fixes its end (100
    for a percentage), else it is the largest value rounded up to a tick. A group without a
    value (nothing to divide) is drawn as "no data", never as a zero.
    """
    label_w, row_h, bar_h = 230, 34, 20
    top, bottom, right = 20, 56, 56
    plot_w = WIDTH - label_w - right
    plot_h = max(1, len(bars)) * row_h
    height = top + plot_h + bottom
    values = [float(v) for _, v in bars if v is not None]
    top_value = value_max if value_max is not None else max(values, default=0) or 1
    step = _nice_step(top_value)
    if value_max is None:
        top_value = step * -(-top_value // step)
    axis = f"{value_label} ({unit})" if unit else value_label
    suffix = "%" if unit == "%" else ""

    def x(value: float) -> float:
        return label_w + float(value) / top_value * plot_w

    summary = "; ".join(
        f"{label}: {'no data' if value is None else fmt(float(value)) + suffix}"
        for label, value in bars
    )
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" class="chart-svg" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="system-ui, sans-serif" font-size="14">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(axis)}. {escape(summary or "No data")}.</desc>',
        f'<rect x="{label_w}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" '
        f'stroke="{GRID}"/>',
    ]
    tick = 0.0
    while tick <= top_value + 1e-9:
        tx = x(tick)
        out.append(
            f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{top + plot_h}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{tx:.1f}" y="{top + plot_h + 20}" text-anchor="middle" fill="{MUTED}">'
            f"{fmt(tick)}</text>"
        )
        tick += step
    out.append(
        f'<text x="{label_w + plot_w / 2:.1f}" y="{height - 10}" text-anchor="middle" '
        f'fill="{INK}" font-weight="600">{escape(axis)}</text>'
    )
    colour = STYLES[0]["colour"]
    for index, (label, value) in enumerate(bars):
        cy = top + index * row_h + row_h / 2
        short = label if len(label) <= 30 else label[:29] + "…"
        out.append(
            f'<text x="{label_w - 8}" y="{cy + 5:.1f}" text-anchor="end" fill="{INK}">'
            f"{escape(short)}</text>"
        )
        if value is None:
            out.append(f'<text x="{label_w + 8}" y="{cy + 5:.1f}" fill="{MUTED}">no data</text>')
            continue
        end = x(min(float(value), top_value))
        out.append(
            f'<rect x="{label_w}" y="{cy - bar_h / 2:.1f}" width="{end - label_w:.1f}" '
            f'height="{bar_h}" fill="{colour}"/>'
            f'<text x="{end + 6:.1f}" y="{cy + 5:.1f}" fill="{INK}" font-weight="700">'
            f"{fmt(float(value))}{suffix}</text>"
        )
    if not bars:
        out.append(
            f'<text x="{label_w + plot_w / 2}" y="{top + plot_h / 2 + 5}" text-anchor="middle" '
            f'fill="{MUTED}">No data in this period</text>'
        )
    out.append("</svg>")
    return "".join(out)
