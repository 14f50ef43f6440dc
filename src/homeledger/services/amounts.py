"""What counts as an amount the ledger stores: exact, whole cents, and plausible."""

from __future__ import annotations

from decimal import Decimal

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("10000000000")  # ten billion: more is a typo, not a transaction


def amount_problem(value: object) -> str | None:
    """Why ``value`` is not an amount the ledger accepts, or None when it is.

    The reason reads after the field's name: "amount is implausibly large".
    """
    if not isinstance(value, Decimal) or not value.is_finite():
        return "must be an exact amount like -12.34"
    # Compared by exponent first: abs() of "1e1000000" overflows the decimal context.
    if value and (value.adjusted() >= MAX_AMOUNT.adjusted() or abs(value) >= MAX_AMOUNT):
        return "is implausibly large"
    if value != value.quantize(CENT):
        return "must have at most two decimal places"
    return None


def is_plausible_amount(value: object) -> bool:
    return amount_problem(value) is None
