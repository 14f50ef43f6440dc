"""A deterministic demo household: years of transactions, budgets, bills, debts and goals."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from homeledger.models.categories import Category, Owner
from homeledger.models.planning import Budget, Commitment, Debt, DebtPayment, SavingsGoal
from homeledger.models.transactions import ImportBatch, Transaction
from homeledger.models.users import UserSettings
from homeledger.services.categories import add_owners

CATEGORY_TYPES = {
    "Salary": "income",
    "Other Income": "income",
    "Housing": "expense",
    "Utilities": "expense",
    "Groceries": "expense",
    "Dining Out": "expense",
    "Transport": "expense",
    "Health": "expense",
    "Insurance": "expense",
    "Entertainment": "expense",
    "Shopping": "expense",
    "Subscriptions": "expense",
    "Transfers": "transfer",
}
EVERYDAY, CARD, SAVINGS = "Everyday", "Credit Card", "Savings"
CHUNK = 2000
BLANK_RATE = 0.022  # applied to discretionary rows only, which gives ~2% uncategorised overall

GROCERS = (
    "WOOLWORTHS 1234 SYDNEY",
    "WOOLWORTHS 3311 NEWTOWN",
    "COLES 0456 NEWTOWN",
    "ALDI STORES 12 MARRICKVILLE",
)
TOP_UPS = (
    "IGA XPRESS ENMORE",
    "HARRIS FARM MARKETS LEICHHARDT",
    "7-ELEVEN 2231 NEWTOWN",
    "WOOLWORTHS METRO 5521 SYDNEY",
    "BAKERS DELIGHT NEWTOWN",
)
CAFES = (
    "SQ *BREW LAB NEWTOWN",
    "CAMPOS COFFEE NEWTOWN",
    "SQ *BLUE DOOR CAFE",
    "GLORIA JEANS 0112 SYDNEY",
)
COFFEE_CENTS = (450, 480, 500, 520, 550, 600)
LUNCH = (
    "SUBWAY 32118 SYDNEY",
    "SUSHI HUB TOWN HALL",
    "SQ *SALAD BOX",
    "ZAMBRERO CBD",
    "MADE IN ITALY SYDNEY",
)
BRUNCH = ("SQ *THE GROUNDS ALEXANDRIA", "CAFE 63 NEWTOWN", "SQ *DEVON CAFE SURRY HILLS")
DINNER = (
    "UBER *EATS",
    "MENULOG PTY LTD",
    "THAI POTHONG NEWTOWN",
    "GUZMAN Y GOMEZ 118",
    "DOMINOS PIZZA 9052",
    "MAMAK CHINATOWN",
    "THE COURTHOUSE HOTEL NEWTOWN",
)
FUEL = ("SHELL 0421 ST PETERS", "BP CONNECT 7781 TEMPE", "7-ELEVEN 4120 FUEL", "AMPOL FOODARY 2203")
PARKING = ("WILSON PARKING SYDNEY", "SECURE PARKING 0033")
PHARMACY = ("CHEMIST WAREHOUSE 331", "PRICELINE PHARMACY NEWTOWN")
FUN = (
    "EVENT CINEMAS GEORGE ST",
    "HOYTS BROADWAY",
    "TICKETEK AUSTRALIA",
    "STEAM PURCHASE",
    "ENMORE THEATRE",
    "TIMEZONE BROADWAY",
    "BOOKTOPIA PTY LTD",
)
SHOPS = (
    "KMART 1043 MARRICKVILLE",
    "BIG W 0221 MARRICKVILLE",
    "TARGET 5512 BROADWAY",
    "AMAZON AU MARKETPLACE",
    "UNIQLO SYDNEY",
    "BUNNINGS 7721 ALEXANDRIA",
    "OFFICEWORKS 0614",
    "MYER SYDNEY",
)
BIG_SHOPS = ("JB HI-FI BROADWAY", "IKEA TEMPE", "HARVEY NORMAN ALEXANDRIA")
# Years before today -> Netflix's price, so the current price is the same whatever `years` is.
NETFLIX_CENTS = (2599, 2299, 2299, 1899, 1699)
# Relative household energy use by month: air-conditioning makes Dec-Feb the peak.
ENERGY_USE = (1.5, 1.4, 1.1, 0.85, 0.8, 0.95, 1.05, 1.0, 0.85, 0.8, 0.95, 1.35)


@dataclass(frozen=True)
class DemoSummary:
    """What was generated. ``spending`` is money out excluding Transfers, as a positive amount."""

    transactions: int
    income: Decimal
    spending: Decimal
    first_date: date
    last_date: date


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _month_start(day: date, months: int = 0) -> date:
    """The 1st of the month ``months`` away from ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


