"""The demo household's plans: budgets, commitments, debts and goals that match its transactions."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from homeledger.demo.arithmetic import loan_balance, money, month_start, round_up
from homeledger.demo.calendar_walk import Household
from homeledger.demo.payees import (
    ALEX_PHONE,
    ALEX_PHONE_CENTS,
    CAR_INSURANCE,
    CAR_LOAN_CENTS,
    CAR_LOAN_RATE,
    ELECTRICITY,
    EXPENSE_CATEGORIES,
    GYM,
    GYM_CENTS,
    INTERNET,
    INTERNET_CENTS,
    NETFLIX,
    NETFLIX_CENTS,
    RENT,
    SAM_PHONE,
    SAM_PHONE_CENTS,
    ZIP_PRICE_CENTS,
    ZIP_REPAYMENT_CENTS,
)
from homeledger.models.planning import (
    Budget,
    Commitment,
    Debt,
    DebtPayment,
    GoalContribution,
    SavingsGoal,
)
from homeledger.services.running_balance import fill_balances


def add_budgets(
    session: Session, rows: list[dict[str, Any]], categories: dict[str, int], today: date
) -> None:
    """Budgets for the current and three previous months, from the last year's average."""
    this_month = month_start(today)
    year_ago = month_start(today, -12)
    spent: dict[int, int] = defaultdict(int)
    for row in rows:
        if year_ago <= row["date"] < this_month and row["amount"] < 0:
            spent[row["category_id"]] -= int(row["amount"] * 100)
    for months_back in range(3, -1, -1):
        month = month_start(today, -months_back)
        for name in EXPENSE_CATEGORIES:
            typical = spent[categories[name]] // 12
            # Round figures, a little generous, the way people actually set budgets.
            amount = round_up(typical, 5000 if typical >= 50000 else 1000)
            session.add(
                Budget(
                    year=month.year,
                    month=month.month,
                    category_id=categories[name],
                    owner_id=None,
                    amount=money(amount),
                )
            )


def add_plans(
    session: Session,
    home: Household,
    categories: dict[str, int],
    owners: dict[str, int],
    today: date,
) -> None:
    """Commitments, debts with recent payments and savings goals matching the transactions."""
    add_commitments(session, home, categories, owners)
    add_debts(session, home, owners, today)
    add_goals(session, home.saved, owners, today)
    session.flush()


