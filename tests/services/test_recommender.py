"""Suggested budgets and budgets raised to the bills, with figures worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import Budget, UserSettings
from homeledger.services import bill_budgets, budgets, categories, commitments, recommender
from homeledger.services.commitments import CommitmentInput
from homeledger.services.errors import ValidationError
from tests.factories import add_transactions, category_id, make_user


@pytest.fixture
def alex(session):
    user = make_user(session, "alex")
    tenancy.set_ledger(session, user.id)
    return user


def _bill(session, name, amount, frequency, start, category, **extra):
    return commitments.create(
        session,
        CommitmentInput(
            name=name,
            amount=Decimal(amount),
            frequency=frequency,
            start_date=start,
            category_id=category_id(session, category),
            **extra,
        ),
    )


def _by_name(recommendations) -> dict[str, recommender.Suggestion]:
    return {s.category: s for s in recommendations.suggestions}


@pytest.fixture
def half_year(session, alex):
    """Groceries January to June 2026 with one huge month, insurance every month, a yearly
    car insurance due in August, and a big shop in July (not finished on 10 July)."""
    groceries = ["400.00", "410.00", "2000.00", "420.00", "405.00", "415.00"]
    rows = [
        (date(2026, month, 3), "Supermarket", f"-{amount}", "Groceries")
        for month, amount in enumerate(groceries, start=1)
    ]
    rows += [
        (date(2026, month, 5), "Home insurance", "-30.00", "Insurance") for month in range(1, 7)
    ]
    rows += [(date(2026, 7, 2), "Supermarket", "-5000.00", "Groceries")]
    add_transactions(session, alex, rows)
    _bill(session, "Home insurance", "30.00", "monthly", date(2026, 1, 5), "Insurance")
    _bill(session, "Car insurance", "780.00", "yearly", date(2025, 8, 20), "Insurance")
    session.commit()


TODAY = date(2026, 7, 10)


def test_a_spike_does_not_move_the_suggestion_and_a_yearly_bill_is_added(session, half_year):
    found = recommender.recommend(session, 2026, 8, TODAY)
    assert found.history_months == 6  # January to June; July is not over
    suggestions = _by_name(found)
    groceries = suggestions["Groceries"]
    # 400, 405, 410, 415, 420, 2000: the median is (410 + 415) / 2.
    assert (groceries.amount, groceries.usual, groceries.committed) == (
        Decimal("412.50"),
        Decimal("412.50"),
        Decimal("0.00"),
    )
    assert groceries.reason == "median of the last 6 months 412.50"
    insurance = suggestions["Insurance"]
    assert (insurance.amount, insurance.committed) == (Decimal("810.00"), Decimal("810.00"))
    assert insurance.reason == (
        "median of the last 6 months 30.00; Car insurance (yearly) due this month +780.00"
    )
    # In September the car insurance is not due: just the usual month.
    september = _by_name(recommender.recommend(session, 2026, 9, TODAY))
    assert september["Insurance"].amount == Decimal("30.00")


def test_applying_some_or_all_suggestions_sets_the_budgets_once(session, half_year):
    groceries = category_id(session, "Groceries")
    applied = recommender.apply(session, 2026, 8, TODAY, category_ids=[groceries])
    assert [(s.category, s.amount) for s in applied] == [("Groceries", Decimal("412.50"))]
    recommender.apply(session, 2026, 8, TODAY)
    recommender.apply(session, 2026, 8, TODAY)
    session.commit()
    rows = session.execute(select(Budget.category_id, Budget.amount).order_by(Budget.amount))
    assert rows.tuples().all() == [
        (groceries, Decimal("412.50")),
        (category_id(session, "Insurance"), Decimal("810.00")),
    ]
    again = _by_name(recommender.recommend(session, 2026, 8, TODAY))
    assert again["Groceries"].current == Decimal("412.50")


def test_a_category_without_a_suggestion_cannot_be_applied(session, half_year):
    with pytest.raises(ValidationError) as refused:
        recommender.apply(session, 2026, 8, TODAY, category_ids=[category_id(session, "Health")])
    assert "category_ids" in refused.value.fields
    session.rollback()
    assert session.scalars(select(Budget)).all() == []


def test_months_starting_on_the_15th_and_a_refund(session, alex):
    session.scalars(select(UserSettings)).one().month_start_day = 15
    add_transactions(
        session,
        alex,
        [
            (date(2026, 2, 20), "Market", "-100.00", "Groceries"),
            (date(2026, 3, 14), "Market", "-50.00", "Groceries"),  # still February's month
            (date(2026, 3, 15), "Market", "-200.00", "Groceries"),
            (date(2026, 4, 14), "Market", "-10.00", "Groceries"),  # March's month
            (date(2026, 4, 15), "Market", "-300.00", "Groceries"),
            (date(2026, 4, 20), "Refund", "100.00", "Groceries"),  # April's month: 200
            (date(2026, 5, 16), "Market", "-999.00", "Groceries"),  # May: not over
        ],
    )
    found = recommender.recommend(session, 2026, 6, date(2026, 5, 20))
    assert found.history_months == 3  # February, March and April budgeting months
    (groceries,) = found.suggestions
    # 150, 210, 200: the median is 200.
    assert groceries.amount == Decimal("200.00")
    assert groceries.reason == "median of only 3 months of history 200.00"


def test_little_history_is_averaged_and_no_history_leans_on_the_bills(session, alex):
    _bill(session, "Rent", "1200.00", "monthly", date(2026, 1, 1), "Housing")
    empty = recommender.recommend(session, 2026, 3, date(2026, 2, 10))
    assert empty.history_months == 0
    (rent,) = empty.suggestions
    assert (rent.category, rent.amount) == ("Housing", Decimal("1200.00"))
    assert rent.reason == (
        "no complete month of history yet; raised to the bills due this month 1200.00"
    )

    add_transactions(
        session,
        alex,
        [
            (date(2026, 1, 4), "Cinema", "-25.00", "Entertainment"),
            (date(2026, 2, 4), "Cinema", "-40.01", "Entertainment"),
        ],
    )
    (fun,) = [
        s
        for s in recommender.recommend(session, 2026, 4, date(2026, 3, 1)).suggestions
        if s.category == "Entertainment"
    ]
    assert (fun.amount, fun.reason) == (
        Decimal("32.51"),
        "only 2 months of history, averaging 32.51",
    )


def test_months_where_refunds_outweigh_spending_suggest_zero_and_say_why(session, alex):
    """A purchase in January, then a refund of 30.00 in each of February to June: the
    median month is -30.00, but a budget cannot be negative and there are no bills."""
    rows = [(date(2026, 1, 10), "Shop", "-50.00", "Shopping")]
    rows += [(date(2026, month, 10), "Refund", "30.00", "Shopping") for month in range(2, 7)]
    add_transactions(session, alex, rows)
    (shopping,) = recommender.recommend(session, 2026, 8, TODAY).suggestions
    assert (shopping.amount, shopping.usual, shopping.committed) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert shopping.reason == (
        "median of the last 6 months -30.00 (more came back than went out), so 0.00"
    )
    recommender.apply(session, 2026, 8, TODAY)
    session.commit()
    assert bill_budgets.household_budgets(session, 2026, 8) == {
        category_id(session, "Shopping"): Decimal("0.00")
    }


def test_an_inactive_category_is_suggested_only_for_the_bills_still_due_in_it(session, alex):
    """Entertainment is switched off, but its streaming bill still falls due: the
    suggestions cover it, as raising budgets to the bills does. Shopping, switched off
    with history only, gets no suggestion."""
    add_transactions(
        session,
        alex,
        [
            (date(2026, month, 10), text, "-40.00", category)
            for month in range(1, 7)
            for text, category in (("Cinema", "Entertainment"), ("Shoes", "Shopping"))
        ],
    )
    _bill(session, "Streaming", "15.00", "monthly", date(2026, 1, 12), "Entertainment")
    for name in ("Entertainment", "Shopping"):
        categories.update_category(session, category_id(session, name), is_active=False)
    session.commit()
    found = recommender.recommend(session, 2026, 8, TODAY)
    assert [(s.category, s.amount, s.committed) for s in found.suggestions] == [
        ("Entertainment", Decimal("40.00"), Decimal("15.00"))
    ]
    synced = bill_budgets.sync_from_bills(session, 2026, 8)
    assert [(c.category, c.after) for c in synced] == [("Entertainment", Decimal("15.00"))]


def test_a_month_that_rose_in_each_of_two_years_is_seasonal(session, alex):
    rows = []
    for year in (2024, 2025):
        for month in range(1, 13):
            amount = "300.00" if month == 12 else "100.00"
            rows.append((date(year, month, 10), "Gift shop", f"-{amount}", "Shopping"))
    rows += [(date(2026, month, 10), "Gift shop", "-100.00", "Shopping") for month in range(1, 11)]
    add_transactions(session, alex, rows)
    today = date(2026, 11, 5)
    (december,) = recommender.recommend(session, 2026, 12, today).suggestions
    assert december.amount == Decimal("300.00")
    assert december.reason == (
        "median of the last 12 months 100.00; "
        "usually higher in December (300.00 and 300.00 the last two years) +200.00"
    )
    (january,) = recommender.recommend(session, 2027, 1, today).suggestions
    assert january.amount == Decimal("100.00")


def test_one_large_month_a_year_ago_is_not_called_seasonal(session, alex):
    rows = [(date(2025, month, 10), "Shop", "-100.00", "Shopping") for month in range(1, 13)]
    rows[11] = (date(2025, 12, 10), "Sofa", "-1500.00", "Shopping")
    add_transactions(session, alex, rows)
    (december,) = recommender.recommend(session, 2026, 12, date(2026, 1, 20)).suggestions
    assert december.amount == Decimal("100.00")


def test_bills_raise_budgets_to_what_falls_due_and_a_second_run_changes_nothing(session, half_year):
    insurance = category_id(session, "Insurance")
    housing = category_id(session, "Housing")
    budgets.set_budget(session, 2026, 8, insurance, Decimal("500.00"))
    budgets.set_budget(session, 2026, 8, housing, Decimal("900.00"))
    _bill(session, "Rent", "850.00", "monthly", date(2026, 1, 1), "Housing")
    _bill(session, "Water", "120.00", "quarterly", date(2026, 7, 15), "Utilities")  # October
    _bill(session, "Salary", "3000.00", "monthly", date(2026, 1, 25), "Salary")  # income

    preview = bill_budgets.sync_from_bills(session, 2026, 8, dry_run=True)
    assert [(c.category, c.before, c.after) for c in preview] == [
        ("Insurance", Decimal("500.00"), Decimal("810.00"))
    ]
    assert sorted(b.name for b in preview[0].bills) == ["Car insurance", "Home insurance"]
    session.commit()
    assert bill_budgets.household_budgets(session, 2026, 8)[insurance] == Decimal("500.00")

    applied = bill_budgets.sync_from_bills(session, 2026, 8, dry_run=False)
    session.commit()
    assert len(applied) == 1
    assert bill_budgets.sync_from_bills(session, 2026, 8, dry_run=False) == []
    assert bill_budgets.household_budgets(session, 2026, 8) == {
        insurance: Decimal("810.00"),
        housing: Decimal("900.00"),
    }

    october = bill_budgets.sync_from_bills(session, 2026, 10, dry_run=False)
    assert [(c.category, c.before, c.after) for c in october] == [
        ("Housing", None, Decimal("850.00")),
        ("Insurance", None, Decimal("30.00")),
        ("Utilities", None, Decimal("120.00")),
    ]


def test_owners_budgets_count_as_the_categorys_budget_beside_the_bills(session, alex):
    """Housing is budgeted per person only (the category's budget is their sum): 500.00
    each covers the 900.00 rent; a household budget of 900.00 beside them would lower
    the category's budget to 900.00. At 300.00 each, it is raised from their 600.00."""
    housing = category_id(session, "Housing")
    alex_id, sam_id = (o.id for o in categories.add_owners(session, ["Alex", "Sam"]))
    _bill(session, "Rent", "900.00", "monthly", date(2026, 1, 1), "Housing")
    for person in (alex_id, sam_id):
        budgets.set_budget(session, 2026, 8, housing, Decimal("500.00"), person)
        budgets.set_budget(session, 2026, 9, housing, Decimal("300.00"), person)
    assert bill_budgets.sync_from_bills(session, 2026, 8, dry_run=False) == []
    assert budgets.month_report(session, 2026, 8).budgeted == Decimal("1000.00")
    (suggestion,) = recommender.recommend(session, 2026, 8, TODAY).suggestions
    assert suggestion.current == Decimal("1000.00")  # the budget now, not "none"
    (september,) = bill_budgets.sync_from_bills(session, 2026, 9)
    assert (september.before, september.after) == (Decimal("600.00"), Decimal("900.00"))


def test_a_bad_month_is_refused(session, alex):
    with pytest.raises(ValidationError) as refused:
        recommender.recommend(session, 2026, 13, TODAY)
    assert "month" in refused.value.fields
    with pytest.raises(ValidationError):
        bill_budgets.sync_from_bills(session, 1850, 1)