class _Household:
    """Walks the calendar day by day; every random draw happens in a fixed order."""

    def __init__(
        self,
        rng: random.Random,
        categories: dict[str, int],
        owners: dict[str, int],
        batch_id: int,
        start: date,
        today: date,
    ) -> None:
        self.rng, self.categories, self.owners = rng, categories, owners
        self.batch_id, self.start, self.today = batch_id, start, today
        self.rows: list[dict[str, Any]] = []
        self.first_seen: dict[str, date] = {}  # description -> first date, for commitments
        # Amounts in cents at the start; each rises over the years.
        self.alex_salary, self.sam_rate = 420000, 145000
        self.rent, self.health_cover = 210000, 26000
        self.saved = 0  # cents moved to savings, so interest and goals follow real transfers
        self.electricity: list[int] = []  # quarterly bills, for the commitment's amount
        self.car_insurance = 105000
        self.sam_payday = _next_weekday(start, 3)  # Thursdays
        self.gym_day = _next_weekday(start + timedelta(days=3), 0)  # Mondays
        self.next_fuel = start + timedelta(days=rng.randint(1, 6))
        self.car_insurance_month = (start.month + 3) % 12 + 1
        self.loan_start = _month_start(today, -26)
        self.loan_payment = _loan_payment(2800000, Decimal("7.49"), 60)
        self.bnpl_start = _month_start(today, -3)

    def cents(self, low: float, high: float) -> int:
        return self.rng.randint(round(low * 100), round(high * 100))

    def person(self) -> str:
        return self.rng.choice(("Alex", "Sam"))

    def add(
        self,
        day: date,
        description: str,
        cents: int,
        category: str,
        owner: str,
        account: str = EVERYDAY,
        *,
        discretionary: bool = False,
    ) -> None:
        self.first_seen.setdefault(description, day)
        category_id: int | None = self.categories[category]
        # Real bank feeds always leave a few rows the user has not sorted yet.
        if discretionary and self.rng.random() < BLANK_RATE:
            category_id = None
        self.rows.append(
            {
                "date": day,
                "description": description,
                "amount": _money(cents),
                "category_id": category_id,
                "owner_id": self.owners[owner],
                "account": account,
                "import_batch_id": self.batch_id,
            }
        )

    def spend(
        self,
        day: date,
        description: str,
        cents: int,
        category: str,
        owner: str,
        account: str = CARD,
    ) -> None:
        self.add(day, description, -cents, category, owner, account, discretionary=True)

    def generate(self) -> None:
        day = self.start
        while day <= self.today:
            self.income(day)
            self.bills(day)
            self.everyday(day)
            day += timedelta(days=1)
        self.rows.sort(key=lambda row: row["date"])  # ids then follow the calendar

    def income(self, day: date) -> None:
        rng = self.rng
        if day.day == 1:
            # Raises arrive with the Australian financial year; paid on the 1st so the
            # current month always shows income on a dashboard.
            if day.month == 7 and day != self.start:
                self.alex_salary = round(self.alex_salary * rng.uniform(1.025, 1.035))
                self.sam_rate = round(self.sam_rate * 1.02)
            self.add(day, "Salary ACME PTY LTD", self.alex_salary, "Salary", "Alex")
        if day == self.sam_payday:
            self.sam_payday += timedelta(days=14)
            pay = self.sam_rate + rng.randint(-60, 90) * 100  # shift work: hours vary a little
            self.add(day, "SALARY NORTHSIDE HEALTH", pay, "Salary", "Sam")
        if (day + timedelta(days=1)).day == 1 and self.saved:
            interest = self.saved * 45 // 12000  # ~4.5% p.a. on what has been put aside
            self.saved += interest
            self.add(
                day, "INTEREST ING SAVINGS MAXIMISER", interest, "Other Income", "Joint", SAVINGS
            )
        if day.month == 8 and day.day == 14:
            self.add(day, "ATO TAX REFUND", self.cents(600, 2400), "Other Income", "Alex")
        if day.month == 9 and day.day == 3 and rng.random() < 0.6:
            self.add(day, "ATO TAX REFUND", self.cents(150, 900), "Other Income", "Sam")
        if day.month == 12 and day.day == 24:
            self.add(day, "GIFT FROM MUM", rng.choice((10000, 15000, 20000)), "Other Income", "Sam")
            self.add(day, "PAYMENT FROM J NGUYEN XMAS", 10000, "Other Income", "Alex")
        if rng.random() < 0.012:
            self.add(
                day,
                f"REFUND {rng.choice(SHOPS)}",
                self.cents(15, 120),
                "Other Income",
                self.person(),
                CARD,
                discretionary=True,
            )

    def bills(self, day: date) -> None:
        rng, dom, month = self.rng, day.day, day.month
        years_ago = (self.today - day).days // 365
        if dom == 1:
            # Rent goes up at each lease renewal, rounded the way agents quote it.
            if month == self.start.month and day != self.start:
                self.rent = round(self.rent * rng.uniform(1.03, 1.05) / 500) * 500
            self.add(day, "RAY WHITE NEWTOWN RENT", -self.rent, "Housing", "Joint")
        if dom == 2:
            amount = rng.choice((30000, 40000, 50000, 60000))
            self.saved += amount
            self.add(day, "TRANSFER TO SAVINGS", -amount, "Transfers", "Joint")
        if dom == 15 and month in (1, 4, 7, 10):
            # A quarterly bill covers usage up to the billing month, so January's is the biggest.
            use = sum(ENERGY_USE[(month - k - 1) % 12] for k in (0, 1, 2)) / 3
            bill = round(self.cents(360, 420) * use * (1.05**-years_ago))
            self.electricity.append(bill)
            self.add(day, "ORIGIN ENERGY 4410", -bill, "Utilities", "Joint")
        if dom == 20 and month in (2, 5, 8, 11):
            self.add(day, "SYDNEY WATER", -self.cents(160, 230), "Utilities", "Joint")
        if dom == 12:
            self.add(day, "AUSSIE BROADBAND", -8900, "Utilities", "Joint")
        if dom == 3:
            if month == 4:
                self.health_cover = round(self.health_cover * 1.03)
            self.add(day, "BUPA HEALTH INSURANCE", -self.health_cover, "Insurance", "Joint")
        if dom == 26:
            self.add(day, "ALLIANZ CONTENTS INS", -2450, "Insurance", "Joint")
        if dom == 8 and month == self.car_insurance_month:
            self.car_insurance = self.cents(980, 1150)
            self.add(day, "NRMA CAR INSURANCE", -self.car_insurance, "Insurance", "Alex")
        if dom == 18:
            price = NETFLIX_CENTS[min(years_ago, len(NETFLIX_CENTS) - 1)]
            self.add(day, "Netflix.com", -price, "Subscriptions", "Joint", CARD)
        if dom == 7:
            self.add(day, "Spotify P1A2B3C4D5", -1299, "Subscriptions", "Sam", CARD)
        if dom == 9:
            self.add(day, "APPLE.COM/BILL", -449, "Subscriptions", "Sam", CARD)
        if dom == 5:
            self.add(day, "TELSTRA MOBILE", -6500, "Subscriptions", "Alex")
        if dom == 22:
            self.add(day, "OPTUS MOBILE", -4500, "Subscriptions", "Sam")
        if day == self.gym_day:
            self.gym_day += timedelta(days=14)
            self.add(day, "ANYTIME FITNESS", -3490, "Subscriptions", "Sam")
        if dom == 15 and day >= self.loan_start:
            self.add(day, "TOYOTA FINANCE DD", -self.loan_payment, "Transport", "Alex")
        if dom == 24:
            self.add(day, "LINKT SYDNEY", -self.cents(35, 90), "Transport", "Alex", CARD)
        if dom == 4 and day > self.bnpl_start:
            self.add(day, "ZIP PAY REPAYMENT", -15000, "Shopping", "Sam")
        if dom == 14 and month in (5, 11):
            self.spend(day, "TOYOTA SERVICE CENTRE", self.cents(280, 520), "Transport", "Alex")
        if dom == 11 and month in (3, 9):
            for owner in ("Alex", "Sam"):
                self.spend(day, "SMILE DENTAL NEWTOWN", self.cents(180, 320), "Health", owner)

    def everyday(self, day: date) -> None:
        rng, weekday, month = self.rng, day.weekday(), day.month
        weekend = weekday >= 5
        festive = 1.25 if month == 12 else 1.0
        summer = 1.3 if month in (12, 1, 2) else 1.0

        # Groceries: a big weekend shop, a midweek one and frequent top-ups.
        if weekday == 5 and rng.random() < 0.85:
            cents = round(self.cents(120, 210) * festive)
            self.spend(day, rng.choice(GROCERS), cents, "Groceries", "Joint", EVERYDAY)
        if weekday == 2 and rng.random() < 0.6:
            self.spend(day, rng.choice(GROCERS), self.cents(30, 75), "Groceries", "Joint", EVERYDAY)
        if rng.random() < 0.6:
            self.spend(day, rng.choice(TOP_UPS), self.cents(5, 28), "Groceries", self.person())
        if month == 12 and day.day == 22:
            self.spend(day, GROCERS[0], self.cents(300, 480), "Groceries", "Joint", EVERYDAY)

        # Dining out: weekday coffees and lunches, weekend brunch, more dinners in summer.
        for owner, chance in (("Alex", 0.8), ("Sam", 0.7)):
            if rng.random() < (0.45 if weekend else chance):
                cafe, cents = rng.choice(CAFES), rng.choice(COFFEE_CENTS)
                self.spend(day, cafe, cents, "Dining Out", owner, EVERYDAY)
                if rng.random() < 0.06:  # a second coffee at the same counter: a true repeat
                    self.spend(day, cafe, cents, "Dining Out", owner, EVERYDAY)
            if not weekend and rng.random() < 0.38:
                self.spend(day, rng.choice(LUNCH), self.cents(10, 19), "Dining Out", owner)
        if weekend and rng.random() < 0.45:
            self.spend(day, rng.choice(BRUNCH), self.cents(30, 70), "Dining Out", "Joint")
        if rng.random() < (0.5 if weekday in (4, 5) else 0.16) * summer:
            self.spend(day, rng.choice(DINNER), self.cents(22, 85), "Dining Out", "Joint")

        # Transport: Alex drives, Sam commutes by train.
        if day >= self.next_fuel:
            self.next_fuel = day + timedelta(days=rng.randint(5, 10))
            self.spend(day, rng.choice(FUEL), self.cents(55, 95), "Transport", "Alex")
        if not weekend and rng.random() < 0.85:
            self.spend(
                day, "TRANSPORT FOR NSW OPAL", self.cents(3.79, 9.20), "Transport", "Sam", EVERYDAY
            )
        if rng.random() < 0.05:
            self.spend(
                day, "UBER *TRIP HELP.UBER.COM", self.cents(14, 45), "Transport", self.person()
            )
        if rng.random() < 0.04:
            self.spend(day, rng.choice(PARKING), self.cents(8, 35), "Transport", "Alex")

        # Health: the odd pharmacy run or GP gap fee.
        if rng.random() < 0.06:
            self.spend(day, rng.choice(PHARMACY), self.cents(8, 60), "Health", self.person())
        if rng.random() < 0.025:
            self.spend(day, "NEWTOWN MEDICAL CENTRE", self.cents(45, 95), "Health", self.person())

        if rng.random() < (0.4 if weekend else 0.18):
            cents = self.cents(90, 240) if rng.random() < 0.06 else self.cents(10, 50)
            self.spend(day, rng.choice(FUN), cents, "Entertainment", self.person())

        # Shopping peaks with Black Friday and Christmas.
        season = {11: 1.6, 12: 2.0, 1: 1.2}.get(month, 1.0)
        if rng.random() < 0.33 * season and rng.random() < 0.03:
            self.spend(day, rng.choice(BIG_SHOPS), self.cents(300, 1200), "Shopping", "Joint")
        elif rng.random() < 0.33 * season:
            self.spend(day, rng.choice(SHOPS), self.cents(8, 110), "Shopping", self.person())


