"""The wizard's first budget: which month, suggestions from imported history, the starter
split of an income, saving (and refusing) amounts, and the summary before finishing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import Budget
from homeledger.services import categories, onboarding_budget
from homeledger.services.errors import ValidationError
from homeledger.services.onboarding_budget import BudgetInput
from tests.factories import add_transactions, category_id, make_user

D = Decimal
NOVEMBER = date(2026, 11, 20)  # the clock: long after the imported months


@pytest.fixture
def sam(session):
    user = make_user(session, "sam", onboarded=False)
    user.onboarding_step = "budget"
    session.commit()
    tenancy.set_ledger(session, user.id)
    return user


@pytest.fixture
def imported(session, sam):
    """January to April 2026 imported: groceries rising, the rent the same every month."""
    rows = [
        (date(2026, month, 4), "Supermarket", f"-{amount}", "Groceries")
        for month, amount in ((1, 300), (2, 320), (3, 340), (4, 360))
    ]
    rows += [(date(2026, month, 1), "Rent", "-1000.00", "Housing") for month in range(1, 5)]
    rows += [(date(2026, month, 25), "Salary", "3000.00", "Salary") for month in range(1, 5)]
    add_transactions(session, sam, rows)
    tenancy.set_ledger(session, sam.id)
    return sam


def _budgets(session) -> dict[str, tuple[int, int, Decimal]]:
    rows = session.execute(select(Budget.category_id, Budget.year, Budget.month, Budget.amount))
    names = {category_id(session, n): n for n in onboarding_budget.STARTER_SHARES}
    return {names.get(c, str(c)): (y, m, a) for c, y, m, a in rows}


def test_suggestions_come_from_the_months_imported_before_the_latest(session, imported):
    found = onboarding_budget.proposal(session, NOVEMBER)
    assert (found.period.year, found.period.month) == (2026, 4)
    assert found.source == "recommender"
    assert [(line.category, line.amount, line.reason) for line in found.lines] == [
        ("Housing", D("1000.00"), "median of only 3 months of history 1000.00"),
        ("Groceries", D("320.00"), "median of only 3 months of history 320.00"),
    ]
    assert "Groceries" in [c.name for c in found.categories]
    assert all(c.type == "expense" for c in found.categories)


def test_a_clock_behind_the_imported_file_still_counts_its_months(session, imported):
    """The recommender is told the budget month's first day, not the clock's: a server
    whose clock is behind the file's dates still sees the months before as complete."""
    found = onboarding_budget.proposal(session, date(2026, 2, 1))
    assert (found.period.month, found.source) == (4, "recommender")
    assert {line.category: line.amount for line in found.lines}["Groceries"] == D("320.00")


def test_an_empty_ledger_budgets_this_month_once_an_income_is_given(session, sam):
    found = onboarding_budget.proposal(session, NOVEMBER)
    assert (found.period.year, found.period.month, found.source) == (2026, 11, "none")
    assert found.lines == []

    split = onboarding_budget.proposal(session, NOVEMBER, D("4000.00"))
    assert split.source == "starter"
    amounts = {line.category: line.amount for line in split.lines}
    assert amounts == {
        "Housing": D("1200.00"),
        "Groceries": D("480.00"),
        "Transport": D("400.00"),
        "Utilities": D("240.00"),
        "Insurance": D("200.00"),
        "Shopping": D("200.00"),
        "Dining Out": D("160.00"),
        "Entertainment": D("160.00"),
        "Health": D("160.00"),
        "Subscriptions": D("80.00"),
    }
    assert sum(amounts.values()) == D("3280.00")  # 18 % left for savings
    assert split.lines[0].reason == "30 % of a monthly income of 4000.00"


