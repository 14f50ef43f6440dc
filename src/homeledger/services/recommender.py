"""Suggested budgets, each with the reason a person can check.

For each expense category, a month's suggestion is built from the complete
budgeting months before it (the month in progress never counts, nor months
before the ledger's first transaction):

1. **The usual month**: the median of the last 6 to 12 complete months (a
   month without spending counts as 0), so one large purchase does not move
   it. With 3 to 5 months it is still the median, and the reason says the
   history is short; with 1 or 2 it is their average; with none it is 0.
   Below 0 (refunds outweighing spending) it counts as 0.
2. **What this month adds**, the larger of:
   - bills due this month that do not come every month (quarterly, yearly):
     the median leaves them out, so they are added back ("car insurance
     (yearly) due this month +780.00");
   - a **seasonal** rise: when the same month in each of the two years
     before was at least a quarter (and 10.00) above the usual month, the
     average of those two months' excess ("usually higher in December").
   Taking the larger, not the sum, keeps a yearly bill that is itself the
   seasonal rise from being counted twice.
3. **Never below the bills**: at least everything the category's bills come
   to this month.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from homeledger.models import Category, Transaction
from homeledger.services import bill_budgets, budgets, settings
from homeledger.services.amounts import CENT
from homeledger.services.budget_figures import ZERO, check_month, spending_sums, spent_of
from homeledger.services.commitments import Occurrence
from homeledger.services.errors import ValidationError
from homeledger.services.periods import Period

HISTORY_MONTHS = 12
FULL_HISTORY = 6  # fewer complete months than this, and the reason says so
SEASONAL_RISE = Decimal("1.25")
SEASONAL_MINIMUM = Decimal("10.00")
_MONTHLY_OR_MORE = {"weekly", "fortnightly", "monthly"}


@dataclass(frozen=True)
class Suggestion:
    category_id: int
    category: str
    amount: Decimal
    committed: Decimal  # what the category's bills due this month come to
    usual: Decimal  # the usual month (median or average of the history)
    current: Decimal | None  # the category's budget now (household, else owners' sum), or None
    reason: str


@dataclass(frozen=True)
class Recommendations:
    period: Period
    history_months: int  # complete months the suggestions are built from
    suggestions: list[Suggestion]


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _median(values: list[Decimal]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return _money((ordered[middle - 1] + ordered[middle]) / 2)


def _history(
    session: Session, period: Period, today: date, ledger: settings.LedgerSettings
) -> list[Period]:
    """The complete budgeting months before ``period``, newest first: up to two years,
    so the same month one and two years back can be compared."""
    first = session.scalar(select(func.min(Transaction.date)))
    if first is None:
        return []
    earliest = ledger.month_containing(first).start
    start_day = ledger.month_start_day
    months = [period.shifted(-back, start_day) for back in range(1, 2 * HISTORY_MONTHS + 1)]
    return [m for m in months if m.end <= today and m.start >= earliest]


def _spending(session: Session, months: list[Period]) -> dict[int, dict[Period, Decimal]]:
    """Spent per expense category per month of ``months``, in one grouped query."""
    if not months:
        return {}
    ordered = sorted(months, key=lambda m: m.start)
    bucket = case(*((Transaction.date < m.end, i) for i, m in enumerate(ordered))).label("bucket")
    query = (
        select(bucket, Transaction.category_id, *spending_sums())
        .join(Category, Category.id == Transaction.category_id)
        .where(
            Category.type == "expense",
            Transaction.date >= ordered[0].start,
            Transaction.date < ordered[-1].end,
        )
        .group_by(bucket, Transaction.category_id, Category.type)
    )
    found: dict[int, dict[Period, Decimal]] = defaultdict(dict)
    for index, category_id, kind, net, out in session.execute(query):
        found[category_id][ordered[index]] = spent_of(kind, net or ZERO, out or ZERO)
    return found


def _usual(values: list[Decimal]) -> tuple[Decimal, str]:
    if not values:
        return ZERO, "no complete month of history yet"
    if len(values) < 3:
        average = _money(sum(values, ZERO) / len(values))
        months = "1 month" if len(values) == 1 else f"{len(values)} months"
        return average, f"only {months} of history, averaging {average}"
    median = _median(values)
    if len(values) < FULL_HISTORY:
        return median, f"median of only {len(values)} months of history {median}"
    return median, f"median of the last {len(values)} months {median}"


def _seasonal(usual: Decimal, earlier: list[Decimal | None]) -> Decimal:
    """The average excess of the same month in the two years before, when both rose."""
    if len(earlier) < 2 or any(value is None for value in earlier):
        return ZERO
    if not all(v >= usual * SEASONAL_RISE and v - usual >= SEASONAL_MINIMUM for v in earlier):
        return ZERO
    return _money(sum((v - usual for v in earlier), ZERO) / len(earlier))


def _suggest(
    category_id: int,
    name: str,
    period: Period,
    start_day: int,
    history: list[Period],
    spent: dict[Period, Decimal],
    bills: list[Occurrence],
    current: Decimal | None,
) -> Suggestion:
    recent = history[:HISTORY_MONTHS]
    usual, reason = _usual([spent.get(month, ZERO) for month in recent])
    if usual < 0:  # refunds outweighed spending; a budget is never negative
        usual, reason = ZERO, f"{reason} (more came back than went out), so 0.00"
    parts = [reason]
    same_month = [
        spent.get(month, ZERO) if month in history else None
        for month in (period.shifted(-12, start_day), period.shifted(-24, start_day))
    ]
    seasonal = _seasonal(usual, same_month)
    occasional = [bill for bill in bills if bill.frequency not in _MONTHLY_OR_MORE]
    occasional_total = bill_budgets.total(occasional)
    amount = usual
    if occasional_total >= seasonal and occasional_total:
        amount += occasional_total
        parts += [f"{b.name} ({b.frequency}) due this month +{b.amount}" for b in occasional]
    elif seasonal:
        amount += seasonal
        month_name = period.start.strftime("%B")
        earlier = " and ".join(str(value) for value in same_month)
        parts.append(f"usually higher in {month_name} ({earlier} the last two years) +{seasonal}")
    committed = bill_budgets.total(bills)
    if committed > amount:
        amount = committed
        parts.append(f"raised to the bills due this month {committed}")
    return Suggestion(category_id, name, amount, committed, usual, current, "; ".join(parts))


def recommend(session: Session, year: int, month: int, today: date) -> Recommendations:
    """A suggested budget for every expense category with history or bills."""
    check_month(year, month)
    ledger = settings.read(session)
    period = ledger.budget_month(year, month)
    history = _history(session, period, today, ledger)
    spending = _spending(session, history)
    bills = bill_budgets.committed_by_category(bill_budgets.due_in(session, period))
    current = bill_budgets.category_budgets(session, year, month)
    # A switched-off category still gets a suggestion for bills that fall due in it.
    categories = session.execute(
        select(Category.id, Category.name).where(
            Category.type == "expense",
            Category.is_active.is_(True) | Category.id.in_(list(bills) or [0]),
        )
    ).tuples()
    suggestions = [
        _suggest(
            category_id,
            name,
            period,
            ledger.month_start_day,
            history,
            spending.get(category_id, {}),
            bills.get(category_id, []),
            current.get(category_id),
        )
        for category_id, name in categories
        if category_id in bills or any(spending.get(category_id, {}).values())
    ]
    suggestions.sort(key=lambda s: (-s.amount, s.category.casefold()))
    return Recommendations(period, min(len(history), HISTORY_MONTHS), suggestions)


def apply(
    session: Session,
    year: int,
    month: int,
    today: date,
    category_ids: list[int] | None = None,
) -> list[Suggestion]:
    """Set the month's household budgets to the suggestions (all, or those of
    ``category_ids``); the suggestions applied. Applying twice changes nothing more."""
    suggestions = recommend(session, year, month, today).suggestions
    if category_ids is not None:
        offered = {s.category_id for s in suggestions}
        unknown = [str(c) for c in category_ids if c not in offered]
        if unknown:
            raise ValidationError(
                {"category_ids": f"no suggestion for {', '.join(unknown)} this month"}
            )
        suggestions = [s for s in suggestions if s.category_id in set(category_ids)]
    for suggestion in suggestions:
        budgets.set_budget(session, year, month, suggestion.category_id, suggestion.amount)
    return suggestions
