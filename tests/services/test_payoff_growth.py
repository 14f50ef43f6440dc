"""The planner on debts that only grow: 600 months of compounding stay exact to the cent."""

from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest

from homeledger.services.payoff import HORIZON_MONTHS, PlanDebt, simulate


def _followed_to_the_cent(plan, rate):
    """Each month's figures come from the last month's balance by the rules, exactly."""
    with localcontext(prec=400):  # a client checking the figures counts exactly too
        _check_months(plan, rate)


def _check_months(plan, rate):
    balance = None
    for month in plan.schedule:
        (row,) = month.payments
        for figure in (row.interest, row.payment, row.balance):
            assert figure.as_tuple().exponent == -2, (month.month, figure)
        if balance is not None:
            interest = (balance * rate / 12 / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
            assert row.interest == interest, month.month
            assert row.balance == balance + interest - row.payment, month.month
        balance = row.balance


@pytest.mark.parametrize(
    ("balance", "rate", "minimum"),
    [
        ("9999999999.99", "100", "0"),  # the largest the API takes, at its highest rate
        ("1000000.00", "100", "0.01"),
        ("1.00", "999.999", "0"),  # a rate the old app's data may bring in
    ],
)
@pytest.mark.parametrize("strategy", ["avalanche", "minimum"])
def test_a_balance_compounding_for_fifty_years_stays_exact(balance, rate, minimum, strategy):
    debt = PlanDebt(1, "Loan", Decimal(balance), Decimal(rate), Decimal(minimum))
    plan = simulate([debt], strategy, Decimal("0.01"), (2199, 12))
    assert len(plan.schedule) == HORIZON_MONTHS
    assert plan.schedule[-1].month == "2249-11"
    assert plan.months_to_debt_free is None
    _followed_to_the_cent(plan, Decimal(rate))
    assert plan.total_interest == plan.debts[0].interest
    assert plan.total_interest.as_tuple().exponent == -2