def _loan_payment(principal: int, rate_percent: Decimal, months: int) -> int:
    """Monthly repayment in cents of an amortising loan."""
    rate = rate_percent / 1200
    payment = Decimal(principal) * rate / (1 - (1 + rate) ** -months)
    return int(payment.to_integral_value())


def _loan_balance(principal: int, rate_percent: Decimal, payment: int, paid: int) -> int:
    balance = Decimal(principal)
    for _ in range(paid):
        balance += balance * rate_percent / 1200 - payment
    return int(balance.to_integral_value())


def _round_up(cents: int, step: int) -> int:
    return -(-cents // step) * step


def build_demo_household(
    session: Session, *, seed: int = 2024, years: int = 5, today: date | None = None
) -> DemoSummary:
    """Fill the acting ledger with a demo household. Flushes but never commits."""
    if years < 1:
        raise ValueError("years must be at least 1")
    today = today or date.today()
    start = _month_start(today, -12 * years)
    rng = random.Random(seed)

    categories = {c.name: c.id for c in session.scalars(select(Category))}
    missing = [name for name in CATEGORY_TYPES if name not in categories]
    if missing:
        added = [Category(name=name, type=CATEGORY_TYPES[name]) for name in missing]
        session.add_all(added)
        session.flush()
        categories.update({c.name: c.id for c in added})
    add_owners(session, ("Alex", "Sam", "Joint"))
    owners = {o.name: o.id for o in session.scalars(select(Owner))}

    batch = ImportBatch(
        source="demo",
        filename=None,
        row_count=0,
        summary={"seed": seed, "years": years, "today": today.isoformat()},
    )
    session.add(batch)
    session.flush()

    household = _Household(rng, categories, owners, batch.id, start, today)
    household.generate()
    rows = household.rows
    batch.row_count = len(rows)
    for offset in range(0, len(rows), CHUNK):
        session.execute(insert(Transaction), rows[offset : offset + CHUNK])

    _add_budgets(session, rows, categories, today)
    _add_plans(session, household, categories, owners, today)

    settings = session.scalars(select(UserSettings)).one_or_none() or UserSettings()
    settings.currency, settings.month_start_day = "AUD", 1
    session.add(settings)
    session.flush()

    transfers, zero = categories["Transfers"], Decimal("0.00")
    income = sum((r["amount"] for r in rows if r["amount"] > 0), zero)
    spending = -sum(
        (r["amount"] for r in rows if r["amount"] < 0 and r["category_id"] != transfers), zero
    )
    return DemoSummary(len(rows), income, spending, rows[0]["date"], rows[-1]["date"])


def _add_budgets(
    session: Session, rows: list[dict[str, Any]], categories: dict[str, int], today: date
) -> None:
    """Budgets for the current and three previous months, from the last year's average."""
    this_month = _month_start(today)
    year_ago = _month_start(today, -12)
    spent: dict[int, int] = defaultdict(int)
    for row in rows:
        if year_ago <= row["date"] < this_month and row["amount"] < 0:
            spent[row["category_id"]] -= int(row["amount"] * 100)
    for months_back in range(3, -1, -1):
        month = _month_start(today, -months_back)
        for name in (n for n, kind in CATEGORY_TYPES.items() if kind == "expense"):
            typical = spent[categories[name]] // 12
            # Round figures, a little generous, the way people actually set budgets.
            amount = _round_up(typical, 5000 if typical >= 50000 else 1000)
            session.add(
                Budget(
                    year=month.year,
                    month=month.month,
                    category_id=categories[name],
                    owner_id=None,
                    amount=_money(amount),
                )
            )


def _add_plans(
    session: Session,
    home: _Household,
    categories: dict[str, int],
    owners: dict[str, int],
    today: date,
) -> None:
    """Commitments, debts with recent payments and savings goals matching the transactions."""
    rng = home.rng
    recent_power = home.electricity[-4:] or [40000]
    commitments = [
        ("Rent", home.rent, "monthly", 1, "Housing", "Joint", "RAY WHITE NEWTOWN RENT"),
        (
            "Electricity",
            _round_up(sum(recent_power) // len(recent_power), 1000),
            "quarterly",
            15,
            "Utilities",
            "Joint",
            "ORIGIN ENERGY 4410",
        ),
        ("Internet", 8900, "monthly", 12, "Utilities", "Joint", "AUSSIE BROADBAND"),
        ("Netflix", NETFLIX_CENTS[0], "monthly", 18, "Subscriptions", "Joint", "Netflix.com"),
        ("Phone (Alex)", 6500, "monthly", 5, "Subscriptions", "Alex", "TELSTRA MOBILE"),
        ("Phone (Sam)", 4500, "monthly", 22, "Subscriptions", "Sam", "OPTUS MOBILE"),
        ("Gym", 3490, "fortnightly", None, "Subscriptions", "Sam", "ANYTIME FITNESS"),
        (
            "Car insurance",
            home.car_insurance,
            "yearly",
            8,
            "Insurance",
            "Alex",
            "NRMA CAR INSURANCE",
        ),
    ]
    for name, cents, frequency, due_day, category, owner, payee in commitments:
        session.add(
            Commitment(
                name=name,
                amount=_money(cents),
                frequency=frequency,
                due_day=due_day,
                category_id=categories[category],
                owner_id=owners[owner],
                start_date=home.first_seen.get(payee),
                notes=f"Paid to {payee}",
            )
        )

    def paid_dates(first: date, due_day: int, count: int) -> list[date]:
        dates = [_month_start(today, -k).replace(day=due_day) for k in range(count + 1)]
        return sorted(d for d in dates if first <= d <= today)[-count:]

    loan_paid = paid_dates(home.loan_start, 15, 27)
    bnpl_paid = paid_dates(home.bnpl_start + timedelta(days=1), 4, 4)
    card_payments = [(d, rng.randint(350, 900) * 100) for d in paid_dates(home.start, 28, 4)]
    debts = [
        (
            Debt(
                name="Credit card",
                lender="CommBank",
                debt_type="credit_card",
                current_balance=_money(rng.randint(330000, 350000)),
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
                original_amount=Decimal("28000.00"),
                current_balance=_money(
                    _loan_balance(2800000, Decimal("7.49"), home.loan_payment, len(loan_paid))
                ),
                interest_rate=Decimal("7.490"),
                minimum_payment=_money(home.loan_payment),
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
                original_amount=Decimal("1800.00"),
                current_balance=_money(180000 - 15000 * len(bnpl_paid)),
                interest_rate=Decimal("0"),
                minimum_payment=Decimal("150.00"),
                due_day=4,
                owner_id=owners["Sam"],
                start_date=home.bnpl_start,
            ),
            [(d, 15000) for d in bnpl_paid],
        ),
    ]
    session.add_all(debt for debt, _ in debts)
    session.flush()
    for debt, payments in debts:
        session.add_all(
            DebtPayment(debt_id=debt.id, date=d, amount=_money(cents)) for d, cents in payments
        )

    saved = home.saved
    goals = [
        ("Emergency fund", 1500000, min(saved // 2, 1350000), None, "Joint"),
        ("Holiday in Japan", 800000, min(saved // 6, 750000), _month_start(today, 10), "Joint"),
        ("New car", 2500000, min(saved // 5, 2000000), None, "Alex"),
    ]
    for name, target, current, target_date, owner in goals:
        session.add(
            SavingsGoal(
                name=name,
                target_amount=_money(target),
                current_amount=_money(current),
                target_date=target_date,
                owner_id=owners[owner],
            )
        )
    session.flush()
