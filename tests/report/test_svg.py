"""The small SVG chart kit: ticks, labels and charts that stay well-formed on odd data."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from supplyline.report import svg
from supplyline.report.svg import Bubble, Marker, Series, fmt, nice_ticks

START = dt.date(1954, 3, 1)


def test_nice_ticks_cover_the_range_with_round_steps() -> None:
    assert nice_ticks(0, 97) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0, 0.3) == [0, 0.1, 0.2, 0.3]
    assert nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    ticks = nice_ticks(0, 12_345)
    assert ticks[0] == 0 and ticks[-1] >= 12_345


def test_fmt() -> None:
    assert [fmt(v) for v in (0.0, 2.0, 12345.6, 0.1234, 33.333)] == [
        "0", "2", "12,346", "0.123", "33.3"]


def test_time_chart_with_gaps_markers_and_a_log_axis() -> None:
    values = np.array([np.nan, 1.0, 2.0, np.nan, 3.0, 0.0, 1000.0])
    chart = svg.time_chart("c1", "a <chart>", START, [Series("s & t", values, "#000")],
                           "units", markers=[Marker(2, 2.5, "#f00", "target")])
    root = ET.fromstring(chart)
    assert root.get("id") == "c1"
    assert len(root.findall("{*}polyline")) == 2  # one per run between gaps
    assert "a &lt;chart&gt;" in chart and "s &amp; t" in chart
    log = svg.time_chart("c2", "log", START, [Series("s", values, "#000")], "units",
                         log_y=True, log_floor=1.0)
    ET.fromstring(log)
    assert ">1,000<" in log and ">1<" in log


def test_a_line_chart_with_negative_values_draws_them_inside_its_axes() -> None:
    """A stock owed (below 0) widens the axis below 0: no point falls outside the plot."""
    values = np.array([0.0, 0.8, -1.7, 0.2])
    chart = svg.time_chart("c5", "owed", START, [Series("s", values, "#000")], "days")
    root = ET.fromstring(chart)
    height = float(root.get("viewBox", "").split()[3])
    (line,) = root.findall("{*}polyline")
    ys = [float(point.split(",")[1]) for point in line.get("points", "").split()]
    assert min(ys) >= 0 and max(ys) <= height - 30  # above the x axis's labels
    assert ">-2<" in chart and ">0<" in chart  # ticks below 0 and at 0


def test_stacked_chart_and_an_empty_one() -> None:
    bands = [Series("a", np.ones(5), "#000"), Series("b", np.full(5, 2.0), "#111")]
    chart = svg.time_chart("c3", "stack", START, bands, "t", stacked=True,
                           overlay=[Series("demand", np.full(5, 4.0), "#222", dashed=True)])
    root = ET.fromstring(chart)
    assert len(root.findall("{*}polygon")) == 2
    ET.fromstring(svg.time_chart("c4", "empty", START, [], "t"))


def test_scatter_and_bar_charts() -> None:
    ET.fromstring(svg.scatter_chart("s1", "none", [], "x", "y"))
    chart = svg.scatter_chart("s2", "one", [Bubble(10, 5, 3, "#000", "r")], "x", "y")
    assert len(ET.fromstring(chart).findall("{*}circle")) == 1
    bars = svg.bar_chart("b1", "burden", ["a", "a very long locality name indeed, too long"],
                         [Series("food", np.array([0.2, np.nan]), "#000")], "share",
                         bound=0.5, bound_label="bound", percent=True)
    root = ET.fromstring(bars)
    assert len(root.findall("{*}rect")) == 1
    assert ">50%<" in bars and "…" not in bars
    # A long label is shown in full, wrapped at spaces onto lines of the label column.
    label = root.findall("{*}text[@class='bar-label']")[1]
    lines = [span.text for span in label.findall("{*}tspan")]
    assert " ".join(lines) == "a very long locality name indeed, too long"
    narrow = ET.fromstring(svg.bar_chart("b2", "burden", ["a very long locality name indeed, "
                                                          "too long"],
                                         [Series("food", np.array([0.2]), "#000")], "share",
                                         width=200))
    assert len(narrow.findall("{*}text[@class='bar-label']/{*}tspan")) > 1


def test_time_chart_places_steps_on_their_days() -> None:
    # Planning steps: three single days, then steps of 4 days.
    chart = svg.time_chart("c5", "steps", START, [Series("s", np.arange(5.0), "#000")], "t",
                           days=[0, 1, 2, 6, 10])
    root = ET.fromstring(chart)
    (line,) = root.findall("{*}polyline")
    xs = [float(p.split(",")[0]) for p in (line.get("points") or "").split()]
    assert xs[3] - xs[2] == pytest.approx(4 * (xs[1] - xs[0]), rel=1e-3)
    assert xs[4] - xs[3] == pytest.approx(4 * (xs[1] - xs[0]), rel=1e-3)


def _size(chart: str) -> tuple[float, float, float]:
    """The width of a chart's viewBox and the largest and smallest width its style allows."""
    root = ET.fromstring(chart)
    style = dict(part.split(":") for part in (root.get("style") or "").split(";") if part)
    return (float(root.get("viewBox", "").split()[2]),
            float(style.get("max-width", "nan").removesuffix("px")),
            float(style.get("min-width", "nan").removesuffix("px")))