def add_commitments(
    session: Session, home: Household, categories: dict[str, int], owners: dict[str, int]
) -> None:
    """The recurring bills at their latest amounts, each starting on its first payment."""
    recent_power = home.electricity[-4:] or [40000]
    power = round_up(sum(recent_power) // len(recent_power), 1000)
    commitments = [
        ("Rent", home.rent, "monthly", 1, "Housing", "Joint", RENT),
        ("Electricity", power, "quarterly", 15, "Utilities", "Joint", ELECTRICITY),
        ("Internet", INTERNET_CENTS, "monthly", 12, "Utilities", "Joint", INTERNET),
        ("Netflix", NETFLIX_CENTS[0], "monthly", 18, "Subscriptions", "Joint", NETFLIX),
        ("Phone (Alex)", ALEX_PHONE_CENTS, "monthly", 5, "Subscriptions", "Alex", ALEX_PHONE),
        ("Phone (Sam)", SAM_PHONE_CENTS, "monthly", 22, "Subscriptions", "Sam", SAM_PHONE),
        ("Gym", GYM_CENTS, "fortnightly", None, "Subscriptions", "Sam", GYM),
        ("Car insurance", home.car_insurance, "yearly", 8, "Insurance", "Alex", CAR_INSURANCE),
    ]
    for name, cents, frequency, due_day, category, owner, payee in commitments:
        session.add(
            Commitment(
                name=name,
                amount=money(cents),
                frequency=frequency,
                due_day=due_day,
                category_id=categories[category],
                owner_id=owners[owner],
                start_date=home.first_seen.get(payee),
                notes=f"Paid to {payee}",
            )
        )


def _paid_dates(today: date, first: date, due_day: int, count: int) -> list[date]:
    """The last ``count`` due dates from ``first`` up to ``today``, oldest first."""
    dates = [month_start(today, -k).replace(day=due_day) for k in range(count + 1)]
    return sorted(d for d in dates if first <= d <= today)[-count:]


def add_debts(session: Session, home: Household, owners: dict[str, int], today: date) -> None:
    """A credit card, the car loan and the Zip Pay plan, each with its recent payments."""
    rng = home.rng
    loan_paid = _paid_dates(today, home.loan_start, 15, 27)
    zip_paid = _paid_dates(today, home.bnpl_start + timedelta(days=1), 4, 4)
    # The card's payments are drawn before its balance; another order would change the data.
    card_payments = [
        (d, rng.randint(350, 900) * 100) for d in _paid_dates(today, home.start, 28, 4)
    ]
    car_balance = loan_balance(CAR_LOAN_CENTS, CAR_LOAN_RATE, home.loan_payment, len(loan_paid))
    debts = [
        (
            Debt(
                name="Credit card",
                lender="CommBank",
                debt_type="credit_card",
                current_balance=money(rng.randint(330000, 350000)),
                interest_rate=Decimal("19.990"),
                minimum_payment=Decimal("85.00"),
                due_day=28,
                owner_id=owners["Joint"],
            ),
            card_payments,
        ),
        (
            Debt(
                name="Car loan",
                lender="Toyota Finance",
                debt_type="loan",
                original_amount=money(CAR_LOAN_CENTS),
                current_balance=money(car_balance),
                interest_rate=CAR_LOAN_RATE,
                minimum_payment=money(home.loan_payment),
                due_day=15,
                owner_id=owners["Alex"],
                start_date=home.loan_start,
            ),
            [(d, home.loan_payment) for d in loan_paid[-6:]],
        ),
        (
            Debt(
                name="Zip Pay - lounge suite",
                lender="Zip",
                debt_type="bnpl",
                original_amount=money(ZIP_PRICE_CENTS),
                current_balance=money(ZIP_PRICE_CENTS - ZIP_REPAYMENT_CENTS * len(zip_paid)),
                interest_rate=Decimal("0"),
                minimum_payment=money(ZIP_REPAYMENT_CENTS),
                due_day=4,
                owner_id=owners["Sam"],
                start_date=home.bnpl_start,
            ),
            [(d, ZIP_REPAYMENT_CENTS) for d in zip_paid],
        ),
    ]
    session.add_all(debt for debt, _ in debts)
    session.flush()  # the payments need the debts' ids
    for debt, payments in debts:
        rows = [DebtPayment(debt_id=debt.id, date=d, amount=money(cents)) for d, cents in payments]
        fill_balances(debt.current_balance, rows[::-1])
        session.add_all(rows)


def add_goals(session: Session, saved: int, owners: dict[str, int], today: date) -> None:
    """Savings goals whose progress shares out what has really been saved (``saved``, cents):
    an opening amount, then the same sum put in on the 2nd of each of the last six months."""
    goals = [
        ("Emergency fund", 1500000, min(saved // 2, 1350000), None, "Joint"),
        ("Holiday in Japan", 800000, min(saved // 6, 750000), month_start(today, 10), "Joint"),
        ("New car", 2500000, min(saved // 5, 2000000), None, "Alex"),
    ]
    put_in_on = [d for d in (month_start(today, -k).replace(day=2) for k in range(6)) if d <= today]
    for name, target, current, target_date, owner in goals:
        goal = SavingsGoal(
            name=name,
            target_amount=money(target),
            current_amount=money(current),
            target_date=target_date,
            owner_id=owners[owner],
        )
        session.add(goal)
        session.flush()  # the contributions need its id
        monthly = current // 20 // 100 * 100  # whole dollars: about a twentieth each month
        session.add_all(
            GoalContribution(goal_id=goal.id, date=day, amount=money(monthly))
            for day in put_in_on
            if monthly
        )
