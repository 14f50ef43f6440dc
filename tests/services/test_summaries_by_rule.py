"""The summaries add up, group by group, what the income/spending rule gives row by row.

They are computed from per-month, per-category sums of the date index (services/summing.py,
analytics_reports._sums), so this checks them against the rule applied to each row in
Python: money in and out, zero amounts, transfers, every kind of category, rows on either
side of a month's start day (the 15th here) and rows outside the range.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from homeledger import tenancy
from homeledger.models import Category, Owner, Transaction, UserSettings
from homeledger.services import analytics_reports as reports
from homeledger.services import budget_figures, categories
from homeledger.services.filters import TransactionFilter
from tests.factories import make_user

ZERO = Decimal("0.00")
FIRST, LAST = (2025, 1), (2026, 2)


def _rows(session, rng: random.Random) -> list[dict]:
    kinds = dict(session.execute(select(Category.id, Category.type)).tuples().all())
    owners = [*session.scalars(select(Owner.id)), None]
    start = date(2024, 12, 1)
    days = [start + timedelta(days=rng.randrange(500)) for _ in range(600)]
    days += [date(2025, m, d) for m in range(1, 13) for d in (14, 15)]  # the edges of months
    return [
        {
            "date": day,
            "description": f"row {n}",
            "amount": Decimal(rng.choice([0, rng.randint(-50000, 50000)])) / 100,
            "category_id": rng.choice([*kinds, None]),
            "owner_id": rng.choice(owners),
        }
        for n, day in enumerate(days)
    ]


def _rule(kind: str | None, amount: Decimal) -> tuple[Decimal, Decimal]:
    """(income, spending) of one row by the rule of services/analytics.py."""
    if kind == "income" or (kind is None and amount > 0):
        return amount, ZERO
    if kind == "expense" or (kind is None and amount < 0):
        return ZERO, -amount
    return ZERO, ZERO


def test_reports_equal_the_rule_applied_row_by_row(session):
    alex = make_user(session, "alex")
    tenancy.set_ledger(session, alex.id)
    session.scalars(select(UserSettings)).one().month_start_day = 15
    categories.add_owners(session, ["Alex", "Sam"])
    session.commit()
    rows = _rows(session, random.Random(19))
    session.execute(insert(Transaction), rows)
    session.commit()
    kinds = dict(session.execute(select(Category.id, Category.type)).tuples().all())
    periods = reports.months_between(session, FIRST, LAST)

    def month_of(day: date) -> int | None:
        found = [i for i, p in enumerate(periods) if p.start <= day < p.end]
        return found[0] if found else None

    by_month = defaultdict(lambda: [ZERO, ZERO])
    by_category = defaultdict(lambda: [ZERO] * len(periods))
    by_owner = defaultdict(lambda: [ZERO, ZERO])
    for row in rows:
        index, kind = month_of(row["date"]), kinds.get(row["category_id"])
        if index is None or kind == "transfer":
            continue
        income, spending = _rule(kind, row["amount"])
        by_month[index][0] += income
        by_month[index][1] += spending
        by_owner[row["owner_id"]][0] += income
        by_owner[row["owner_id"]][1] += spending
        if kind in (None, "expense"):
            by_category[row["category_id"]][index] += spending

    every = TransactionFilter()
    figures = reports.figures_by_month(session, every, periods)
    assert [(f.income, f.spending) for f in figures] == [
        tuple(by_month[i]) for i in range(len(periods))
    ]
    spent = reports.spending_by_category(session, every, periods)
    assert {g.category_id: g.by_month for g in spent} == {
        c: months for c, months in by_category.items() if any(months)
    }
    owners = reports.by_owner(session, every, periods)
    assert {o.owner_id: (o.figures.income, o.figures.spending) for o in owners} == {
        owner: tuple(figures) for owner, figures in by_owner.items()
    }


def test_the_budgets_year_counts_what_budgets_count_row_by_row(session):
    alex = make_user(session, "alex")
    tenancy.set_ledger(session, alex.id)
    session.scalars(select(UserSettings)).one().month_start_day = 15
    session.commit()
    rows = _rows(session, random.Random(7))
    session.execute(insert(Transaction), rows)
    session.commit()
    kinds = dict(session.execute(select(Category.id, Category.type)).tuples().all())
    report = budget_figures.year_report(session, 2025)
    totals = defaultdict(lambda: [ZERO, ZERO])  # (month, category) -> [net, money out]
    for row in rows:
        index = next(
            (i for i, p in enumerate(report.periods) if p.start <= row["date"] < p.end), None
        )
        if index is not None:
            totals[index, row["category_id"]][0] += row["amount"]
            totals[index, row["category_id"]][1] += min(row["amount"], ZERO)
    expected = defaultdict(lambda: [ZERO] * 12)
    for (index, category_id), (net, out) in totals.items():
        expected[category_id][index] = budget_figures.spent_of(kinds.get(category_id), net, out)
    assert {row.category_id: row.spent for row in report.rows} == {
        c: months for c, months in expected.items() if any(months)
    }
