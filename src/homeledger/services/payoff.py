"""The debt payoff planner: a month-by-month simulation every client can reproduce to the cent.

The convention (the API's, the web page's and the mobile app's):

1. each month, each debt with a balance first accrues interest,
   ``round_half_up(balance x annual_rate / 12 / 100, 2)``;
2. then every debt is paid its minimum (or its whole balance if smaller);
3. then the extra amount, plus the whole minimums of debts paid off in earlier months
   ("rollover"), goes to the target debt; what a payment leaves unused because its debt
   reached zero this month (minimum or extra) goes to the next target in the same month;
4. the target order is fixed at the start: **avalanche** pays the highest rate first (ties:
   smaller balance), **snowball** the smallest balance first (ties: higher rate); further ties
   go to the lower debt id. **minimum** pays minimums only: no extra, no rollover, nothing
   passed on.

The plan stops when every debt is paid or after ``HORIZON_MONTHS``: a minimum that does
not cover its interest never pays a debt off, and the plan says so instead of looping.
Every figure is exact to the cent, however large such a debt grows by then.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, localcontext

from homeledger.services.amounts import CENT
from homeledger.services.periods import add_months, month_text

STRATEGIES = ("avalanche", "snowball", "minimum")
STRATEGY_LABELS = {
    "avalanche": "Avalanche (highest rate first)",
    "snowball": "Snowball (smallest balance first)",
    "minimum": "Minimum payments only",
}
HORIZON_MONTHS = 600
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PlanDebt:
    debt_id: int
    name: str
    balance: Decimal
    rate: Decimal  # annual percent: 19.99 for 19.99 %
    minimum: Decimal  # 0 when the debt has none


@dataclass(frozen=True)
class Payment:
    debt_id: int
    interest: Decimal
    payment: Decimal  # minimum and extra together
    balance: Decimal  # after the payment


@dataclass(frozen=True)
class PlanMonth:
    month: str
    payments: list[Payment]


@dataclass(frozen=True)
class DebtOutcome:
    debt_id: int
    name: str
    payoff_month: str | None
    interest: Decimal


@dataclass(frozen=True)
class PlanWarning:
    """Something to know about a debt in the plan. ``kind``: ``never_paid_off``, or
    ``interest_not_covered`` with the ``minimum`` and the first month's ``interest``."""

    debt_id: int
    message: str
    kind: str = "never_paid_off"
    minimum: Decimal | None = None
    interest: Decimal | None = None


@dataclass(frozen=True)
class Plan:
    strategy: str
    extra: Decimal
    start: str
    months_to_debt_free: int | None
    debt_free_month: str | None
    total_interest: Decimal
    debts: list[DebtOutcome]
    schedule: list[PlanMonth]
    warnings: list[PlanWarning] = field(default_factory=list)

    @property
    def paid_off(self) -> bool:
        return self.months_to_debt_free is not None

    def total_balances(self) -> list[Decimal]:
        """What is owed in all after each month: the line a chart draws."""
        return [sum((p.balance for p in m.payments), ZERO) for m in self.schedule]


def monthly_interest(balance: Decimal, rate: Decimal) -> Decimal:
    return (balance * rate / 12 / 100).quantize(CENT, ROUND_HALF_UP)


def target_order(debts: Sequence[PlanDebt], strategy: str) -> list[PlanDebt]:
    """The order extra money goes in, fixed by the balances and rates at the start."""
    if strategy == "avalanche":
        return sorted(debts, key=lambda d: (-d.rate, d.balance, d.debt_id))
    if strategy == "snowball":
        return sorted(debts, key=lambda d: (d.balance, -d.rate, d.debt_id))
    return []


