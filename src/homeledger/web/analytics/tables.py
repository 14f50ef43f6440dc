"""The analytics pages' tables and charts from the reports: every figure paired with the
link to its rows (``web/drilldown.rows_url``), so the transaction list it opens shows the
same total. Pure: no queries here, the reports are read by the views."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from homeledger.services.analytics import EVERYTHING_ELSE, ZERO, Figures
from homeledger.services.analytics_reports import (
    CategorySpending,
    Comparison,
    OwnerFigures,
    Payee,
)
from homeledger.services.filters import TransactionFilter
from homeledger.services.periods import Period
from homeledger.web.charts import chart_spec
from homeledger.web.drilldown import rows_url

TOP_CATEGORIES = 7  # of their own in the stacked chart, the rest as one: 8 colours in all


@dataclass(frozen=True)
class Cell:
    """A figure and the transaction list behind it (None: no one list holds its rows)."""

    amount: Decimal
    url: str | None = None


def short(period: Period) -> str:
    """A budgeting month as a chart label or column head: ``Mar 2026``."""
    return period.start.strftime("%b %Y")


def one_category(criteria: TransactionFilter, category_id: int | None) -> TransactionFilter:
    """``criteria`` narrowed to one category (None: the uncategorised rows)."""
    if category_id is None:
        return replace(criteria, category_ids=(), uncategorised=True)
    return replace(criteria, category_ids=(category_id,), uncategorised=False)


def one_owner(criteria: TransactionFilter, owner_id: int | None) -> TransactionFilter:
    """``criteria`` narrowed to one owner (None: the rows without one)."""
    return replace(criteria, owner_id=owner_id, no_owner=owner_id is None)


# --- spending by category ------------------------------------------------------------------------


@dataclass
class CategoryRow:
    category_id: int | None
    name: str
    cells: list[Cell]
    total: Cell


@dataclass
class CategoryTable:
    rows: list[CategoryRow]
    month_totals: list[Cell]
    total: Cell
    spec: dict
    # The chart's own figures (its text alternative): (label, values) per series.
    chart_series: list[tuple[str, list[Decimal]]] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)  # the categories "Everything else" holds


def category_table(
    groups: list[CategorySpending],
    criteria: TransactionFilter,
    periods: list[Period],
    currency: str,
) -> CategoryTable:
    """Category-by-month spending with row and column totals; the stacked chart shows the
    largest categories and "Everything else", so each bar is its month's spending."""
    first, last = periods[0], periods[-1]
    rows = []
    for group in groups:
        narrowed = one_category(criteria, group.category_id)
        cells = [
            Cell(amount, rows_url(narrowed, period, flow="spending"))
            for amount, period in zip(group.by_month, periods, strict=True)
        ]
        total = Cell(group.total, rows_url(narrowed, first, last, flow="spending"))
        rows.append(CategoryRow(group.category_id, group.category, cells, total))
    month_totals = [
        Cell(sum((g.by_month[i] for g in groups), ZERO), rows_url(criteria, p, flow="spending"))
        for i, p in enumerate(periods)
    ]
    grand = Cell(
        sum((g.total for g in groups), ZERO), rows_url(criteria, first, last, flow="spending")
    )
    shown = rows if len(rows) <= TOP_CATEGORIES + 1 else rows[:TOP_CATEGORIES]
    rest = rows[len(shown) :]
    series = [(row.name, [c.amount for c in row.cells]) for row in shown]
    links = [[c.url for c in row.cells] for row in shown]
    if rest:
        # The smaller categories together: no one list holds just them, so no link here;
        # the table has each of them, linked.
        series.append(
            (
                EVERYTHING_ELSE,
                [sum((r.cells[i].amount for r in rest), ZERO) for i in range(len(periods))],
            )
        )
        links.append([None] * len(periods))
    labels = [short(p) for p in periods]
    spec = chart_spec("stacked-bar", labels, series, currency=currency, links=links)
    return CategoryTable(rows, month_totals, grand, spec, series, [r.name for r in rest])


