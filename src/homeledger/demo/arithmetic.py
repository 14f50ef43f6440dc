"""Cents, months and loan repayments: the sums the day-by-day walk and the plans share."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from homeledger.services.periods import add_months


def money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def round_up(cents: int, step: int) -> int:
    return -(-cents // step) * step


def month_start(day: date, months: int = 0) -> date:
    """The 1st of the month ``months`` away from ``day``'s month."""
    return date(*add_months(day.year, day.month, months), 1)


def next_weekday(day: date, weekday: int) -> date:
    """``day`` itself or the first day after it that falls on ``weekday`` (Monday is 0)."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def loan_payment(principal: int, rate_percent: Decimal, months: int) -> int:
    """Monthly repayment in cents of an amortising loan."""
    rate = rate_percent / 1200
    payment = Decimal(principal) * rate / (1 - (1 + rate) ** -months)
    return int(payment.to_integral_value())


def loan_balance(principal: int, rate_percent: Decimal, payment: int, paid: int) -> int:
    """What is left in cents of an amortising loan after ``paid`` monthly repayments."""
    balance = Decimal(principal)
    for _ in range(paid):
        balance += balance * rate_percent / 1200 - payment
    return int(balance.to_integral_value())