def simulate(
    debts: Sequence[PlanDebt], strategy: str, extra: Decimal, start: tuple[int, int]
) -> Plan:
    """Pay ``debts`` down month by month from ``start`` (year, month) under ``strategy``."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}")
    with localcontext() as context:
        context.prec = _digits_needed(debts, extra)
        return _simulate(debts, strategy, extra, start)


def _digits_needed(debts: Sequence[PlanDebt], extra: Decimal) -> int:
    """Enough significant digits for every figure to stay exact to the cent: a balance the
    minimums do not cover compounds for up to ``HORIZON_MONTHS`` (at 100 % a year, 10^20
    times), past the 28 digits a Decimal keeps by default."""
    top_rate = max((max(d.rate, 0) for d in debts), default=Decimal(0))
    growth = math.ceil(HORIZON_MONTHS * math.log10(1 + float(top_rate) / 1200))
    largest = max([abs(d.balance) for d in debts] + [abs(extra), Decimal(1)])
    return 28 + max(largest.adjusted(), 0) + growth + len(debts).bit_length()


def _simulate(
    debts: Sequence[PlanDebt], strategy: str, extra: Decimal, start: tuple[int, int]
) -> Plan:
    owing = [
        replace(d, balance=d.balance.quantize(CENT), minimum=d.minimum.quantize(CENT))
        for d in debts
        if d.balance > 0
    ]
    extra = ZERO if strategy == "minimum" else extra.quantize(CENT)
    order = [d.debt_id for d in target_order(owing, strategy)]
    balance = {d.debt_id: d.balance for d in owing}
    interest = {d.debt_id: ZERO for d in owing}
    payoff: dict[int, str] = {}
    rollover = ZERO
    schedule: list[PlanMonth] = []
    warnings = _interest_warnings(owing)

    for index in range(HORIZON_MONTHS):
        if not any(balance.values()):
            break
        month = month_text(*add_months(*start, index))
        live = [d for d in owing if balance[d.debt_id] > 0]
        charged, paid = {}, {}
        spare = ZERO  # money this month that its own debt did not need
        for debt in live:
            charged[debt.debt_id] = monthly_interest(balance[debt.debt_id], debt.rate)
            balance[debt.debt_id] += charged[debt.debt_id]
            interest[debt.debt_id] += charged[debt.debt_id]
            paid[debt.debt_id] = min(debt.minimum, balance[debt.debt_id])
            balance[debt.debt_id] -= paid[debt.debt_id]
            spare += debt.minimum - paid[debt.debt_id]
        if strategy != "minimum":
            pool = extra + rollover + spare
            for debt_id in order:
                if pool <= 0:
                    break
                more = min(pool, balance[debt_id])
                balance[debt_id] -= more
                paid[debt_id] = paid.get(debt_id, ZERO) + more
                pool -= more
        for debt in live:
            if balance[debt.debt_id] == 0:
                payoff[debt.debt_id] = month
                rollover += debt.minimum
        schedule.append(
            PlanMonth(
                month,
                [
                    Payment(d.debt_id, charged[d.debt_id], paid[d.debt_id], balance[d.debt_id])
                    for d in live
                ],
            )
        )

    done = all(balance[d.debt_id] == 0 for d in owing)
    for debt in owing:
        if debt.debt_id not in payoff:
            message = f"{debt.name}: never paid off at these payments"
            warnings.append(PlanWarning(debt.debt_id, message))
    return Plan(
        strategy=strategy,
        extra=extra,
        start=month_text(*start),
        months_to_debt_free=len(schedule) if done else None,
        debt_free_month=schedule[-1].month if done and schedule else None,
        total_interest=sum(interest.values(), ZERO),
        debts=[
            DebtOutcome(d.debt_id, d.name, payoff.get(d.debt_id), interest[d.debt_id])
            for d in owing
        ],
        schedule=schedule,
        warnings=warnings,
    )


def _interest_warnings(debts: Sequence[PlanDebt]) -> list[PlanWarning]:
    """A debt whose minimum does not beat its first month's interest never shrinks on its own."""
    warnings = []
    for debt in debts:
        first = monthly_interest(debt.balance, debt.rate)
        if debt.minimum > first:
            continue
        if not debt.minimum:
            message = f"{debt.name} has no minimum payment, so " + (
                f"nothing covers its interest ({first:.2f} a month)"
                if first
                else "only extra money pays it off"
            )
        else:
            message = (
                f"{debt.name}: the minimum payment ({debt.minimum:.2f}) does not cover the "
                f"monthly interest ({first:.2f}); at minimum payments the balance never falls"
            )
        warnings.append(
            PlanWarning(debt.debt_id, message, "interest_not_covered", debt.minimum, first)
        )
    return warnings