# --- income and spending ------------------------------------------------------------------------


@dataclass(frozen=True)
class FiguresRow:
    """Income, spending and net of some rows, each with its list; and the savings rate."""

    label: str
    income: Cell
    spending: Cell
    net: Cell
    savings_rate: Decimal | None


def figures_row(
    label: str, figures: Figures, criteria: TransactionFilter, first: Period, last: Period
) -> FiguresRow:
    return FiguresRow(
        label,
        Cell(figures.income, rows_url(criteria, first, last, flow="income")),
        Cell(figures.spending, rows_url(criteria, first, last, flow="spending")),
        Cell(figures.net, rows_url(criteria, first, last, flow="net")),
        figures.savings_rate,
    )


def income_chart(rows: list[FiguresRow], currency: str) -> dict:
    """Income and spending side by side, month by month; each bar opens its rows."""
    return chart_spec(
        "bar",
        [row.label for row in rows],
        [
            ("Income", [row.income.amount for row in rows]),
            ("Spending", [row.spending.amount for row in rows]),
        ],
        currency=currency,
        links=[[row.income.url for row in rows], [row.spending.url for row in rows]],
    )


def owner_rows(
    owners: list[OwnerFigures], criteria: TransactionFilter, first: Period, last: Period
) -> list[FiguresRow]:
    return [
        figures_row(o.owner, o.figures, one_owner(criteria, o.owner_id), first, last)
        for o in owners
    ]


# --- payees --------------------------------------------------------------------------------------


NO_DESCRIPTION = "(no description)"


@dataclass(frozen=True)
class PayeeRow:
    payee: str
    spending: Cell
    count: int


def payee_rows(
    payees: list[Payee], criteria: TransactionFilter, first: Period, last: Period
) -> list[PayeeRow]:
    """Each payee's spending with the list of exactly its rows (the list's ``payee``
    filter groups descriptions as the report does: not a substring search). Rows without
    a description are one payee the list cannot single out: named, not linked."""
    return [
        PayeeRow(
            p.payee or NO_DESCRIPTION,
            Cell(
                p.spending,
                rows_url(replace(criteria, payee=p.payee), first, last, flow="spending")
                if p.payee
                else None,
            ),
            p.count,
        )
        for p in payees
    ]


def payee_chart(rows: list[PayeeRow], currency: str) -> dict:
    return chart_spec(
        "hbar",
        [row.payee for row in rows],
        [("Spending", [row.spending.amount for row in rows])],
        currency=currency,
        links=[[row.spending.url for row in rows]],
    )


# --- comparing two months ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    label: str
    current: Cell
    other: Cell

    @property
    def change(self) -> Decimal:
        return self.current.amount - self.other.amount


def comparison_rows(
    result: Comparison, criteria: TransactionFilter
) -> tuple[list[ChangeRow], list[ChangeRow]]:
    """The two months' income, spending and net, and each category's spending, each
    figure with its month's rows; categories by the size of the change, largest first."""
    this, that = result.month, result.other_month
    figures = [
        ChangeRow(
            name.capitalize(),
            Cell(getattr(result.current, name), rows_url(criteria, this, flow=name)),
            Cell(getattr(result.other, name), rows_url(criteria, that, flow=name)),
        )
        for name in ("income", "spending", "net")
    ]
    categories = []
    for change in result.categories:
        narrowed = one_category(criteria, change.category_id)
        categories.append(
            ChangeRow(
                change.category,
                Cell(change.current, rows_url(narrowed, this, flow="spending")),
                Cell(change.other, rows_url(narrowed, that, flow="spending")),
            )
        )
    return figures, categories


def comparison_chart(rows: list[ChangeRow], this: str, that: str, currency: str) -> dict:
    """Each category's spending in the two months, side by side (the largest changes)."""
    return chart_spec(
        "hbar",
        [row.label for row in rows],
        [(this, [row.current.amount for row in rows]), (that, [row.other.amount for row in rows])],
        currency=currency,
        links=[[row.current.url for row in rows], [row.other.url for row in rows]],
    )
