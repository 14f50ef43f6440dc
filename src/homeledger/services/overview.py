"""The overview: one budgeting month of the household (or of one owner) at a glance.

Figures follow the rule in ``services/analytics.py`` under a ``TransactionFilter`` (the
owner's), so each one equals the transaction list's totals under the same filter. The
month is compared with the one before: a past (or future) month whole against the whole
previous month; the month in progress like-for-like, its first N days (N: the days gone,
today included) against the previous month's first N days (all of it when it is shorter).

Bills, debts and goals belong to an owner or to the household (no owner): with an owner
chosen, the overview shows that owner's and the household's, and says which are which.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from homeledger.services import analytics, budgets, commitments, debts, goals, payoff, settings
from homeledger.services import analytics_reports as reports
from homeledger.services.analytics import ZERO, Figures, PeriodSummary, RecentTransaction, Share
from homeledger.services.budget_figures import BudgetLine, check_month, check_owner
from homeledger.services.filters import TransactionFilter
from homeledger.services.goals import GoalStatus
from homeledger.services.periods import Period, add_months

TREND_MONTHS = 12
UPCOMING_DAYS = 14
WORST_BUDGETS = 3
RECENT_ROWS = 8
CATEGORY_LINES = 7  # and the rest: eight lines, a colour each in a chart
FIRST_MONTH = (1900, 1)


@dataclass(frozen=True)
class Progress:
    """The month in progress: ``day`` of ``days`` gone (today included)."""

    day: int
    days: int


@dataclass(frozen=True)
class Comparison:
    """The month (``current``: for the month in progress, its days so far) against the
    previous month's ``previous`` figures, from its start to ``previous_last``."""

    current: Figures
    previous: Figures
    period: Period  # the previous budgeting month
    previous_last: date
    whole: bool  # the whole previous month is compared

    @property
    def days(self) -> int:
        return (self.previous_last - self.period.start).days + 1


@dataclass(frozen=True)
class BudgetHealth:
    lines: int
    over: int
    worst: list[BudgetLine]  # the most over first, then the nearest their limit

    @property
    def on_track(self) -> int:
        return self.lines - self.over


@dataclass(frozen=True)
class Bills:
    start: date
    end: date  # inclusive
    upcoming: bool  # the next days from today (else: the month's)
    occurrences: list[commitments.Occurrence]

    @property
    def total(self) -> Decimal:
        return sum((o.amount for o in self.occurrences), ZERO)


@dataclass(frozen=True)
class DebtSummary:
    count: int
    household: int  # how many of them have no owner
    owed: Decimal
    debt_free_month: str | None  # YYYY-MM paying the minimums; None: not within 50 years


@dataclass(frozen=True)
class GoalSummary:
    found: list[GoalStatus]
    household: int

    @property
    def saved(self) -> Decimal:
        return sum((s.goal.current_amount for s in self.found), ZERO)

    @property
    def target(self) -> Decimal:
        return sum((s.goal.target_amount for s in self.found), ZERO)


@dataclass(frozen=True)
class MonthOverview:
    period: Period
    criteria: TransactionFilter  # the owner filter, without dates
    figures: PeriodSummary  # the whole month as recorded
    progress: Progress | None  # None: not the month in progress
    future: bool
    comparison: Comparison | None  # None for the first month the ledger knows (1900-01)
    trend: list[tuple[Period, Figures]]  # up to 12 months, ending with this one
    categories: list[Share]
    budget_health: BudgetHealth
    bills: Bills
    debts: DebtSummary
    goals: GoalSummary
    recent: list[RecentTransaction]
    has_transactions: bool


def _owned_by(owner_id: int | None):
    """Whether a plan's item (a bill, debt, goal) shows under the owner filter: the
    owner's own and the household's; all without a filter."""
    return lambda item_owner: owner_id is None or item_owner in (None, owner_id)


