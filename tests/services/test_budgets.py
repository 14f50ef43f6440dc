"""Budgets: setting, copying, and budget against actual, with figures worked out by hand.

The ledger's months start on the 15th, so "March 2026" runs from 15 March to
14 April. The household is Alex and Sam.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from homeledger import row_security, tenancy
from homeledger.models import Budget, Owner, Transaction, UserSettings
from homeledger.services import analytics, budgets, categories, transactions
from homeledger.services.errors import NotFound, ValidationError
from homeledger.services.filters import TransactionFilter
from tests.factories import category_id, make_user

D = Decimal

# (date, description, amount, category, owner)
ROWS = [
    (date(2026, 3, 15), "Supermarket", "-120.00", "Groceries", "Alex"),  # first day of March
    (date(2026, 3, 20), "Market", "-80.50", "Groceries", "Sam"),
    (date(2026, 4, 2), "Supermarket refund", "20.25", "Groceries", "Alex"),
    (date(2026, 4, 14), "Corner shop", "-10.00", "Groceries", None),  # last day of March
    (date(2026, 3, 18), "Pizza", "-45.00", "Dining Out", "Sam"),
    (date(2026, 3, 25), "Noodles", "-30.00", "Dining Out", "Alex"),
    (date(2026, 3, 28), "Shoes", "-60.00", "Shopping", "Alex"),
    (date(2026, 4, 1), "Cash machine", "-12.34", None, "Sam"),
    (date(2026, 4, 1), "Money from a friend", "500.00", None, None),  # income, not a refund
    (date(2026, 3, 31), "Salary", "4000.00", "Salary", "Alex"),
    (date(2026, 4, 5), "To savings", "-1000.00", "Transfers", "Alex"),  # never spending
    (date(2026, 3, 14), "Supermarket", "-99.00", "Groceries", "Alex"),  # February
    (date(2026, 4, 15), "Supermarket", "-77.00", "Groceries", "Alex"),  # April
    (date(2026, 2, 14), "Cafe", "-15.00", "Dining Out", "Sam"),  # January
    (date(2026, 1, 10), "Cafe", "-8.00", "Dining Out", "Sam"),  # December 2025
    (date(2027, 1, 14), "Supermarket", "-5.00", "Groceries", "Sam"),  # December 2026
    (date(2027, 1, 15), "Supermarket", "-6.00", "Groceries", "Sam"),  # January 2027
]


def add_rows(session, rows) -> None:
    owners = dict(session.execute(select(Owner.name, Owner.id)).tuples().all())
    session.add_all(
        Transaction(
            date=day,
            description=text,
            amount=D(amount),
            category_id=category_id(session, category) if category else None,
            owner_id=owners[owner] if owner else None,
        )
        for day, text, amount, category, owner in rows
    )
    session.flush()


@pytest.fixture
def ledger(session):
    alex = make_user(session, "alex")
    tenancy.set_ledger(session, alex.id)
    session.scalars(select(UserSettings)).one().month_start_day = 15
    categories.add_owners(session, ["Alex", "Sam"])
    add_rows(session, ROWS)
    session.commit()
    return alex


def owner(session, name: str) -> int:
    return session.scalars(select(Owner.id).where(Owner.name == name)).one()


@pytest.fixture
def march(session, ledger):
    """The March budgets: groceries for everyone and a share of them for Alex, dining out
    for Sam only, and entertainment nobody spent on."""
    groceries = category_id(session, "Groceries")
    ids = {
        "groceries": budgets.set_budget(session, 2026, 3, groceries, D("300")),
        "groceries_alex": budgets.set_budget(
            session, 2026, 3, groceries, D("100.00"), owner(session, "Alex")
        ),
        "dining_sam": budgets.set_budget(
            session, 2026, 3, category_id(session, "Dining Out"), D("40"), owner(session, "Sam")
        ),
        "fun": budgets.set_budget(session, 2026, 3, category_id(session, "Entertainment"), D("50")),
    }
    session.commit()
    return ids


def figures(line) -> tuple:
    return (line.category, line.owner, line.budgeted, line.spent, line.remaining, line.percent)


def test_budget_against_actual_for_a_month_starting_on_the_15th(session, march):
    report = budgets.month_report(session, 2026, 3)
    assert (report.period.start, report.period.last_day) == (date(2026, 3, 15), date(2026, 4, 14))
    assert [figures(line) for line in report.lines] == [
        # 120.00 + 80.50 - 20.25 (the refund) + 10.00; the 99.00 and 77.00 are other months
        ("Dining Out", "Sam", D("40.00"), D("45.00"), D("-5.00"), D("112.5")),
        ("Entertainment", None, D("50.00"), D("0.00"), D("50.00"), D("0.0")),
        ("Groceries", None, D("300.00"), D("190.25"), D("109.75"), D("63.4")),
        ("Groceries", "Alex", D("100.00"), D("99.75"), D("0.25"), D("99.8")),
    ]
    assert [line.over for line in report.lines] == [True, False, False, False]
    assert [line.id for line in report.lines] == [
        march["dining_sam"],
        march["fun"],
        march["groceries"],
        march["groceries_alex"],
    ]
    # Alex's noodles (Dining Out is budgeted for Sam only), the shoes and the cash machine;
    # the 500.00 received uncategorised is income, the salary and the transfer never count.
    assert report.unbudgeted_lines() == [
        (category_id(session, "Shopping"), "Shopping", D("60.00")),
        (category_id(session, "Dining Out"), "Dining Out", D("30.00")),
        (None, "Uncategorised", D("12.34")),
    ]
    assert report.unbudgeted_spent == D("102.34")
    # All spending: 190.25 groceries + 75.00 dining out + 60.00 shoes + 12.34 cash.
    assert report.spent == D("337.59")
    # Alex's 100.00 is a share of the household's 300.00 groceries, not more on top.
    assert (report.budgeted, report.remaining) == (D("390.00"), D("52.41"))


def test_the_owner_filter(session, march):
    sam = budgets.month_report(session, 2026, 3, owner(session, "Sam"))
    assert [figures(line) for line in sam.lines] == [
        ("Dining Out", "Sam", D("40.00"), D("45.00"), D("-5.00"), D("112.5")),
        ("Entertainment", None, D("50.00"), D("0.00"), D("50.00"), D("0.0")),
        ("Groceries", None, D("300.00"), D("80.50"), D("219.50"), D("26.8")),
    ]
    assert sam.unbudgeted_lines() == [(None, "Uncategorised", D("12.34"))]
    assert (sam.budgeted, sam.spent, sam.remaining) == (D("390.00"), D("137.84"), D("252.16"))

    alex = budgets.month_report(session, 2026, 3, owner(session, "Alex"))
    assert [figures(line)[:4] for line in alex.lines] == [
        ("Entertainment", None, D("50.00"), D("0.00")),
        ("Groceries", None, D("300.00"), D("99.75")),
        ("Groceries", "Alex", D("100.00"), D("99.75")),
    ]
    assert alex.unbudgeted_spent == D("90.00")
    assert (alex.budgeted, alex.spent) == (D("350.00"), D("189.75"))


def test_spent_is_minus_the_transaction_lists_total_to_the_cent(session, march):
    report = budgets.month_report(session, 2026, 3)
    for line in report.lines:
        listed = transactions.list_page(
            session,
            TransactionFilter(
                month=(2026, 3), category_ids=(line.category_id,), owner_id=line.owner_id
            ),
            limit=200,
        )
        assert line.spent == -sum((row.amount for row in listed.items), D("0")), line


def test_all_spending_is_the_overviews(session, march):
    """Transfers are left out and a refund into an expense category lowers spending, here
    as on the overview (which counted money out only before it took the analytics rule)."""
    period = budgets.month_report(session, 2026, 3).period
    overview = analytics.period_summary(session, period)
    assert overview.spending == D("357.84") - D("20.25")
    assert budgets.month_report(session, 2026, 3).spent == overview.spending


def test_setting_a_budget_again_changes_its_amount(session, march):
    groceries = category_id(session, "Groceries")
    again = budgets.set_budget(session, 2026, 3, groceries, D("320.50"))
    session.commit()
    assert again == march["groceries"]
    household = select(Budget.amount).where(
        Budget.category_id == groceries, Budget.owner_id.is_(None)
    )
    assert session.scalars(household).all() == [D("320.50")]
    assert session.scalar(select(func.count(Budget.id))) == 4


@pytest.mark.parametrize(
    ("year", "month", "category", "amount", "owner_name", "field"),
    [
        (2024, 13, "Groceries", "10", None, "month"),
        (1899, 12, "Groceries", "10", None, "month"),
        (2026, 3, "Groceries", "-0.01", None, "amount"),
        (2026, 3, "Groceries", "1.005", None, "amount"),
        (2026, 3, "Salary", "10", None, "category_id"),
        (2026, 3, "Transfers", "10", None, "category_id"),
        (2026, 3, "Sam's Groceries", "10", None, "category_id"),
        (2026, 3, "Groceries", "10", "Sam's Sam", "owner_id"),
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_written(
    session, ledger, year, month, category, amount, owner_name, field
):
    other = make_user(session, "sam")
    with tenancy.acting_as(session, other.id):
        others = {
            "Sam's Groceries": category_id(session, "Groceries"),
            "Sam's Sam": categories.create_owner(session, "Sam").id,
        }
        session.commit()
    category = others.get(category) or category_id(session, category)
    owner_id = others.get(owner_name) if owner_name else None
    with pytest.raises(ValidationError) as excinfo:
        budgets.set_budget(session, year, month, category, D(amount), owner_id)
    assert list(excinfo.value.fields) == [field]
    session.rollback()
    assert session.scalar(select(func.count(Budget.id))) == 0


def test_delete_a_budget(session, march):
    budgets.delete_budget(session, march["fun"])
    session.commit()
    assert march["fun"] not in {line.id for line in budgets.month_report(session, 2026, 3).lines}
    with pytest.raises(NotFound):
        budgets.delete_budget(session, march["fun"])


def test_another_ledgers_budget_is_not_found(session, march):
    sam = make_user(session, "sam")
    with tenancy.acting_as(session, sam.id):
        with pytest.raises(NotFound):
            budgets.delete_budget(session, march["groceries"])
        assert budgets.month_report(session, 2026, 3).lines == []
    assert session.scalar(select(func.count(Budget.id))) == 4


def test_copy_keeps_the_target_months_own_budgets_and_copying_twice_changes_nothing(session, march):
    groceries = category_id(session, "Groceries")
    budgets.set_budget(session, 2026, 4, groceries, D("280"))
    copied = budgets.copy_month(session, (2026, 3), (2026, 4))
    session.commit()
    assert (copied.copied, copied.kept) == (3, 1)
    april = budgets.month_report(session, 2026, 4)
    assert [(line.category, line.owner, line.budgeted) for line in april.lines] == [
        ("Dining Out", "Sam", D("40.00")),
        ("Entertainment", None, D("50.00")),
        ("Groceries", None, D("280.00")),  # set for April already: kept
        ("Groceries", "Alex", D("100.00")),
    ]
    # April: only the 77.00 groceries of 15 April.
    assert [line.spent for line in april.lines] == [D("0.00"), D("0.00"), D("77.00"), D("77.00")]

    again = budgets.copy_month(session, (2026, 3), (2026, 4))
    assert (again.copied, again.kept) == (0, 4)
    assert session.scalar(select(func.count(Budget.id))) == 8


@pytest.mark.parametrize(
    ("source", "target", "field"),
    [((2026, 3), (2026, 3), "to"), ((2026, 0), (2026, 4), "from"), ((2026, 3), (2200, 1), "to")],
)
def test_copy_refuses_impossible_months(session, march, source, target, field):
    with pytest.raises(ValidationError) as excinfo:
        budgets.copy_month(session, source, target)
    assert list(excinfo.value.fields) == [field]


def test_the_year_view_buckets_by_budgeting_month(session, march):
    budgets.set_budget(session, 2026, 2, category_id(session, "Groceries"), D("250"))
    session.commit()
    year = budgets.year_report(session, 2026)
    assert year.periods[0].start == date(2026, 1, 15)
    assert year.periods[11].last_day == date(2027, 1, 14)

    def months(values: dict[int, str]) -> list[Decimal]:
        return [D(values.get(month, "0.00")) for month in range(1, 13)]

    assert [(row.category, row.budgeted, row.spent) for row in year.rows] == [
        # 15 Feb (January) and the two in March; 10 January 2026 is December 2025
        ("Dining Out", months({3: "40.00"}), months({1: "15.00", 3: "75.00"})),
        ("Entertainment", months({3: "50.00"}), months({})),
        (
            "Groceries",
            months({2: "250.00", 3: "300.00"}),
            # 14 March is February, 15 April is April, 14 January 2027 is December
            months({2: "99.00", 3: "190.25", 4: "77.00", 12: "5.00"}),
        ),
        ("Shopping", months({}), months({3: "60.00"})),
        ("Uncategorised", months({}), months({3: "12.34"})),
    ]
    march_report = budgets.month_report(session, 2026, 3)
    assert year.budgeted()[2] == march_report.budgeted == D("390.00")
    assert year.spent()[2] == march_report.spent == D("337.59")


def test_the_year_view_for_one_owner(session, march):
    year = budgets.year_report(session, 2026, owner(session, "Alex"))
    assert [(row.category, sum(row.budgeted), sum(row.spent)) for row in year.rows] == [
        ("Dining Out", D("0.00"), D("30.00")),
        ("Entertainment", D("50.00"), D("0.00")),
        ("Groceries", D("300.00"), D("275.75")),  # 99.00 + 99.75 + 77.00
        ("Shopping", D("0.00"), D("60.00")),
    ]


def test_the_year_view_takes_four_queries(session, march):
    statements = []

    def count(*args):
        statements.append(args[2])

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        budgets.year_report(session, 2026)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    queries = [sql for sql in statements if not row_security.is_settings_statement(sql)]
    assert len(queries) == 4  # settings, categories, budgets, spending
    assert len(statements) - len(queries) <= 1  # PostgreSQL: the transaction's ledger, once
