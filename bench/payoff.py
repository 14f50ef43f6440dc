"""How long the payoff planner takes: the three strategies side by side, as the planner page
computes them, for a household's few debts and for the longest plan there is (600 months,
never paid off). Prints figures; exits 0.

    python bench/payoff.py
"""

from __future__ import annotations

import time
from decimal import Decimal

from homeledger.services.payoff import STRATEGIES, PlanDebt, simulate

HOUSEHOLD = [
    PlanDebt(1, "Car loan", Decimal("16681.87"), Decimal("7.49"), Decimal("560.93")),
    PlanDebt(2, "Credit card", Decimal("3314.51"), Decimal("19.99"), Decimal("85.00")),
    PlanDebt(3, "Zip Pay", Decimal("1200.00"), Decimal("0"), Decimal("150.00")),
]
# Ten cards whose minimums do not cover their interest: every plan runs 600 months.
NEVER = [
    PlanDebt(n, f"Card {n}", Decimal("5000.00") + n, Decimal("29.99"), Decimal("50.00"))
    for n in range(1, 11)
]


def _time(debts: list[PlanDebt], extra: Decimal, rounds: int) -> tuple[float, int]:
    started = time.perf_counter()
    for _ in range(rounds):
        plans = [simulate(debts, s, extra, (2026, 12)) for s in STRATEGIES]
    took = (time.perf_counter() - started) / rounds
    return took, max(len(p.schedule) for p in plans)


def main() -> None:
    for label, debts, extra, rounds in (
        ("3 debts, extra 200.00", HOUSEHOLD, Decimal("200"), 50),
        ("10 debts never paid off, no extra", NEVER, Decimal("0"), 3),
    ):
        took, months = _time(debts, extra, rounds)
        print(f"{label:40} three strategies: {took * 1000:8.1f} ms  ({months} months)")


if __name__ == "__main__":
    main()