def month_overview(
    session: Session, year: int, month: int, owner_id: int | None, today: date
) -> MonthOverview:
    """Everything the overview shows of a budgeting month for ``owner_id`` (None: the
    whole household). A bad month or owner is a ValidationError naming the field."""
    check_month(year, month)
    check_owner(session, owner_id)
    ledger = settings.read(session)
    period = ledger.budget_month(year, month)
    current = ledger.month_containing(today)
    criteria = TransactionFilter(owner_id=owner_id)
    figures = analytics.period_summary(session, period, criteria)
    first = max(add_months(year, month, 1 - TREND_MONTHS), FIRST_MONTH)
    periods = reports.months_between(session, first, (year, month))
    trend = list(zip(periods, reports.figures_by_month(session, criteria, periods), strict=True))
    in_progress = period == current
    progress = None
    if in_progress:
        progress = Progress((today - period.start).days + 1, (period.end - period.start).days)
    shows = _owned_by(owner_id)
    return MonthOverview(
        period=period,
        criteria=criteria,
        figures=figures,
        progress=progress,
        future=period.start > today,
        comparison=_comparison(session, criteria, trend, figures, progress),
        trend=trend,
        categories=analytics.where_it_went(
            session, criteria, period, figures.spending, CATEGORY_LINES
        ),
        budget_health=_budget_health(session, year, month, owner_id),
        bills=_bills(session, period, today if in_progress else None, shows),
        debts=_debts(session, today, shows),
        goals=_goals(session, today, shows),
        recent=analytics.recent_transactions(
            # as the month's count counts them: transfers are neither income nor spending
            session,
            RECENT_ROWS,
            replace(criteria, month=(year, month), flow="net"),
        ),
        has_transactions=bool(figures.transaction_count) or analytics.has_transactions(session),
    )


def _comparison(session, criteria, trend, figures, progress) -> Comparison | None:
    if len(trend) < 2:
        return None
    (previous, whole_previous), (period, _) = trend[-2], trend[-1]
    if progress is None:
        return Comparison(figures, whole_previous, previous, previous.last_day, whole=True)
    days = min(progress.day, (previous.end - previous.start).days)
    previous_last = previous.start + timedelta(days=days - 1)
    today = period.start + timedelta(days=progress.day - 1)
    earlier, so_far = analytics.figures_in_spans(
        session, criteria, [(previous.start, previous_last), (period.start, today)]
    )
    return Comparison(
        so_far, earlier, previous, previous_last, whole=previous_last == previous.last_day
    )


def _budget_health(session: Session, year: int, month: int, owner_id) -> BudgetHealth:
    """The month's budget lines (as the budget page counts them): how many are over, and
    the worst few, most over first, then those nearest their limit."""
    lines = budgets.month_report(session, year, month, owner_id).lines

    def badness(line: BudgetLine):
        used = line.percent if line.percent is not None else Decimal(0)
        return (not line.over, line.remaining if line.over else -used, line.category.casefold())

    over = sum(1 for line in lines if line.over)
    return BudgetHealth(len(lines), over, sorted(lines, key=badness)[:WORST_BUDGETS])


def _bills(session: Session, period: Period, today: date | None, shows) -> Bills:
    """The bills due in the next 14 days from ``today`` (the month in progress), else
    those due in the month."""
    if today is not None:
        found = commitments.upcoming(session, today, UPCOMING_DAYS)
    else:
        found = commitments.upcoming(session, period.start, (period.end - period.start).days)
    kept = [o for o in found.occurrences if shows(o.owner_id)]
    return Bills(found.start, found.end, today is not None, kept)


def _debts(session: Session, today: date, shows) -> DebtSummary:
    """What the active debts shown owe, and the month they are paid off paying only
    the minimums (the planner's cheapest run: one debt's months at a time)."""
    owing = [
        d
        for d in debts.list_debts(session, include_inactive=False)
        if d.current_balance > 0 and shows(d.owner_id)
    ]
    free = None
    if owing:
        plan_debts = debts.as_planned(owing)  # the same debts plan_debts reads, shown ones
        start = debts.first_plan_month(today)
        free = payoff.simulate(plan_debts, "minimum", ZERO, start).debt_free_month
    return DebtSummary(
        count=len(owing),
        household=sum(1 for d in owing if d.owner_id is None),
        owed=sum((d.current_balance for d in owing), ZERO),
        debt_free_month=free,
    )


def _goals(session: Session, today: date, shows) -> GoalSummary:
    kept = [g for g in goals.list_goals(session, include_inactive=False) if shows(g.owner_id)]
    found = goals.statuses(session, kept, today)
    return GoalSummary(found, sum(1 for s in found if s.goal.owner_id is None))
