"""rehab.charts: pure SVG builders, tested as strings."""
# ruff: noqa: S314 — parses SVG this module itself generated, not untrusted input

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

from rehab.charts import Point, Series, instrument_chart, line_chart, pain_chart, threshold_for

SVG = "{http://www.w3.org/2000/svg}"
DAY = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)


def days(n):
    return DAY + datetime.timedelta(days=n)


def texts(svg: str) -> list[str]:
    return [el.text or "" for el in ET.fromstring(svg).iter(f"{SVG}text")]


def test_it_marks_the_mcid_above_the_first_score_when_higher_is_better():
    threshold = threshold_for("lefs", 36)

    assert threshold.value == 45
    assert "at or above 45" in threshold.label
    assert "first 36 + 9" in threshold.label


def test_it_marks_the_mcid_below_the_first_pain():
    threshold = threshold_for("nprs", 7)

    assert threshold.value == 5
    assert "at or below 5" in threshold.label


def test_it_draws_no_mcid_line_beyond_the_scale():
    assert threshold_for("lefs", 75) is None
    assert threshold_for("nprs", 1) is None
    assert threshold_for("lefs", None) is None


def test_it_marks_the_cait_instability_cutoff_instead_of_an_mcid():
    threshold = threshold_for("cait", 20)

    assert threshold.value == 25
    assert "instability" in threshold.label


def test_it_builds_well_formed_svg_with_axis_labels_and_a_dashed_line():
    chart = instrument_chart("lefs", [(days(0), 36), (days(14), 50)])

    root = ET.fromstring(chart.svg)
    assert root.get("role") == "img"
    labels = texts(chart.svg)
    assert "Score (points, 0-80)" in labels
    assert "Date" in labels
    assert {"36", "50"} <= set(labels)
    assert any(label.startswith("MCID: at or above 45") for label in labels)
    dashed = [el for el in root.iter(f"{SVG}line") if el.get("class") == "threshold"]
    assert len(dashed) == 1 and dashed[0].get("stroke-dasharray")
    assert root.find(f"{SVG}polyline") is not None


def test_it_places_a_higher_score_higher_on_the_chart():
    chart = instrument_chart("lefs", [(days(0), 20), (days(7), 60)])

    circles = list(ET.fromstring(chart.svg).iter(f"{SVG}circle"))
    first, second = (float(c.get("cy")) for c in circles[:2])
    assert second < first  # SVG y grows downwards


def test_it_charts_pain_before_and_after_with_a_legend():
    chart = pain_chart([(days(0), 6, 4), (days(3), 5, 2), (days(6), None, None)])

    labels = texts(chart.svg)
    assert "Before session" in labels and "After session" in labels
    assert "Pain (NPRS 0-10)" in labels
    assert len(chart.rows) == 2
    assert "Dashed line: MCID: at or below 4" in chart.summary


def test_it_has_no_pain_chart_without_pain_scores():
    assert pain_chart([(days(0), None, None)]) is None


def test_it_draws_a_single_point_in_the_middle():
    svg = line_chart(
        chart_id="c",
        title="t",
        y_label="y",
        y_max=10,
        series=[Series("", [Point(days(0), 5)])],
    )

    circle = next(ET.fromstring(svg).iter(f"{SVG}circle"))
    assert 300 < float(circle.get("cx")) < 400


def test_it_escapes_text():
    svg = line_chart(
        chart_id="c", title="<script>", y_label="a & b", y_max=10, series=[Series("x", [])]
    )

    assert "<script>" not in svg
    assert "a &amp; b" in svg
    ET.fromstring(svg)


def test_it_shows_faam_in_percent_with_two_decimals():
    chart = instrument_chart("faam_adl", [(days(0), 71.43), (days(9), 85.71)])

    labels = texts(chart.svg)
    assert "Score (%, 0-100)" in labels
    assert "71.43" in labels


def test_it_draws_one_chart_per_side_named_by_its_ankle():
    import datetime

    from rehab.charts import instrument_chart

    at = datetime.datetime(2026, 11, 1, 10, tzinfo=datetime.UTC)
    left = instrument_chart("cait", [(at, 20)], side="left")
    unsided = instrument_chart("nprs", [(at, 5)])

    assert (left.chart_id, left.title) == (
        "chart-cait-left",
        "Cumberland Ankle Instability Tool (CAIT): score over time, left ankle",
    )
    assert unsided.chart_id == "chart-nprs"


def test_it_marks_the_points_answered_from_home():
    day = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)
    chart = instrument_chart(
        "lefs", [(day, 40, False), (day + datetime.timedelta(days=14), 52, True)]
    )

    assert chart.svg.count('class="from-home"') == 2  # the point and the legend's key
    assert "From home" in chart.svg
    assert "16 Nov: 52 (from home)" in chart.summary
    assert [row["from_home"] for row in chart.rows] == [False, True]


def test_it_draws_clinic_points_as_before():
    day = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)
    chart = instrument_chart("lefs", [(day, 40)])

    assert "from-home" not in chart.svg
    assert "From home" not in chart.svg