def test_charts_are_drawn_at_their_own_width_at_most_and_at_a_readable_width_at_least() -> None:
    """Not stretched across a wide section (the text would grow with it), and not shrunk on
    a phone below three quarters of its size (its text would shrink below 9 px)."""
    line = svg.time_chart("c1", "t", START, [Series("s", np.ones(5), "#000")], "units")
    scatter = svg.scatter_chart("c2", "s", [Bubble(1, 1, 1, "#000", "b")], "x", "y")
    bars = svg.bar_chart("c3", "b", ["a"], [Series("g", np.ones(1), "#000")], "x",
                         width=1100)
    for chart, width in ((line, 560), (scatter, 560), (bars, 1100)):
        assert _size(chart) == (width, width, 0.75 * width)


def test_a_chart_of_tiny_values_keeps_its_tick_labels_inside_it() -> None:
    """Values around a millionth: labels are short (a power of ten) and the axis leaves
    them room between the axis title (at x 14, ±7 px) and the axis."""
    values = np.array([0.0, 8e-7, 2e-6, 1.3e-6])
    chart = svg.time_chart("c7", "tiny", START, [Series("s", values, "#000")], "days")
    root = ET.fromstring(chart)
    ticks = [t for t in root.iter("text") if t.get("text-anchor") == "end"]
    assert [t.text for t in ticks] == ["0", "5e-7", "1e-6", "1.5e-6", "2e-6"]
    for tick in ticks:
        assert float(tick.get("x", "0")) - svg.text_width(tick.text or "") >= 22
    assert svg.tick_text(0.0000008) == "8e-7" and svg.tick_text(0.25) == "0.25"


def test_date_labels_by_the_right_edge_are_not_cut() -> None:
    """The last date tick sits 16 px from the right edge: centred on it, "21 Aug" ran past
    the chart ("21 Au"). Every date label now fits within the chart's width."""
    chart = svg.time_chart("c9", "days", START, [Series("s", np.arange(21.0), "#000")], "t")
    root = ET.fromstring(chart)
    width = float(root.get("width") or root.get("viewBox", "0 0 560").split()[2])
    dates = [t for t in root.iter("text") if t.get("text-anchor") == "middle"
             and any(month in (t.text or "") for month in ("Jan", "Feb", "Mar"))]
    assert dates
    for label in dates:
        assert float(label.get("x", "0")) + svg.text_width(label.text or "") / 2 <= width


def test_bands_are_shaded_under_the_lines() -> None:
    low, high = np.array([0.0, 1.0, np.nan, 1.0]), np.array([2.0, 3.0, np.nan, 4.0])
    chart = svg.time_chart("c8", "fan", START, [Series("median", (low + high) / 2, "#00f")],
                           "days", bands=[svg.Band("P5–P95", low, high, "#abc")])
    root = ET.fromstring(chart)
    polygons = root.findall("{*}polygon")
    assert [p.get("fill") for p in polygons] == ["#abc"]  # one: the gap leaves a lone point
    assert len(polygons[0].get("points", "").split()) == 4  # two days, up and back
    assert chart.index("<polygon") < chart.index("<polyline")  # under the line
    assert ">4<" in chart  # the axis covers the band


def test_a_step_wise_series_is_drawn_as_steps_not_ramps() -> None:
    """A value that holds for a step (a day, or four) is flat across it and jumps at the next
    step: drawn from step start to step start, demand rising from 57.5 to 81.5 t a day on 15
    Jan read as a ramp over the four days before."""
    chart = svg.time_chart("c10", "steps", START, [Series("s", np.array([1.0, 2.0, 3.0]),
                                                          "#000")], "t",
                           days=[0, 1, 3], last_days=[0, 2, 6])
    (line,) = ET.fromstring(chart).findall("{*}polyline")
    points = [tuple(map(float, p.split(","))) for p in (line.get("points") or "").split()]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    day = xs[1] - xs[0]
    assert [(x - xs[0]) / day for x in xs] == pytest.approx([0, 1, 1, 3, 3, 7], abs=0.01)
    assert ys[0] == ys[1] and ys[2] == ys[3] and ys[4] == ys[5]  # flat across each step
    assert ys[0] > ys[2] > ys[4]  # 1, 2, 3 (up the page)


