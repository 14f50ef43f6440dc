"""Charts in a real browser, under the app's own security policy.

The app is the real one (its headers, base.html, static files, templates/_charts.html)
with one page added here only: every kind of chart the spec knows, each with its table.
It must draw them all with no console error (a blocked inline style or script is one),
format money and percentages on the axes and in tooltips, keep lines apart by dash as
well as colour, fit a phone, and pass axe. Without Chart.js the tables are what is left.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from flask import render_template_string

from homeledger import create_app
from homeledger.config import TestConfig
from homeledger.web.charts import chart_spec
from tests.browser.conftest import serving
from tests.browser.test_smoke import WIDTHS, Visit

HOSTILE = "</script><script>alert(1)</script>"
MONTHS = [f"{2026 + m // 12}-{m % 12 + 1:02d}" for m in range(30)]

PAGE = """{% extends "base.html" %}
{% from "_charts.html" import chart, chart_scripts %}
{% block title %}Charts{% endblock %}
{% block scripts %}{{ chart_scripts() }}{% endblock %}
{% block content %}
<h1>Charts</h1>
{% for id, spec, caption in charts %}
  {% call chart(id, spec, caption) %}
  <table class="stack">
    <thead><tr><th scope="col">Label</th>
      {% for s in spec.series %}<th scope="col">{{ s.label }}</th>{% endfor %}</tr></thead>
    <tbody>{% for label in spec.labels %}{% set i = loop.index0 %}
      <tr><th scope="row">{{ label }}</th>
      {% for s in spec.series %}<td class="num" data-label="{{ s.label }}">{{ s["values"][i] }}</td>
      {% endfor %}</tr>{% endfor %}</tbody>
  </table>
  {% endcall %}
{% endfor %}
{% endblock %}
"""


def _balances(start: int, step: int) -> list[Decimal | None]:
    return [Decimal(max(start - step * m, 0)) + Decimal("0.45") for m in range(len(MONTHS))]


def charts() -> list[tuple[str, dict, str]]:
    minimum = _balances(24000, 500)
    minimum[5] = None  # a month with no figure is a gap, not a zero
    return [
        (
            "payoff",
            chart_spec(
                "line",
                MONTHS,
                [
                    ("Avalanche", _balances(24000, 1100)),
                    ("Snowball", _balances(24000, 1000)),
                    ("Minimum payments only", minimum),
                ],
                currency="AUD",
            ),
            "Total owed each month, by strategy",
        ),
        (
            "goals",
            chart_spec(
                "hbar",
                ["Holiday", "New car", "Emergency fund", HOSTILE],
                [("Reached", [Decimal("45"), Decimal("12.5"), 100, 0])],
                percent=True,
                y_max=100,
            ),
            "Savings goals, percent reached",
        ),
        (
            "spending",
            chart_spec(
                "stacked-bar",
                MONTHS[:6],
                [
                    ("Groceries", [Decimal(400 + 10 * m) for m in range(6)]),
                    ("Transport", [Decimal(120 + 5 * m) for m in range(6)]),
                    ("Bills", [Decimal("310.20")] * 6),
                ],
                currency="AUD",
                links=[
                    [f"/chart-check?rows={name}-{month}" for month in MONTHS[:6]]
                    for name in ("Groceries", "Transport", "Bills")
                ],
            ),
            "Spending each month, by category",
        ),
        (
            "income",
            chart_spec("bar", MONTHS[:6], [("Income", [Decimal("5200")] * 6)], currency="AUD"),
            "Income each month",
        ),
        (
            "share",
            chart_spec(
                "doughnut",
                ["Groceries", "Transport", "Bills"],
                [("March", [Decimal("430"), Decimal("135"), Decimal("310.20")])],
                currency="AUD",
            ),
            "Where March's money went",
        ),
    ]


@pytest.fixture(scope="module")
def chart_server(tmp_path_factory) -> Iterator[str]:
    # The page reads no data, so the database is never opened.
    path = tmp_path_factory.mktemp("charts") / "unused.db"
    app = create_app(TestConfig(f"sqlite:///{path}"))
    app.add_url_rule(
        "/chart-check", "chart_check", lambda: render_template_string(PAGE, charts=charts())
    )
    with serving(app) as base:
        yield base


CHART_FACTS = """() => [...document.querySelectorAll("canvas[data-chart]")].map(canvas => {
  const chart = Chart.getChart(canvas);
  if (!chart) return {id: canvas.dataset.chart, drawn: false};
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked++;
  const value = chart.options.indexAxis === "y" ? "x" : "y";
  return {
    id: canvas.dataset.chart,
    drawn: true,
    inked,
    height: canvas.clientHeight,
    width: canvas.getBoundingClientRect().right,
    ticks: chart.scales[value] ? chart.scales[value].ticks.map(t => t.label) : [],
    dashes: chart.data.datasets.map(d => JSON.stringify(d.borderDash || [])),
    legend: chart.legend.legendItems.map(i => JSON.stringify(i.lineDash || [])),
    colours: chart.data.datasets.map(d => String(d.backgroundColor)),
    labels: chart.data.labels,
  };
})"""

TOOLTIP = """([id, points]) => {
  const chart = Chart.getChart(document.querySelector(`canvas[data-chart="${id}"]`));
  const active = points.map(([datasetIndex, index]) => ({datasetIndex, index}));
  chart.tooltip.setActiveElements(active, {x: 0, y: 0});
  chart.update();
  return chart.tooltip.body.map(b => b.lines.join(" "));
}"""


@pytest.mark.parametrize("device", list(WIDTHS))
def test_every_kind_of_chart_draws_under_the_security_policy(chart_server, browser, device):
    width = WIDTHS[device]
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    dialogs = []
    try:
        visit = Visit(context.new_page(), chart_server)
        visit.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        problems = visit.check("/chart-check", width)
        assert problems == []
        csp = visit.page.request.get(chart_server + "/chart-check").headers[
            "content-security-policy"
        ]
        assert "style-src 'self';" in csp and "script-src 'self';" in csp
        facts = {f["id"]: f for f in visit.page.evaluate(CHART_FACTS)}
        assert set(facts) == {
            f"{n}-data" for n in ("payoff", "goals", "spending", "income", "share")
        }
        for fact in facts.values():
            assert fact["drawn"] and fact["inked"] > 1000, fact["id"]
            assert fact["height"] >= 200 and fact["width"] <= width, fact["id"]
        payoff, goals = facts["payoff-data"], facts["goals-data"]
        assert len(set(payoff["dashes"])) == 3, "each line has its own dash pattern"
        assert payoff["legend"] == payoff["dashes"], "the legend shows each line's dash"
        assert len(set(payoff["colours"])) == 3
        assert all(t.startswith("$") for t in payoff["ticks"])
        assert goals["ticks"][0] == "0 %" and goals["ticks"][-1] == "100 %"
        assert goals["labels"][-1] == HOSTILE  # drawn as text, never run
        tooltip = lambda chart, *points: visit.page.evaluate(TOOLTIP, [chart, points])  # noqa: E731
        assert tooltip("payoff-data", (0, 1)) == ["Avalanche: $22,900.45"]
        assert tooltip("payoff-data", (0, 5), (1, 5)) == [
            "Avalanche: $18,500.45",
            "Snowball: $19,000.45",
        ]
        gap = "Chart.getChart(document.querySelector('[data-chart=payoff-data]')).data"
        assert visit.page.evaluate(f"{gap}.datasets[2].data.slice(4, 7)") == [
            22000.45,
            None,
            21000.45,
        ]
        assert tooltip("goals-data", (0, 1)) == ["Reached: 12.5 %"]
        assert tooltip("share-data", (0, 2)) == ["Bills: $310.20"]
        assert dialogs == []
    finally:
        context.close()


SEGMENT = """([id, series, index]) => {
  const canvas = document.querySelector(`canvas[data-chart="${id}"]`);
  const point = Chart.getChart(canvas).getDatasetMeta(series).data[index].getCenterPoint();
  const box = canvas.getBoundingClientRect();
  return [box.left + point.x, box.top + point.y];
}"""


@pytest.mark.parametrize("device", list(WIDTHS))
def test_a_click_on_a_bar_opens_that_segments_rows(chart_server, browser, device):
    context = browser.new_context(viewport={"width": WIDTHS[device], "height": 900})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(chart_server + "/chart-check", wait_until="networkidle")
        page.locator("#spending").scroll_into_view_if_needed()
        x, y = page.evaluate(SEGMENT, ["spending-data", 1, 2])  # Transport, the third month
        with page.expect_navigation():
            page.mouse.click(x, y)
        assert page.url.endswith(f"/chart-check?rows=Transport-{MONTHS[2]}")
        page.locator("#payoff").scroll_into_view_if_needed()
        x, y = page.evaluate(SEGMENT, ["payoff-data", 0, 3])  # a chart without links
        page.mouse.click(x, y)
        page.wait_for_timeout(300)
        assert page.url.endswith(f"/chart-check?rows=Transport-{MONTHS[2]}")
    finally:
        context.close()


def test_without_chartjs_the_tables_are_shown(chart_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("**/chart.umd.min.js", lambda route: route.abort())
        page.goto(chart_server + "/chart-check", wait_until="load")
        assert errors == []
        figures = page.locator("figure.chart-figure")
        assert figures.count() == 5
        for i in range(5):
            figure = figures.nth(i)
            assert figure.locator("details").evaluate("d => d.open")
            assert not figure.locator(".chart").is_visible()
            assert figure.locator("table").is_visible()
    finally:
        context.close()
