"""Debt payoff planner (pure; no database). Every figure below was worked out by hand from the
rules: each month interest = round_half_up(balance x rate / 1200, 2) on the balance at the start
of the month, then each debt's minimum (or its whole balance if smaller), then the extra + the
whole minimums of debts paid off earlier + this month's unused money to the targets in order.

A schedule row reads "month | debt_id: interest payment balance-after | ...", debts in the order
given; _table turns it into Decimals.
"""

from decimal import Decimal

from homeledger.services.payoff import HORIZON_MONTHS, STRATEGIES, PlanDebt, simulate


def _debt(debt_id, name, balance, rate, minimum):
    return PlanDebt(debt_id, name, Decimal(balance), Decimal(rate), Decimal(minimum))


def _money(value):
    assert isinstance(value, Decimal), value
    return value


def _row(p):
    return (p.debt_id, _money(p.interest), _money(p.payment), _money(p.balance))


def _rows(plan):
    return [(m.month, [_row(p) for p in m.payments]) for m in plan.schedule]


def _table(*months):
    rows = []
    for text in months:
        month, *cells = text.split(" | ")
        cells = [cell.replace(":", "").split() for cell in cells]
        rows.append((month, [(int(i), Decimal(a), Decimal(b), Decimal(c)) for i, a, b, c in cells]))
    return rows


def _totals(plan, months, free, total, *debts):
    """months_to_debt_free, debt_free_month, total_interest, then (debt_id, payoff, interest)."""
    outcomes = [(d.debt_id, d.payoff_month, _money(d.interest)) for d in plan.debts]
    figures = (plan.months_to_debt_free, plan.debt_free_month, _money(plan.total_interest))
    assert figures == (months, free, Decimal(total))
    assert outcomes == [(i, on, Decimal(paid)) for i, on, paid in debts]


def _warnings(plan):
    return sorted((w.debt_id, w.message) for w in plan.warnings)


# Case 1. Card 1000.00 @ 24% min 50, Store 400.00 @ 12% min 25, extra 200.
# Month 1: Card 1000 x 24/1200 = 20.00, Store 400 x 12/1200 = 4.00.
#   avalanche (Card first): Card 1020.00 - 50 - 200 = 770.00; Store 404.00 - 25 = 379.00.
#   snowball (Store first): Card 1020.00 - 50 = 970.00; Store 404.00 - 25 - 200 = 179.00.
# Month 2 snowball: Store 179 x 1% = 1.79 -> 180.79 - 25 = 155.79, the extra clears it and its
#   unused 44.21 goes to Card: 970 + 19.40 - 50 - 44.21 = 895.19 (payment 94.21).
TWO_DEBTS = [_debt(1, "Card", "1000.00", "24", "50.00"), _debt(2, "Store", "400.00", "12", "25.00")]


def test_avalanche_pays_the_highest_rate_first():
    plan = simulate(TWO_DEBTS, "avalanche", Decimal("200.00"), (2026, 1))

    assert _rows(plan) == _table(
        "2026-01 | 1: 20.00 250.00 770.00 | 2: 4.00 25.00 379.00",
        "2026-02 | 1: 15.40 250.00 535.40 | 2: 3.79 25.00 357.79",
        "2026-03 | 1: 10.71 250.00 296.11 | 2: 3.58 25.00 336.37",
        "2026-04 | 1: 5.92 250.00 52.03 | 2: 3.36 25.00 314.73",
        # Card 52.03 + 1.04 = 53.07: min 50, then 3.07 of the extra; 196.93 left go to Store.
        "2026-05 | 1: 1.04 53.07 0.00 | 2: 3.15 221.93 95.95",
        # Store 95.95 + 0.96 = 96.91 < min 25 + extra 200 + rollover 50.
        "2026-06 | 2: 0.96 96.91 0.00",
    )
    _totals(plan, 6, "2026-06", "71.91", (1, "2026-05", "53.07"), (2, "2026-06", "18.84"))
    assert (plan.strategy, plan.extra, plan.start) == ("avalanche", Decimal("200.00"), "2026-01")
    assert plan.warnings == []


