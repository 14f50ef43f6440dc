"""How fast the summaries and option lists are at 100,000 transactions. Prints figures; exits 0.

    python bench/summaries.py                      # SQLite, then PostgreSQL if named below
    HOMELEDGER_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1/postgres python bench/summaries.py
    python bench/summaries.py --url URL [--plans]  # a database kept between runs (loaded once)

Six ledgers of 100,000 transactions each over five years (categorised, with owners and
three accounts or none), 600,000 rows; the measured household is the fourth. PostgreSQL
gets VACUUM ANALYZE after the load, as autovacuum would; SQLite no ANALYZE, as the app
runs none (its planner goes by the indexes alone). Each service call behind a page
is timed (best and median of several runs, the session's tenancy included), then its
statements one by one: the slowest is shown with its plan (EXPLAIN ANALYZE on PostgreSQL,
EXPLAIN QUERY PLAN on SQLite), so a figure says which index served it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date

from bench_databases import (
    benchmark_databases,
    five_years_of_rows,
    insert_transactions,
    new_ledger,
)
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.orm import Session

from homeledger import migrate, tenancy
from homeledger.config import normalise_database_url
from homeledger.models import Category, Owner, Transaction, User
from homeledger.services import (
    analytics,
    budget_dashboard,
    budget_figures,
    categories,
    category_trends,
    keyset,
    overview,
    passwords,
    transactions,
)
from homeledger.services import analytics_reports as reports
from homeledger.services.filters import TransactionFilter
from homeledger.services.periods import add_months

ROWS = 100_000
LEDGERS = 6
MEASURED = 3  # the fourth ledger loaded: rows of others on both sides of it
TODAY = date(2026, 11, 20)
REPEAT = 7


def _fill(session: Session, username: str, rng: random.Random) -> int:
    user_id = new_ledger(session, username)
    categories.add_owners(session, ["Alex", "Sam"])
    owners = [*session.scalars(select(Owner.id)), None]
    category_ids = [*session.scalars(select(Category.id)), None]
    rows = five_years_of_rows(rng, ROWS, TODAY)
    for row in rows:
        row["category_id"] = rng.choice(category_ids)
        row["owner_id"] = rng.choice(owners)
    insert_transactions(session, rows)
    return user_id


def _load(engine) -> int:
    """Migrate and fill the database unless it holds the ledgers already; the measured id."""
    with engine.begin() as connection:
        migrate.upgrade(connection)
    with Session(engine) as session:
        found = session.scalars(select(User.id).order_by(User.id)).all()
        if len(found) >= LEDGERS:
            return found[MEASURED]
        started = time.perf_counter()
        rng = random.Random(19)
        ids = [_fill(session, f"household{n}", rng) for n in range(LEDGERS)]
        session.commit()
        print(f"  loaded {LEDGERS} x {ROWS:,} rows in {time.perf_counter() - started:.1f} s")
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    return ids[MEASURED]


class Statements:
    """The statements a call sends, caught on the engine (row security's set_config left
    out: it is per transaction, not per query)."""

    def __init__(self, engine) -> None:
        self.caught: list[tuple[str, object]] = []
        self.on = False
        event.listen(engine, "before_cursor_execute", self._catch)

    def _catch(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.on and "set_config" not in statement:
            self.caught.append((statement, parameters))

    def of(self, call) -> list[tuple[str, object]]:
        self.caught, self.on = [], True
        try:
            call()
        finally:
            self.on = False
        return self.caught


def _best_median(call, repeat: int = REPEAT) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return min(times), statistics.median(times)


def _slowest(session: Session, caught) -> tuple[float, str, object]:
    """(best ms, statement, parameters) of the slowest statement among ``caught``."""
    connection = session.connection()
    timed = []
    for statement, parameters in caught:
        run = lambda s=statement, p=parameters: connection.exec_driver_sql(s, p).all()  # noqa: E731
        best, _ = _best_median(run, 3)
        timed.append((best, statement, parameters))
    return max(timed, key=lambda t: t[0])


def _plan(session: Session, statement: str, parameters, full: bool) -> list[str]:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        lines = connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
        ).scalars()
        keep = ("Scan", "Execution Time", "Heap Fetches", "Aggregate", "Sort", "Join", "Loop")
    else:
        lines = (
            row[3]
            for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        )
        keep = ("",)
    if full:
        return list(lines)
    return [line[:150] for line in lines if any(k in line for k in keep) and "Key:" not in line]


def _deep_cursor(session: Session, criteria: TransactionFilter, sort: str, depth: int):
    """The cursor of the page that starts ``depth`` rows into the sorted listing."""
    column_name, descending = transactions.SORTS[sort]
    column = getattr(Transaction, column_name)
    ordering = (column.desc(), Transaction.id.desc()) if descending else (column, Transaction.id)
    query = transactions.filtered(session, criteria).order_by(*ordering).offset(depth).limit(1)
    row = session.scalars(query).first()
    if row is None:
        return None
    return keyset.encode(sort, column_name, getattr(row, column_name), row.id)


def _calls(session: Session) -> list[tuple[str, object]]:
    """(label, call) of each page's service calls at the measured household."""
    every = TransactionFilter()
    month = reports.current_month(session, TODAY)
    five_years = reports.months_between(session, add_months(*month, -59), month)
    year = five_years[-12:]
    this = five_years[-1]
    expense = session.scalar(
        select(Category.id).where(Category.type == "expense").order_by(Category.id)
    )
    owner = session.scalar(select(Owner.id).order_by(Owner.id))
    drill = TransactionFilter(
        category_ids=(expense,),
        date_from=five_years[0].start,
        date_to=this.last_day,
        flow="spending",
    )
    payee = TransactionFilter(payee="payee 42", date_from=year[0].start, date_to=this.last_day)
    calls = [
        ("overview: month_overview", lambda: overview.month_overview(session, *month, None, TODAY)),
        (
            "overview: one owner's",
            lambda: overview.month_overview(session, *month, owner, TODAY),
        ),
        (
            "analytics: by month, 5 years",
            lambda: reports.figures_by_month(session, every, five_years),
        ),
        ("analytics: by month, 12 months", lambda: reports.figures_by_month(session, every, year)),
        (
            "analytics: by category, 5 years",
            lambda: reports.spending_by_category(session, every, five_years),
        ),
        ("analytics: by owner, 5 years", lambda: reports.by_owner(session, every, five_years)),
        ("analytics: top payees, 5 years", lambda: reports.top_payees(session, every, five_years)),
        ("analytics: compare (previous)", lambda: reports.compare(session, every, month)),
        (
            "analytics: where it went (month)",
            lambda: analytics.where_it_went(session, None, this, analytics.ZERO),
        ),
        (
            "category trends: 5 years",
            lambda: category_trends.trends(session, every, add_months(*month, -59), month),
        ),
        (
            "category trends: one owner, 5 years",
            lambda: category_trends.trends(
                session, TransactionFilter(owner_id=owner), add_months(*month, -59), month
            ),
        ),
        ("budgets: year view", lambda: budget_figures.year_report(session, TODAY.year)),
        ("budgets: dashboard (month)", lambda: budget_dashboard.month_dashboard(session, *month)),
        ("drilldown: category, 5 years (page)", lambda: transactions.list_page(session, drill)),
        ("drilldown: category, 5 years (totals)", lambda: transactions.totals(session, drill)),
        ("drilldown: a payee, 12 months (page)", lambda: transactions.list_page(session, payee)),
        ("transactions: totals, whole ledger", lambda: transactions.totals(session, every)),
        ("option list: accounts", lambda: transactions.accounts(session)),
    ]
    return calls + _page_calls(session, expense)


