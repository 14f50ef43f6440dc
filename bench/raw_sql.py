"""The heaviest pages' work written out by hand as plain SQL, and timed with psycopg as
the app's role (row-level security on, the ledger set per transaction as the app sets
it): what the page's figures would cost with no ORM, no tenancy layer, no templates.

Each function returns the statements one page needs for the heavy household; the
figures are the page's own (the rule in services/analytics.py: transfers are neither
income nor spending; uncategorised rows count by their sign). The demo household's
budgeting month starts on the 1st, so months are calendar months here.

Dates and ids are the benchmark's own, written into the SQL text (``S608`` is about
input from elsewhere).
"""

# ruff: noqa: S608

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta

import psycopg

from homeledger.services.periods import add_months

SETTINGS = (
    "SELECT set_config('homeledger.ledger', %(h)s::text, true),"
    " set_config('homeledger.actor', %(h)s::text, true),"
    " set_config('homeledger.all_ledgers', '', true)"
)
_INCOME = (
    "sum(CASE WHEN c.type = 'income' OR (t.category_id IS NULL AND t.amount > 0)"
    " THEN t.amount ELSE 0 END)"
)
_SPENDING = (
    "sum(CASE WHEN c.type = 'expense' OR (t.category_id IS NULL AND t.amount < 0)"
    " THEN -t.amount ELSE 0 END)"
)
_COUNTED = "(t.category_id IS NULL OR c.type <> 'transfer')"
_ROWS = "FROM transactions t LEFT JOIN categories c ON c.id = t.category_id WHERE t.user_id = %(h)s"
_MENUS = [
    "SELECT currency, month_start_day FROM user_settings WHERE user_id = %(h)s",
    "SELECT id, name, type, color, is_active FROM categories WHERE user_id = %(h)s ORDER BY name",
    "SELECT id, name, is_active FROM owners WHERE user_id = %(h)s ORDER BY sort_order, name",
]
_ACCOUNTS = (
    "SELECT DISTINCT account FROM transactions WHERE user_id = %(h)s AND account IS NOT NULL"
    " ORDER BY account"
)


def _month(today: date, back: int = 0) -> tuple[date, date]:
    year, month = add_months(today.year, today.month, -back)
    first = date(year, month, 1)
    following = date(*add_months(year, month, 1), 1)
    return first, following - timedelta(days=1)


def overview(today: date) -> list[str]:
    """This month against the last, twelve months of income and spending, where the
    money went, the month's budgets with their spending, bills, debts, goals, the
    latest eight rows."""
    first, last = _month(today)
    trend_first, _ = _month(today, 11)
    before, _ = _month(today, 1)
    same_day = min(before + timedelta(days=(today - first).days), first - timedelta(days=1))
    return [
        *_MENUS[::2],
        f"SELECT date_trunc('month', t.date), {_INCOME}, {_SPENDING}, count(*) {_ROWS}"
        f" AND t.date BETWEEN '{trend_first}' AND '{last}' AND {_COUNTED} GROUP BY 1",
        f"SELECT t.date >= '{first}', {_INCOME}, {_SPENDING} {_ROWS}"
        f" AND (t.date BETWEEN '{first}' AND '{today}' OR t.date BETWEEN '{before}'"
        f" AND '{same_day}') AND {_COUNTED} GROUP BY 1",
        f"SELECT t.category_id, c.name, {_SPENDING} {_ROWS}"
        f" AND t.date BETWEEN '{first}' AND '{last}'"
        " AND (c.type = 'expense' OR t.category_id IS NULL AND t.amount < 0)"
        " GROUP BY 1, 2 ORDER BY 3 DESC",
        "SELECT b.id, c.name, b.amount, (SELECT coalesce(-sum(t.amount), 0) FROM transactions t"
        " WHERE t.user_id = %(h)s AND t.category_id = b.category_id"
        f" AND t.date BETWEEN '{first}' AND '{last}') FROM budgets b"
        " JOIN categories c ON c.id = b.category_id"
        f" WHERE b.user_id = %(h)s AND b.year = {first.year} AND b.month = {first.month}",
        "SELECT * FROM commitments WHERE user_id = %(h)s AND is_active",
        "SELECT * FROM debts WHERE user_id = %(h)s AND is_active",
        "SELECT * FROM savings_goals WHERE user_id = %(h)s AND is_active",
        "SELECT t.id, t.date, t.description, t.amount, c.name, o.name FROM transactions t"
        " LEFT JOIN categories c ON c.id = t.category_id LEFT JOIN owners o ON o.id = t.owner_id"
        f" WHERE t.user_id = %(h)s AND t.date BETWEEN '{first}' AND '{last}' AND {_COUNTED}"
        " ORDER BY t.date DESC, t.id DESC LIMIT 8",
    ]


def transactions(today: date) -> list[str]:
    """The first 50 rows, newest first, with their names; the totals of the whole ledger
    (the unfiltered list's); the menus: categories, owners, accounts."""
    return [
        *_MENUS,
        _ACCOUNTS,
        "SELECT t.id, t.date, t.description, t.amount, t.account, t.notes, c.name, c.color,"
        " o.name FROM transactions t LEFT JOIN categories c ON c.id = t.category_id"
        " LEFT JOIN owners o ON o.id = t.owner_id WHERE t.user_id = %(h)s"
        " ORDER BY t.date DESC, t.id DESC LIMIT 51",
        f"SELECT count(*), {_INCOME}, {_SPENDING},"
        " coalesce(sum(t.amount) FILTER (WHERE c.type = 'transfer'), 0),"
        f" count(*) FILTER (WHERE c.type = 'transfer') {_ROWS}",
    ]


def analytics(today: date, months: int = 12) -> list[str]:
    """Spending per expense category (and uncategorised) and month over ``months``
    months ending with this one; the menus."""
    first, _ = _month(today, months - 1)
    _, last = _month(today)
    return [
        *_MENUS,
        _ACCOUNTS,
        f"SELECT date_trunc('month', t.date), t.category_id, c.name, {_SPENDING} {_ROWS}"
        f" AND t.date BETWEEN '{first}' AND '{last}'"
        " AND (c.type = 'expense' OR t.category_id IS NULL) GROUP BY 1, 2, 3",
    ]


def hand_written(today: date) -> dict[str, list[str]]:
    """By the names of routes.HEAVIEST."""
    return {
        "overview": overview(today),
        "transactions": transactions(today),
        "analytics": analytics(today),
        "analytics (5 years)": analytics(today, 60),
    }


def time_statements(
    conninfo: str, statements: list[tuple[str, object]], runs: int
) -> dict[str, float]:
    """p50 and best (ms) of ``runs`` transactions, each running ``statements`` (SQL and
    its parameters) and fetching every row, after two unmeasured runs."""
    taken = []
    with psycopg.connect(conninfo) as connection:
        for run in range(runs + 2):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for sql, parameters in statements:
                    cursor.execute(sql, parameters)
                    if cursor.description is not None:
                        cursor.fetchall()
            connection.commit()
            if run >= 2:
                taken.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": statistics.median(taken), "best_ms": min(taken), "runs": runs}


def time_hand_written(conninfo: str, heavy: int, statements: list[str], runs: int) -> dict:
    parameters = {"h": heavy}
    return time_statements(
        conninfo, [(SETTINGS, parameters), *((sql, parameters) for sql in statements)], runs
    )