def test_snowball_pays_the_smallest_balance_first_and_costs_more_here():
    plan = simulate(TWO_DEBTS, "snowball", Decimal("200.00"), (2026, 1))

    assert _rows(plan) == _table(
        "2026-01 | 1: 20.00 50.00 970.00 | 2: 4.00 225.00 179.00",
        "2026-02 | 1: 19.40 94.21 895.19 | 2: 1.79 180.79 0.00",
        # From now on Card gets 50 + 200 + Store's whole minimum 25 = 275.
        "2026-03 | 1: 17.90 275.00 638.09",
        "2026-04 | 1: 12.76 275.00 375.85",
        "2026-05 | 1: 7.52 275.00 108.37",
        "2026-06 | 1: 2.17 110.54 0.00",
    )
    _totals(plan, 6, "2026-06", "85.54", (1, "2026-06", "79.75"), (2, "2026-02", "5.79"))


def test_minimum_ignores_the_extra_asked_for():
    plan = simulate(TWO_DEBTS, "minimum", Decimal("200.00"), (2026, 1))

    assert plan.extra == Decimal("0.00")
    assert _rows(plan)[:2] == _table(
        "2026-01 | 1: 20.00 50.00 970.00 | 2: 4.00 25.00 379.00",
        "2026-02 | 1: 19.40 50.00 939.40 | 2: 3.79 25.00 357.79",
    )
    _totals(plan, 26, "2028-02", "327.98", (1, "2028-02", "289.88"), (2, "2027-06", "38.10"))
    assert _rows(plan)[-1] == _table("2028-02 | 1: 0.78 39.88 0.00")[0]


# Case 2. Visa 600.00 @ 22.90% min 30, Car loan 900.00 @ 9.50% min 60, BNPL sofa 120.00 @ 0%
# min 40, extra 150, avalanche (Visa, Car loan, BNPL).
# Month 1: Visa 600 x 22.90/1200 = 11.45 -> 611.45 - 30 - 150 = 431.45;
#   Car 900 x 9.50/1200 = 7.125 -> 7.13 (half up) -> 907.13 - 60 = 847.13; BNPL 120 - 40 = 80.
# BNPL is cleared by its minimums in March, so from April its whole 40 rolls over.
# Month 4: Visa 84.64 + 1.62 = 86.26 - 30 = 56.26 takes 56.26 of 150 + 40; the 133.74 left go
#   to Car the same month: 740.12 + 5.86 - 60 - 133.74 = 552.24 (payment 193.74).
# Month 5: Car gets 60 + 150 + 40 + 30 = 280.
THREE_DEBTS = [
    _debt(1, "Visa", "600.00", "22.90", "30.00"),
    _debt(2, "Car loan", "900.00", "9.50", "60.00"),
    _debt(3, "BNPL sofa", "120.00", "0", "40.00"),
]


def test_rollover_and_same_month_leftover_with_a_zero_rate_bnpl():
    plan = simulate(THREE_DEBTS, "avalanche", Decimal("150.00"), (2026, 1))

    assert [(d.debt_id, d.name) for d in plan.debts] == [
        (1, "Visa"),
        (2, "Car loan"),
        (3, "BNPL sofa"),
    ]
    assert _rows(plan) == _table(
        "2026-01 | 1: 11.45 180.00 431.45 | 2: 7.13 60.00 847.13 | 3: 0.00 40.00 80.00",
        "2026-02 | 1: 8.23 180.00 259.68 | 2: 6.71 60.00 793.84 | 3: 0.00 40.00 40.00",
        "2026-03 | 1: 4.96 180.00 84.64 | 2: 6.28 60.00 740.12 | 3: 0.00 40.00 0.00",
        "2026-04 | 1: 1.62 86.26 0.00 | 2: 5.86 193.74 552.24",
        "2026-05 | 2: 4.37 280.00 276.61",
        "2026-06 | 2: 2.19 278.80 0.00",
    )
    payoffs = [(1, "2026-04", "26.26"), (2, "2026-06", "32.54"), (3, "2026-03", "0.00")]
    _totals(plan, 6, "2026-06", "58.80", *payoffs)