def _page_calls(session: Session, expense: int) -> list[tuple[str, object]]:
    """The first page and one 50,000 rows in (or half-way, filtered) of each listing."""
    calls = []
    for name, criteria in (
        ("all", TransactionFilter()),
        ("account", TransactionFilter(account="Everyday")),
        ("category", TransactionFilter(category_ids=(expense,))),
        ("search", TransactionFilter(search="payee 42")),
    ):
        matching = session.scalar(
            select(func.count()).select_from(transactions.filtered(session, criteria).subquery())
        )
        for sort in ("date_desc", "amount_asc"):
            deep = _deep_cursor(session, criteria, sort, min(50_000, matching // 2))
            for where, cursor in (("first", None), ("deep", deep)):
                calls.append(
                    (
                        f"page: {name}, {sort}, {where}",
                        lambda c=criteria, s=sort, k=cursor: transactions.list_page(
                            session, c, sort=s, cursor=k
                        ),
                    )
                )
    return calls


def measure(url: str, label: str, plans: bool, only: str | None) -> None:
    engine = create_engine(url)
    print(f"{label}:")
    ledger = _load(engine)
    statements = Statements(engine)
    with Session(engine) as session:
        tenancy.set_ledger(session, ledger)
        print(f"  {'call':<42} {'best':>8} {'median':>8} {'stmts':>5}  slowest statement")
        for name, call in _calls(session):
            if only and only not in name:
                continue
            call()  # warm: caches, statement compilation
            best, median = _best_median(call)
            caught = statements.of(call)
            slowest, statement, parameters = _slowest(session, caught)
            print(f"  {name:<42} {best:6.1f}ms {median:6.1f}ms {len(caught):5}  {slowest:6.1f}ms")
            for line in _plan(session, statement, parameters, plans):
                print(f"      {line}")
        session.rollback()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a database to fill once and keep (default: temporary)")
    parser.add_argument("--plans", action="store_true", help="print whole plans")
    parser.add_argument("--only", help="only the calls whose label holds this")
    args = parser.parse_args()
    passwords.configure(1, 8, 1)
    tenancy.install()
    if args.url:
        url = normalise_database_url(args.url)
        measure(url, url.split(":")[0], args.plans, args.only)
        return
    for label, url in benchmark_databases():
        measure(url, label, args.plans, args.only)


if __name__ == "__main__":
    main()
