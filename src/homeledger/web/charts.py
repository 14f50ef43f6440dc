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
) -> dict:
    """The JSON-ready spec; a wrong type or a series of the wrong length is a ValueError."""
    if kind not in CHART_TYPES:
        raise ValueError(f"chart type {kind!r} is not one of {', '.join(CHART_TYPES)}")
    if currency and percent:
        raise ValueError("a chart shows money or percentages, not both")
    for label, values in series:
        if len(values) != len(labels):
            raise ValueError(f"series {label!r} has {len(values)} values for {len(labels)} labels")
    return {
        "type": kind,
        "labels": [str(label) for label in labels],
        "series": [
            {"label": str(label), "values": [_value(v) for v in values]} for label, values in series
        ],
        "currency": currency or None,
        "percent": percent,
        "y_max": _value(y_max),
    }


def _value(value: Value) -> str | int | float | None:
    # A Decimal goes as its exact text (JSON numbers are floats); the script reads either.
    return str(value) if isinstance(value, Decimal) else value