def test_the_starter_split_rounds_to_whole_units_and_never_exceeds_the_income(session, sam):
    lines = onboarding_budget.starter_split(session, D("3333.33"))
    amounts = {line.category: line.amount for line in lines}
    assert amounts["Housing"] == D("1000.00")  # 999.999
    assert amounts["Groceries"] == D("400.00")  # 399.9996
    assert amounts["Dining Out"] == D("133.00")  # 133.3332
    assert amounts["Subscriptions"] == D("67.00")  # 66.6666
    assert all(a == a.to_integral_value() for a in amounts.values())
    assert sum(amounts.values()) < D("3333.33")
    assert onboarding_budget.UNBUDGETED_SHARE == D(18)


def test_renamed_and_added_categories_get_nothing_from_the_split(session, sam):
    categories.update_category(session, category_id(session, "Groceries"), name="Food")
    categories.create_category(session, "Pets")
    categories.create_category(session, "housing costs")
    lines = onboarding_budget.starter_split(session, D("1000"))
    names = [line.category for line in lines]
    assert "Food" not in names and "Pets" not in names and "housing costs" not in names
    assert "Groceries" not in names and names[0] == "Housing"


@pytest.mark.parametrize("income", [D("0"), D("-100"), D("12.345")])
def test_an_income_to_split_must_be_an_amount_above_zero(session, sam, income):
    with pytest.raises(ValidationError) as refused:
        onboarding_budget.proposal(session, NOVEMBER, income)
    assert list(refused.value.fields) == ["monthly_income"]


def test_saving_sets_the_adjusted_amounts_and_zero_removes_a_budget(session, imported):
    groceries, housing = category_id(session, "Groceries"), category_id(session, "Housing")
    kept = onboarding_budget.save(
        session, 2026, 4, [BudgetInput(groceries, D("350.00")), BudgetInput(housing, D("1000"))]
    )
    session.commit()
    assert kept == 2
    assert _budgets(session) == {
        "Groceries": (2026, 4, D("350.00")),
        "Housing": (2026, 4, D("1000.00")),
    }
    # Back to the step: housing left empty (0) now means no budget there.
    onboarding_budget.save(
        session, 2026, 4, [BudgetInput(groceries, D("375.50")), BudgetInput(housing, D("0"))]
    )
    session.commit()
    assert _budgets(session) == {"Groceries": (2026, 4, D("375.50"))}


def test_bad_lines_are_each_named_and_nothing_is_kept(session, imported):
    groceries = category_id(session, "Groceries")
    lines = [
        BudgetInput(groceries, D("300.00")),
        BudgetInput(category_id(session, "Salary"), D("10.00")),
        BudgetInput(category_id(session, "Housing"), D("-5.00")),
        BudgetInput(999_999, D("1.00")),
        BudgetInput(groceries, D("20.00")),
    ]
    with pytest.raises(ValidationError) as refused:
        onboarding_budget.save(session, 2026, 4, lines)
    session.rollback()
    assert refused.value.fields == {
        "budgets.1.category_id": "is an income category; only expense categories have budgets",
        "budgets.2.amount": "must not be negative",
        "budgets.3.category_id": "is not one of your categories",
        "budgets.4.category_id": "appears twice (also line 0); give each category one amount",
    }
    assert _budgets(session) == {}


def test_a_month_out_of_range_is_refused(session, sam):
    with pytest.raises(ValidationError) as refused:
        onboarding_budget.save(session, 2300, 1, [])
    assert "month" in refused.value.fields


def test_the_summary_says_what_was_set_up(session, imported):
    categories.add_owners(session, ["Me", "Joint"])
    onboarding_budget.save(
        session,
        2026,
        4,
        [
            BudgetInput(category_id(session, "Groceries"), D("350.00")),
            BudgetInput(category_id(session, "Housing"), D("1000.00")),
        ],
    )
    session.commit()
    found = onboarding_budget.summary(session, NOVEMBER)
    assert (found.currency, found.owners, found.transactions) == ("USD", ["Me", "Joint"], 12)
    assert (found.first_day, found.last_day) == (date(2026, 1, 1), date(2026, 4, 25))
    assert (found.period.month, found.budgeted, found.budgets) == (4, D("1350.00"), 2)
    assert found.categories == 13
