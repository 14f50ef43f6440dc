"""The demo household's life day by day: pay, bills and everyday spending as transaction rows."""

from __future__ import annotations

import random
from datetime import date, timedelta

from homeledger.demo.arithmetic import loan_payment, month_start, next_weekday
from homeledger.demo.bank_feed import BankFeed
from homeledger.demo.payees import (
    ALEX_PHONE,
    ALEX_PHONE_CENTS,
    BIG_SHOPS,
    BRUNCH,
    CAFES,
    CAR_INSURANCE,
    CAR_LOAN_CENTS,
    CAR_LOAN_MONTHS,
    CAR_LOAN_RATE,
    CARD,
    COFFEE_CENTS,
    DINNER,
    ELECTRICITY,
    ENERGY_USE,
    EVERYDAY,
    FUEL,
    FUN,
    GROCERS,
    GYM,
    GYM_CENTS,
    INTERNET,
    INTERNET_CENTS,
    LUNCH,
    NETFLIX,
    NETFLIX_CENTS,
    PARKING,
    PHARMACY,
    RENT,
    SAM_PHONE,
    SAM_PHONE_CENTS,
    SAVINGS,
    SHOPS,
    TOP_UPS,
    ZIP_REPAYMENT_CENTS,
)


class Household(BankFeed):
    """Alex, Sam and their joint account, walked through the calendar one day at a time.

    The same seed gives the same household only while the draws keep their order:
    the steps of ``live`` run in a fixed order, and so do the draws inside each step.
    """

    def __init__(
        self,
        rng: random.Random,
        categories: dict[str, int],
        owners: dict[str, int],
        batch_id: int,
        start: date,
        today: date,
    ) -> None:
        super().__init__(rng, categories, owners, batch_id)
        self.start, self.today = start, today
        # Amounts in cents at the start; each rises over the years.
        self.alex_salary, self.sam_rate = 420000, 145000
        self.rent, self.health_cover = 210000, 26000
        self.saved = 0  # cents moved to savings, so interest and goals follow real transfers
        self.electricity: list[int] = []  # quarterly bills, for the commitment's amount
        self.car_insurance = 105000
        self.sam_payday = next_weekday(start, 3)  # Thursdays
        self.gym_day = next_weekday(start + timedelta(days=3), 0)  # Mondays
        self.next_fuel = start + timedelta(days=rng.randint(1, 6))
        self.car_insurance_month = (start.month + 3) % 12 + 1
        self.loan_start = month_start(today, -26)
        self.loan_payment = loan_payment(CAR_LOAN_CENTS, CAR_LOAN_RATE, CAR_LOAN_MONTHS)
        self.bnpl_start = month_start(today, -3)

    def generate(self) -> None:
        """Every day from ``start`` to ``today``, then the rows in date order."""
        day = self.start
        while day <= self.today:
            self.live(day)
            day += timedelta(days=1)
        self.rows.sort(key=lambda row: row["date"])  # ids then follow the calendar

    def live(self, day: date) -> None:
        """One day: money in, then bills and repayments, then everyday spending.

        The sort in ``generate`` is stable, so this is also the order of a day's rows (and ids).
        """
        self.salaries(day)
        self.savings_interest(day)
        self.tax_refunds_and_gifts(day)
        self.shop_refunds(day)

        self.rent_and_savings(day)
        self.utilities(day)
        self.insurance(day)
        self.subscriptions(day)
        self.loans(day)
        self.car_upkeep(day)
        self.dentist(day)

        self.groceries(day)
        self.coffee_and_lunch(day)
        self.meals_out(day)
        self.transport(day)
        self.health(day)
        self.entertainment(day)
        self.shopping(day)

    def years_before_today(self, day: date) -> int:
        return (self.today - day).days // 365

    # Money in.

    def salaries(self, day: date) -> None:
        """Alex's monthly salary and Sam's fortnightly pay for shift work."""
        if day.day == 1:
            # Raises arrive with the Australian financial year; paid on the 1st so the
            # current month always shows income on a dashboard.
            if day.month == 7 and day != self.start:
                self.alex_salary = round(self.alex_salary * self.rng.uniform(1.025, 1.035))
                self.sam_rate = round(self.sam_rate * 1.02)
            self.add(day, "Salary ACME PTY LTD", self.alex_salary, "Salary", "Alex")
        if day == self.sam_payday:
            self.sam_payday += timedelta(days=14)
            pay = self.sam_rate + self.rng.randint(-60, 90) * 100  # shift work: hours vary a little
            self.add(day, "SALARY NORTHSIDE HEALTH", pay, "Salary", "Sam")

    def savings_interest(self, day: date) -> None:
        """Interest on the last day of the month, on what has been transferred so far."""
        if (day + timedelta(days=1)).day == 1 and self.saved:
            interest = self.saved * 45 // 12000  # ~4.5% p.a. on what has been put aside
            self.saved += interest
            self.add(
                day, "INTEREST ING SAVINGS MAXIMISER", interest, "Other Income", "Joint", SAVINGS
            )

    def tax_refunds_and_gifts(self, day: date) -> None:
        """Refunds after each tax return; Christmas money from family."""
        rng = self.rng
        if day.month == 8 and day.day == 14:
            self.add(day, "ATO TAX REFUND", self.cents(600, 2400), "Other Income", "Alex")
        if day.month == 9 and day.day == 3 and rng.random() < 0.6:
            self.add(day, "ATO TAX REFUND", self.cents(150, 900), "Other Income", "Sam")
        if day.month == 12 and day.day == 24:
            self.add(day, "GIFT FROM MUM", rng.choice((10000, 15000, 20000)), "Other Income", "Sam")
            self.add(day, "PAYMENT FROM J NGUYEN XMAS", 10000, "Other Income", "Alex")

    def shop_refunds(self, day: date) -> None:
        """Now and then something bought goes back to the shop."""
        rng = self.rng
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

    # Bills and repayments.

    def rent_and_savings(self, day: date) -> None:
        """Rent on the 1st, then a transfer to savings on the 2nd."""
        if day.day == 1:
            # Rent goes up at each lease renewal, rounded the way agents quote it.
            if day.month == self.start.month and day != self.start:
                self.rent = round(self.rent * self.rng.uniform(1.03, 1.05) / 500) * 500
            self.add(day, RENT, -self.rent, "Housing", "Joint")
        if day.day == 2:
            amount = self.rng.choice((30000, 40000, 50000, 60000))
            self.saved += amount
            self.add(day, "TRANSFER TO SAVINGS", -amount, "Transfers", "Joint")

    def utilities(self, day: date) -> None:
        """Quarterly electricity and water, monthly internet."""
        dom, month = day.day, day.month
        if dom == 15 and month in (1, 4, 7, 10):
            # A quarterly bill covers usage up to the billing month, so January's is the biggest.
            use = sum(ENERGY_USE[(month - k - 1) % 12] for k in (0, 1, 2)) / 3
            years_ago = self.years_before_today(day)
            bill = round(self.cents(360, 420) * use * (1.05**-years_ago))
            self.electricity.append(bill)
            self.add(day, ELECTRICITY, -bill, "Utilities", "Joint")
        if dom == 20 and month in (2, 5, 8, 11):
            self.add(day, "SYDNEY WATER", -self.cents(160, 230), "Utilities", "Joint")
        if dom == 12:
            self.add(day, INTERNET, -INTERNET_CENTS, "Utilities", "Joint")

    def insurance(self, day: date) -> None:
        """Health cover (up each April), contents monthly, the car once a year."""
        dom = day.day
        if dom == 3:
            if day.month == 4:
                self.health_cover = round(self.health_cover * 1.03)
            self.add(day, "BUPA HEALTH INSURANCE", -self.health_cover, "Insurance", "Joint")
        if dom == 26:
            self.add(day, "ALLIANZ CONTENTS INS", -2450, "Insurance", "Joint")
        if dom == 8 and day.month == self.car_insurance_month:
            self.car_insurance = self.cents(980, 1150)
            self.add(day, CAR_INSURANCE, -self.car_insurance, "Insurance", "Alex")

    def subscriptions(self, day: date) -> None:
        """Streaming, phones and the gym: fixed amounts on fixed days."""
        dom = day.day
        if dom == 18:
            price = NETFLIX_CENTS[min(self.years_before_today(day), len(NETFLIX_CENTS) - 1)]
            self.add(day, NETFLIX, -price, "Subscriptions", "Joint", CARD)
        if dom == 7:
            self.add(day, "Spotify P1A2B3C4D5", -1299, "Subscriptions", "Sam", CARD)
        if dom == 9:
            self.add(day, "APPLE.COM/BILL", -449, "Subscriptions", "Sam", CARD)
        if dom == 5:
            self.add(day, ALEX_PHONE, -ALEX_PHONE_CENTS, "Subscriptions", "Alex")
        if dom == 22:
            self.add(day, SAM_PHONE, -SAM_PHONE_CENTS, "Subscriptions", "Sam")
        if day == self.gym_day:
            self.gym_day += timedelta(days=14)
            self.add(day, GYM, -GYM_CENTS, "Subscriptions", "Sam")

    def loans(self, day: date) -> None:
        """The car loan's repayments and, lately, the Zip Pay instalments."""
        if day.day == 15 and day >= self.loan_start:
            self.add(day, "TOYOTA FINANCE DD", -self.loan_payment, "Transport", "Alex")
        if day.day == 4 and day > self.bnpl_start:
            self.add(day, "ZIP PAY REPAYMENT", -ZIP_REPAYMENT_CENTS, "Shopping", "Sam")

    def car_upkeep(self, day: date) -> None:
        """Monthly tolls and a service every six months."""
        if day.day == 24:
            self.add(day, "LINKT SYDNEY", -self.cents(35, 90), "Transport", "Alex", CARD)
        if day.day == 14 and day.month in (5, 11):
            self.spend(day, "TOYOTA SERVICE CENTRE", self.cents(280, 520), "Transport", "Alex")

    def dentist(self, day: date) -> None:
        """A check-up each for Alex and Sam, twice a year."""
        if day.day == 11 and day.month in (3, 9):
            for owner in ("Alex", "Sam"):
                self.spend(day, "SMILE DENTAL NEWTOWN", self.cents(180, 320), "Health", owner)

    # Everyday spending.

    def groceries(self, day: date) -> None:
        """A big weekend shop, a midweek one and frequent top-ups."""
        rng, weekday = self.rng, day.weekday()
        festive = 1.25 if day.month == 12 else 1.0
        if weekday == 5 and rng.random() < 0.85:
            cents = round(self.cents(120, 210) * festive)
            self.spend(day, rng.choice(GROCERS), cents, "Groceries", "Joint", EVERYDAY)
        if weekday == 2 and rng.random() < 0.6:
            self.spend(day, rng.choice(GROCERS), self.cents(30, 75), "Groceries", "Joint", EVERYDAY)
        if rng.random() < 0.6:
            self.spend(day, rng.choice(TOP_UPS), self.cents(5, 28), "Groceries", self.person())
        if day.month == 12 and day.day == 22:
            self.spend(day, GROCERS[0], self.cents(300, 480), "Groceries", "Joint", EVERYDAY)

    def coffee_and_lunch(self, day: date) -> None:
        """Coffees for each of them (fewer at weekends) and lunches bought on workdays."""
        rng, weekend = self.rng, day.weekday() >= 5
        for owner, chance in (("Alex", 0.8), ("Sam", 0.7)):
            if rng.random() < (0.45 if weekend else chance):
                cafe, cents = rng.choice(CAFES), rng.choice(COFFEE_CENTS)
                self.spend(day, cafe, cents, "Dining Out", owner, EVERYDAY)
                if rng.random() < 0.06:  # a second coffee at the same counter: a true repeat
                    self.spend(day, cafe, cents, "Dining Out", owner, EVERYDAY)
            if not weekend and rng.random() < 0.38:
                self.spend(day, rng.choice(LUNCH), self.cents(10, 19), "Dining Out", owner)

    def meals_out(self, day: date) -> None:
        """Weekend brunch, and dinners out or delivered: Fridays and Saturdays, more in summer."""
        rng, weekday = self.rng, day.weekday()
        summer = 1.3 if day.month in (12, 1, 2) else 1.0
        if weekday >= 5 and rng.random() < 0.45:
            self.spend(day, rng.choice(BRUNCH), self.cents(30, 70), "Dining Out", "Joint")
        if rng.random() < (0.5 if weekday in (4, 5) else 0.16) * summer:
            self.spend(day, rng.choice(DINNER), self.cents(22, 85), "Dining Out", "Joint")

    def transport(self, day: date) -> None:
        """Alex drives, Sam commutes by train; the odd Uber and parking fee."""
        rng, weekend = self.rng, day.weekday() >= 5
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

    def health(self, day: date) -> None:
        """The odd pharmacy run or GP gap fee."""
        rng = self.rng
        if rng.random() < 0.06:
            self.spend(day, rng.choice(PHARMACY), self.cents(8, 60), "Health", self.person())
        if rng.random() < 0.025:
            self.spend(day, "NEWTOWN MEDICAL CENTRE", self.cents(45, 95), "Health", self.person())

    def entertainment(self, day: date) -> None:
        """Cinema, games and books, mostly at weekends; now and then a concert."""
        rng = self.rng
        if rng.random() < (0.4 if day.weekday() >= 5 else 0.18):
            cents = self.cents(90, 240) if rng.random() < 0.06 else self.cents(10, 50)
            self.spend(day, rng.choice(FUN), cents, "Entertainment", self.person())

    def shopping(self, day: date) -> None:
        """Small buys and the odd big one for the home, peaking with Black Friday and Christmas."""
        rng = self.rng
        season = {11: 1.6, 12: 2.0, 1: 1.2}.get(day.month, 1.0)
        if rng.random() < 0.33 * season and rng.random() < 0.03:
            self.spend(day, rng.choice(BIG_SHOPS), self.cents(300, 1200), "Shopping", "Joint")
        elif rng.random() < 0.33 * season:
            self.spend(day, rng.choice(SHOPS), self.cents(8, 110), "Shopping", self.person())