def test_a_time_chart_across_a_new_year_says_the_years_its_ticks_leave_out() -> None:
    """Ticks say "22 Dec" and "5 Jan": the x title says which year each is in."""
    def x_title(start: dt.date, days: int) -> str:
        chart = svg.time_chart("c8", "t", start, [Series("s", np.ones(days), "#000")], "t")
        (title,) = [t for t in ET.fromstring(chart).iter("text")
                    if t.get("class") == "axis-title" and t.get("transform") is None]
        return title.text or ""

    assert x_title(dt.date(1953, 12, 6), 158) == "Dec 1953 – May 1954"
    assert x_title(START, 60) == "1954"


def test_a_bar_s_hover_gives_its_share_as_the_tables_do() -> None:
    """The built-in plan's burden chart said "Thai Nguyen (Viet Bac): food 0.0000889%" on
    hover, beside the mobilization table's and the terminal's 0%; and the tables said Phu
    Tho's 84.7486 % as 84.8 %, rounded to a hundredth of a percent and then to three
    figures (84.75, then 84.8): now every one says 84.7 %, rounded once."""
    from supplyline.report.sections import percent

    shares = np.array([0.8474860052215212, 8.888177463862673e-07, 0.0632])
    bars = ET.fromstring(svg.bar_chart("b4", "burden", ["Phu Tho", "Thai Nguyen", "Lao Cai"],
                                       [Series("food", shares, "#000")], "share",
                                       percent=True))
    said = [rect.findtext("{*}title") for rect in bars.findall("{*}rect")]
    # (84.7486 % to three figures: rounded to the hundredth first, 84.75, it read 84.8 %)
    assert said == ["Phu Tho: food 84.7%", "Thai Nguyen: food 0%", "Lao Cai: food 6.32%"]
    assert [percent(float(s)) for s in shares] == ["84.7%", "0%", "6.32%"]


def test_a_scatter_of_large_values_keeps_its_tick_labels_clear_of_the_axis_title() -> None:
    """The scatter's left margin was 64 px whatever its labels: the risk report's "extra
    mobilized (t)" in the hundreds of thousands ("300,000", 47 px) ran into the axis title
    (at x 14, ±7 px). The margin leaves room for the longest label, as the time chart's."""
    bubbles = [Bubble(10.0, 120_000.0, 1.0, "#000", "a"), Bubble(40.0, 230_000.0, 2.0, "#000",
                                                                  "b")]
    chart = svg.scatter_chart("c12", "big", bubbles, "chance (%)", "extra mobilized (t)")
    root = ET.fromstring(chart)
    ticks = [t for t in root.iter("text") if t.get("text-anchor") == "end"]
    assert "300,000" in [t.text for t in ticks]
    for tick in ticks:
        assert float(tick.get("x", "0")) - svg.text_width(tick.text or "") >= 22, tick.text
    small = svg.scatter_chart("c13", "small", [Bubble(5.0, 1.0, 1.0, "#000", "c")], "km", "%")
    assert 'x="58" y=' in small  # (the usual margin where the labels are short)


def test_a_burden_axis_of_tiny_shares_never_says_a_tick_twice() -> None:
    """The tutorial's first two days burden its villages by hundredths of a percent: the
    burden chart's axis read '0%, 0.01%, 0.01%, 0.01%, 0.02%', ticks at every 0.005 % said
    to the hundredth as every share is. A share's ticks are a hundredth of a percent apart
    at least, each said once, and reach past the largest share."""
    import supplyline as sl
    from supplyline.report.sections import ReportContext, burden_section

    def ticks(chart: str) -> list[str]:
        root = ET.fromstring(chart)
        return [t.text or "" for t in root.iter("text")
                if t.get("text-anchor") == "middle" and (t.text or "").endswith("%")]

    shares = np.array([0.000073, 0.00018, 0.0])
    chart = svg.bar_chart("b5", "burden", ["a", "b", "c"], [Series("food", shares, "#000")],
                          "share", bound=0.000198, bound_label="bound", percent=True)
    assert ticks(chart) == ["0%", "0.01%", "0.02%"]
    tiny = svg.bar_chart("b6", "burden", ["a"], [Series("food", np.array([3e-7]), "#000")],
                         "share", percent=True)
    assert ticks(tiny) == ["0%", "0.01%"]
    # (a share of whole percents keeps its round ticks)
    wide = svg.bar_chart("b7", "burden", ["a"], [Series("food", np.array([0.97]), "#000")],
                         "share", percent=True)
    assert ticks(wide) == ["0%", "20%", "40%", "60%", "80%", "100%"]
    section = burden_section(sl.plan(sl.load("tutorial"), days=2), ReportContext())
    assert section is not None
    said = ticks(re.search(r"<svg.*?</svg>", section.html, re.S).group(0))  # type: ignore[union-attr]
    assert len(said) > 1 and len(said) == len(set(said)), said
