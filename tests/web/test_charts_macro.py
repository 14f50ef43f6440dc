"""The chart macro (templates/_charts.html) and its spec (web/charts.py): the spec goes into
the page as JSON that cannot break out of its element, a table always goes with the chart,
and a page loads Chart.js only when it asks for it."""

from __future__ import annotations

import json
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from flask import render_template_string

from homeledger import create_app
from homeledger.config import TestConfig
from homeledger.web.charts import chart_spec

HOSTILE = "</script><script>alert(1)</script><!--"
IMPORT = '{% from "_charts.html" import chart, chart_scripts %}'


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each <script>."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._in_script: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_data(self, data):
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def first(self, tag: str) -> dict:
        return next(attrs for name, attrs in self.tags if name == tag)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    # Rendering templates touches no database.
    path = tmp_path_factory.mktemp("charts") / "unused.db"
    return create_app(TestConfig(f"sqlite:///{path}"))


def render(app, source: str, **context) -> str:
    with app.test_request_context():
        # render_template_string: with the app's context processors (current_user, ...).
        return render_template_string(IMPORT + source, **context)


def payoff_spec(label: str = "Avalanche") -> dict:
    months = ["2026-01", "2026-02", "2026-03"]
    return chart_spec(
        "line",
        months,
        [(label, [Decimal("1200.50"), Decimal("600.25"), None]), ("Snowball", [1200, 700, 0])],
        currency="AUD",
    )


def test_the_spec_is_embedded_as_json_for_the_canvas_that_names_it(app):
    html = render(
        app,
        '{% call chart("payoff", spec, "Total owed each month") %}<table><tr><td>1</td></tr>'
        "</table>{% endcall %}",
        spec=payoff_spec(),
    )
    page = Elements(html)
    canvas = page.first("canvas")
    assert canvas["data-chart"] == "payoff-data"
    assert canvas["role"] == "img" and canvas["aria-label"] == "Total owed each month"
    [(attrs, text)] = page.scripts
    assert attrs == {"type": "application/json", "id": "payoff-data"}
    assert json.loads(text) == {
        "type": "line",
        "labels": ["2026-01", "2026-02", "2026-03"],
        "series": [
            {"label": "Avalanche", "values": ["1200.50", "600.25", None]},
            {"label": "Snowball", "values": [1200, 700, 0]},
        ],
        "currency": "AUD",
        "percent": False,
        "y_max": None,
        "links": None,
    }
    assert page.first("figure") == {"class": "chart-figure", "id": "payoff"}
    assert page.first("div") == {"class": "chart"}


def test_the_figures_as_a_table_go_with_the_chart(app):
    html = render(
        app,
        '{% call chart("goals", spec, "Goals reached") %}<table id="goal-table"></table>'
        "{% endcall %}",
        spec=chart_spec("hbar", ["Car"], [("Reached", [45])], percent=True, y_max=100),
    )
    figure = html[html.index("<figure") : html.index("</figure>")]
    assert "<figcaption>Goals reached</figcaption>" in figure
    details = figure[figure.index("<details>") : figure.index("</details>")]
    assert "<summary>The figures as a table</summary>" in details
    assert '<table id="goal-table"></table>' in details


def test_without_a_body_there_is_no_empty_table_panel(app):
    html = render(app, '{{ chart("c", spec, "Spending") }}', spec=payoff_spec())
    assert "<details" not in html and "<canvas" in html


def test_a_hostile_label_or_caption_stays_text(app):
    html = render(
        app,
        '{% call chart("payoff", spec, caption) %}<p>table</p>{% endcall %}',
        spec=payoff_spec(label=HOSTILE),
        caption=f'Owed "{HOSTILE}"',
    )
    page = Elements(html)
    # One script element, the JSON one: nothing the label carried became markup.
    assert [attrs.get("type") for attrs, _ in page.scripts] == ["application/json"]
    assert "<script>alert" not in html and "</script><script>" not in html
    spec = json.loads(page.scripts[0][1])
    assert spec["series"][0]["label"] == HOSTILE
    assert page.first("canvas")["aria-label"] == f'Owed "{HOSTILE}"'


def test_chart_scripts_load_chartjs_then_the_drawing_script_deferred(app):
    page = Elements(render(app, "{{ chart_scripts() }}"))
    assert [attrs for _, attrs in page.tags] == [
        {"src": "/static/vendor/chartjs-4.6.1/chart.umd.min.js", "defer": None},
        {"src": "/static/js/charts.js", "defer": None},
    ]


def test_a_page_adds_the_scripts_to_the_head_through_the_scripts_block(app):
    html = render(
        app,
        '{% extends "base.html" %}{% block scripts %}{{ chart_scripts() }}{% endblock %}',
    )
    head = html[: html.index("</head>")]
    assert head.index("js/app.js") < head.index("chart.umd.min.js") < head.index("js/charts.js")
    # Pages that draw nothing load nothing more.
    assert "chart" not in render(app, '{% extends "base.html" %}')


def test_the_vendored_files_are_served(app):
    client = app.test_client()
    for name in ("js/charts.js", "vendor/chartjs-4.6.1/chart.umd.min.js"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        response.close()
    licence = client.get("/static/vendor/chartjs-4.6.1/LICENSE.md")
    assert b"MIT License" in licence.data


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: chart_spec("pie", ["a"], [("x", [1])]), "not one of"),
        (lambda: chart_spec("bar", ["a", "b"], [("x", [1])]), "1 values for 2 labels"),
        (lambda: chart_spec("bar", ["a"], [("x", [1])], currency="AUD", percent=True), "both"),
        (lambda: chart_spec("bar", ["a"], [("x", [1])], links=[["/a"], ["/b"]]), "one list"),
        (lambda: chart_spec("bar", ["a", "b"], [("x", [1, 2])], links=[["/a"]]), "one list"),
        (lambda: chart_spec("bar", ["a"], [("x", [1])], links=[["//evil.test/"]]), "not a page"),
        (lambda: chart_spec("bar", ["a"], [("x", [1])], links=[["javascript:x"]]), "not a page"),
    ],
)
def test_a_spec_the_script_could_not_draw_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