def test_snowball_clears_the_bnpl_in_month_one_and_passes_the_rest_on():
    # BNPL 120 - 40 = 80 takes 80 of the extra; the other 70 go to Visa: 611.45 - 30 - 70.
    # Month 2: Visa 511.45 x 22.90/1200 = 9.76 -> 521.21 - 30 - (150 + 40) = 301.21.
    plan = simulate(THREE_DEBTS, "snowball", Decimal("150.00"), (2026, 1))

    assert _rows(plan)[:2] == _table(
        "2026-01 | 1: 11.45 100.00 511.45 | 2: 7.13 60.00 847.13 | 3: 0.00 120.00 0.00",
        "2026-02 | 1: 9.76 220.00 301.21 | 2: 6.71 60.00 793.84",
    )
    # Car loan ends on 1.20: 1.20 x 9.50/1200 = 0.0095 -> 0.01.
    assert _rows(plan)[-2:] == _table(
        "2026-06 | 2: 2.21 280.00 1.20",
        "2026-07 | 2: 0.01 1.21 0.00",
    )
    payoffs = [(1, "2026-04", "28.62"), (2, "2026-07", "32.59"), (3, "2026-01", "0.00")]
    _totals(plan, 7, "2026-07", "61.21", *payoffs)


# Case 3. Old card 2000.00 @ 29.99% min 25, Phone 300.00 @ 0% min 50.
# Month 1: 2000 x 29.99/1200 = 49.983 -> 49.98 > 25, so "does not cover";
#   2049.98 - 25 = 2024.98. Month 2: 2024.98 x 29.99/1200 = 50.608 -> 50.61 -> 2050.59.
# Under "minimum" it grows for 600 months (2026-01 .. 2075-12); the last balance is
# 2000 + interest - 600 x 25, so the interest is 2704324038.82 - 2000 + 15000.
NOT_COVERED = [
    _debt(1, "Old card", "2000.00", "29.99", "25.00"),
    _debt(2, "Phone", "300.00", "0", "50.00"),
]


def test_a_minimum_below_the_interest_is_never_paid_off_under_minimum():
    plan = simulate(NOT_COVERED, "minimum", Decimal("250.00"), (2026, 1))

    rows = _rows(plan)
    assert len(rows) == HORIZON_MONTHS == 600
    assert rows[:2] == _table(
        "2026-01 | 1: 49.98 25.00 2024.98 | 2: 0.00 50.00 250.00",
        "2026-02 | 1: 50.61 25.00 2050.59 | 2: 0.00 50.00 200.00",
    )
    assert rows[-1] == _table("2075-12 | 1: 65937673.21 25.00 2704324038.82")[0]
    _totals(plan, None, None, "2704337038.82", (1, None, "2704337038.82"), (2, "2026-06", "0.00"))
    assert plan.extra == Decimal("0.00")
    warnings = _warnings(plan)
    assert [debt_id for debt_id, _ in warnings] == [1, 1]
    assert any("does not cover" in message for _, message in warnings)
    assert any("never paid off at these payments" in message for _, message in warnings)


def test_a_minimum_below_the_interest_is_paid_off_with_a_big_extra():
    # Month 1: 2049.98 - 25 - 250 = 1774.98; after Phone ends in June its 50 rolls over.
    plan = simulate(NOT_COVERED, "avalanche", Decimal("250.00"), (2026, 1))

    rows = _rows(plan)
    assert rows[:2] == _table(
        "2026-01 | 1: 49.98 275.00 1774.98 | 2: 0.00 50.00 250.00",
        "2026-02 | 1: 44.36 275.00 1544.34 | 2: 0.00 50.00 200.00",
    )
    assert rows[5:] == _table(
        "2026-06 | 1: 20.42 275.00 562.68 | 2: 0.00 50.00 0.00",
        "2026-07 | 1: 14.06 325.00 251.74",
        "2026-08 | 1: 6.29 258.03 0.00",
    )
    _totals(plan, 8, "2026-08", "233.03", (1, "2026-08", "233.03"), (2, "2026-06", "0.00"))
    [(debt_id, message)] = _warnings(plan)
    assert debt_id == 1 and "does not cover" in message


