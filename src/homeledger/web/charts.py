"""A chart's spec for templates/_charts.html: what to draw, never how (js/charts.js decides).

    chart_spec("line", months, [("Avalanche", balances), ("Snowball", other)], currency="AUD")

Values may be Decimals (written as exact strings), numbers or None (a gap).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

CHART_TYPES = ("line", "bar", "hbar", "stacked-bar", "doughnut")
Value = Decimal | int | float | None


def chart_spec(
    kind: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Value]]],
    *,
    currency: str | None = None,
    percent: bool = False,
    y_max: Value = None,
    links: Sequence[Sequence[str | None]] | None = None,
) -> dict:
    """The JSON-ready spec; a wrong type or a series of the wrong length is a ValueError.

    ``links``, one list per series (a URL or None per label), makes each bar, point or
    slice a link: clicking it opens that page (the figure's rows in the transaction list).
    Only links within the app (starting with one "/") are followed."""
    if kind not in CHART_TYPES:
        raise ValueError(f"chart type {kind!r} is not one of {', '.join(CHART_TYPES)}")
    if currency and percent:
        raise ValueError("a chart shows money or percentages, not both")
    for label, values in series:
        if len(values) != len(labels):
            raise ValueError(f"series {label!r} has {len(values)} values for {len(labels)} labels")
    if links is not None:
        if len(links) != len(series) or any(len(urls) != len(labels) for urls in links):
            raise ValueError("links need one list per series, one URL (or None) per label")
        for url in (u for urls in links for u in urls if u is not None):
            if not url.startswith("/") or url.startswith("//"):
                raise ValueError(f"link {url!r} is not a page of this app")
    return {
        "type": kind,
        "labels": [str(label) for label in labels],
        "series": [
            {"label": str(label), "values": [_value(v) for v in values]} for label, values in series
        ],
        "currency": currency or None,
        "percent": percent,
        "y_max": _value(y_max),
        "links": [list(urls) for urls in links] if links is not None else None,
    }


def _value(value: Value) -> str | int | float | None:
    # A Decimal goes as its exact text (JSON numbers are floats); the script reads either.
    return str(value) if isinstance(value, Decimal) else value
