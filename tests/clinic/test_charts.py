"""clinic.charts.bar_chart: the reports' bars, tested as strings."""

from __future__ import annotations

from clinic.charts import bar_chart


def test_it_draws_a_labelled_bar_per_group_with_its_value_and_axis_unit():
    svg = bar_chart(
        chart_id="c",
        title="No-show rate",
        bars=[("Paula Petit", 25.0), ("Oscar Olsen", 0.0)],
        value_label="No-show rate",
        unit="%",
        value_max=100,
    )

    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert '<title id="c-title">No-show rate</title>' in svg
    assert '<desc id="c-desc">No-show rate (%). Paula Petit: 25%; Oscar Olsen: 0%.</desc>' in svg
    assert ">No-show rate (%)</text>" in svg  # the value axis, with its unit
    assert svg.count("<rect") == 3  # the plot area and two bars
    assert ">100</text>" in svg  # the axis ends at 100 %


def test_it_writes_no_data_rather_than_a_zero_bar():
    svg = bar_chart(chart_id="c", title="t", bars=[("Nobody", None)], value_label="Share")

    assert ">no data</text>" in svg
    assert svg.count("<rect") == 1


def test_it_says_so_when_the_period_is_empty():
    svg = bar_chart(chart_id="c", title="t", bars=[], value_label="Visits", unit="visits")

    assert "No data in this period" in svg


def test_it_escapes_the_labels():
    svg = bar_chart(chart_id="c", title="<b>", bars=[("<script>", 1)], value_label="n")

    assert "<script>" not in svg and "&lt;script&gt;" in svg