def test_a_minimum_equal_to_the_interest_does_not_cover_it():
    # 1200 x 12/1200 = 12.00 = the minimum: the balance stays 1200.00 for all 600 months.
    flat = [_debt(1, "Flat", "1200.00", "12.00", "12.00")]
    plan = simulate(flat, "minimum", Decimal("0"), (2026, 1))

    rows = _rows(plan)
    assert len(rows) == 600
    assert rows[-1] == _table("2075-12 | 1: 12.00 12.00 1200.00")[0]
    assert all(payments == rows[-1][1] for _, payments in rows)
    _totals(plan, None, None, "7200.00", (1, None, "7200.00"))
    assert [w.debt_id for w in plan.warnings] == [1, 1]

    # With 300 extra: 1212 - 312 = 900; 909 - 312 = 597; 602.97 - 312 = 290.97; 293.88.
    plan = simulate(flat, "avalanche", Decimal("300.00"), (2026, 1))
    balances = [p.balance for m in plan.schedule for p in m.payments]
    assert balances == [Decimal(b) for b in ("900.00", "597.00", "290.97", "0.00")]
    assert plan.total_interest == Decimal("29.88")
    [(debt_id, message)] = _warnings(plan)
    assert debt_id == 1 and "does not cover" in message


# Case 4. Card 500.00 @ 20% min 40, BNPL 100.00 @ 0% min 50, extra 0.
# Month 1: 500 x 20/1200 = 8.333 -> 8.33 -> 508.33 - 40 = 468.33; BNPL 100 - 50 = 50.
# Month 2: 468.33 x 20/1200 = 7.8055 -> 7.81 -> 476.14 - 40 = 436.14; BNPL 50 - 50 = 0.
# Month 3: 436.14 / 60 = 7.269 -> 7.27 -> 443.41; avalanche pays 40 + 50 rolled over = 90
#   (353.41), "minimum" only 40 (403.41).
ROLLOVER = [_debt(1, "Card", "500.00", "20.00", "40.00"), _debt(2, "BNPL", "100.00", "0", "50.00")]


def test_avalanche_with_no_extra_still_rolls_minimums_over():
    plan = simulate(ROLLOVER, "avalanche", Decimal("0"), (2026, 1))

    assert _rows(plan) == _table(
        "2026-01 | 1: 8.33 40.00 468.33 | 2: 0.00 50.00 50.00",
        "2026-02 | 1: 7.81 40.00 436.14 | 2: 0.00 50.00 0.00",
        "2026-03 | 1: 7.27 90.00 353.41",
        "2026-04 | 1: 5.89 90.00 269.30",
        "2026-05 | 1: 4.49 90.00 183.79",
        "2026-06 | 1: 3.06 90.00 96.85",
        "2026-07 | 1: 1.61 90.00 8.46",
        "2026-08 | 1: 0.14 8.60 0.00",
    )
    _totals(plan, 8, "2026-08", "38.60", (1, "2026-08", "38.60"), (2, "2026-02", "0.00"))

    minimum = simulate(ROLLOVER, "minimum", Decimal("0"), (2026, 1))
    assert _rows(minimum)[:3] == _table(
        "2026-01 | 1: 8.33 40.00 468.33 | 2: 0.00 50.00 50.00",
        "2026-02 | 1: 7.81 40.00 436.14 | 2: 0.00 50.00 0.00",
        "2026-03 | 1: 7.27 40.00 403.41",
    )
    _totals(minimum, 15, "2027-03", "65.38", (1, "2027-03", "65.38"), (2, "2026-02", "0.00"))


# Case 5. Ties, with the debt that must win listed second.
def test_avalanche_breaks_a_rate_tie_by_the_smaller_balance():
    # Both 18%: Big 800 x 1.5% = 12.00 -> 812 - 20 = 792.00; Small 300 x 1.5% = 4.50
    # -> 304.50 - 20 - 100 = 184.50. Month 3: Small 67.27 + 1.01 = 68.28 takes 20 + 48.28,
    # the 51.72 left go to Big: 783.88 + 11.76 - 20 - 51.72 = 723.92.
    debts = [_debt(1, "Big", "800.00", "18", "20.00"), _debt(2, "Small", "300.00", "18", "20.00")]
    plan = simulate(debts, "avalanche", Decimal("100.00"), (2026, 1))

    assert _rows(plan)[:3] == _table(
        "2026-01 | 1: 12.00 20.00 792.00 | 2: 4.50 120.00 184.50",
        "2026-02 | 1: 11.88 20.00 783.88 | 2: 2.77 120.00 67.27",
        "2026-03 | 1: 11.76 71.72 723.92 | 2: 1.01 68.28 0.00",
    )
    _totals(plan, 9, "2026-09", "79.43", (1, "2026-09", "71.15"), (2, "2026-03", "8.28"))


def test_snowball_breaks_a_balance_tie_by_the_higher_rate():
    # Both 500: Low 500 x 10/1200 = 4.167 -> 4.17 -> 484.17; High 500 x 20/1200 = 8.33
    # -> 508.33 - 20 - 100 = 388.33. Month 2: Low 484.17 / 120 = 4.0348 -> 4.03 -> 468.20;
    # High 388.33 / 60 = 6.472 -> 6.47 -> 274.80.
    debts = [_debt(1, "Low", "500.00", "10", "20.00"), _debt(2, "High", "500.00", "20", "20.00")]
    plan = simulate(debts, "snowball", Decimal("100.00"), (2026, 1))

    rows = _rows(plan)
    assert rows[:2] == _table(
        "2026-01 | 1: 4.17 20.00 484.17 | 2: 8.33 120.00 388.33",
        "2026-02 | 1: 4.03 20.00 468.20 | 2: 6.47 120.00 274.80",
    )
    # High 42.04 + 0.70 = 42.74 takes 20 + 22.74; Low gets 20 + 77.26.
    assert rows[4] == _table("2026-05 | 1: 3.63 97.26 342.24 | 2: 0.70 42.74 0.00")[0]
    _totals(plan, 8, "2026-08", "47.36", (1, "2026-08", "24.62"), (2, "2026-05", "22.74"))


def test_a_full_tie_goes_to_the_lower_debt_id_and_payments_keep_the_given_order():
    # Same balance and rate: id 4 is the target under both strategies, though listed after 9.
    # Month 1: both 400 x 15/1200 = 5.00; Nine 405 - 20 = 385; Four 405 - 120 = 285.
    debts = [_debt(9, "Nine", "400.00", "15", "20.00"), _debt(4, "Four", "400.00", "15", "20.00")]
    for strategy in ("avalanche", "snowball"):
        plan = simulate(debts, strategy, Decimal("100.00"), (2026, 1))

        assert _rows(plan)[:2] == _table(
            "2026-01 | 9: 5.00 20.00 385.00 | 4: 5.00 120.00 285.00",
            "2026-02 | 9: 4.81 20.00 369.81 | 4: 3.56 120.00 168.56",
        )
        _totals(plan, 6, "2026-06", "35.21", (9, "2026-06", "23.91"), (4, "2026-04", "11.30"))


# Case 6. Card 400.00 @ 18% min 30, BNPL 90.00 @ 0% min 50, extra 20.
SMALL_BNPL = [_debt(1, "Card", "400.00", "18.00", "30.00"), _debt(2, "BNPL", "90.00", "0", "50.00")]


def test_a_minimum_larger_than_the_balance_passes_its_rest_to_the_target():
    # Avalanche (Card first). Month 1: 400 x 1.5% = 6.00 -> 406 - 30 - 20 = 356; BNPL 40.
    # Month 2: BNPL's minimum pays its 40 and leaves 10 unused: Card 356 + 5.34 - 30 - 20 - 10.
    plan = simulate(SMALL_BNPL, "avalanche", Decimal("20.00"), (2026, 1))

    assert _rows(plan) == _table(
        "2026-01 | 1: 6.00 50.00 356.00 | 2: 0.00 50.00 40.00",
        "2026-02 | 1: 5.34 60.00 301.34 | 2: 0.00 40.00 0.00",
        "2026-03 | 1: 4.52 100.00 205.86",
        "2026-04 | 1: 3.09 100.00 108.95",
        "2026-05 | 1: 1.63 100.00 10.58",
        "2026-06 | 1: 0.16 10.74 0.00",
    )
    _totals(plan, 6, "2026-06", "20.74", (1, "2026-06", "20.74"), (2, "2026-02", "0.00"))

    # Under "minimum" the 10 the BNPL leaves in month 2 stays unused: the Card gets its 30 only.
    minimum = simulate(SMALL_BNPL, "minimum", Decimal("20.00"), (2026, 1))
    assert _rows(minimum)[1] == _table("2026-02 | 1: 5.64 30.00 351.64 | 2: 0.00 40.00 0.00")[0]


def test_a_target_cleared_by_its_minimum_passes_min_rest_and_extra_on():
    # Snowball (BNPL first). Month 1: BNPL 90 - 50 - 20 = 20; Card 406 - 30 = 376.
    # Month 2: BNPL's minimum pays 20 and leaves 30; with the extra 20 that is 50 to Card:
    # 376 + 5.64 - 30 - 50 = 301.64.
    plan = simulate(SMALL_BNPL, "snowball", Decimal("20.00"), (2026, 1))

    assert _rows(plan) == _table(
        "2026-01 | 1: 6.00 30.00 376.00 | 2: 0.00 70.00 20.00",
        "2026-02 | 1: 5.64 80.00 301.64 | 2: 0.00 20.00 0.00",
        "2026-03 | 1: 4.52 100.00 206.16",
        "2026-04 | 1: 3.09 100.00 109.25",
        "2026-05 | 1: 1.64 100.00 10.89",
        "2026-06 | 1: 0.16 11.05 0.00",
    )
    _totals(plan, 6, "2026-06", "21.05", (1, "2026-06", "21.05"), (2, "2026-02", "0.00"))


# Case 7. Card 250.00 @ 12% min 100 from November: 250 x 1% = 2.50 -> 152.50;
# 152.50 x 1% = 1.525 -> 1.53 (half up) -> 54.03; 54.03 x 1% = 0.54 -> pays 54.57.
def test_months_cross_the_year_boundary():
    debts = [_debt(1, "Card", "250.00", "12.00", "100.00")]
    plan = simulate(debts, "avalanche", Decimal("0"), (2026, 11))

    assert plan.start == "2026-11"
    assert _rows(plan) == _table(
        "2026-11 | 1: 2.50 100.00 152.50",
        "2026-12 | 1: 1.53 100.00 54.03",
        "2027-01 | 1: 0.54 54.57 0.00",
    )
    _totals(plan, 3, "2027-01", "4.57", (1, "2027-01", "4.57"))


# Case 8. 100.00 x 6.06 / 1200 = 0.505 exactly: half up gives 0.51 (half-even would give 0.50).
# Month 2: 40.51 x 6.06 / 1200 = 0.2046 -> 0.20, and 40.71 clears it.
def test_interest_of_exactly_half_a_cent_rounds_up():
    debts = [_debt(1, "Card", "100.00", "6.06", "60.00")]
    plan = simulate(debts, "snowball", Decimal("0"), (2026, 1))

    assert _rows(plan) == _table(
        "2026-01 | 1: 0.51 60.00 40.51",
        "2026-02 | 1: 0.20 40.71 0.00",
    )
    assert plan.total_interest == Decimal("0.71")


# Case 9.
def test_no_debts():
    assert STRATEGIES == ("avalanche", "snowball", "minimum")
    for strategy in STRATEGIES:
        plan = simulate([], strategy, Decimal("100.00"), (2026, 1))

        assert (plan.months_to_debt_free, plan.debt_free_month) == (0, None)
        assert (plan.schedule, plan.debts, plan.warnings) == ([], [], [])
        assert plan.total_interest == 0


def test_a_debt_without_a_balance_takes_no_part():
    # The same card as case 8, with a closed debt that would otherwise be "not covered".
    debts = [_debt(1, "Closed", "0.00", "20", "0.00"), _debt(2, "Card", "100.00", "6.06", "60.00")]
    plan = simulate(debts, "avalanche", Decimal("0"), (2026, 1))

    assert _rows(plan) == _table("2026-01 | 2: 0.51 60.00 40.51", "2026-02 | 2: 0.20 40.71 0.00")
    assert (plan.months_to_debt_free, plan.total_interest) == (2, Decimal("0.71"))
    assert plan.warnings == []
