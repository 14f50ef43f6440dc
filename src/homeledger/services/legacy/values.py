"""Reading the old app's loosely typed values: text, integers, REAL money, rates, dates."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from homeledger.services.importing import parse_date
from homeledger.services.text import collapse

CENT = Decimal("0.01")


def legacy_text(value) -> str:
    """A loosely typed old value as clean text: None is "", control characters (NUL
    included: PostgreSQL refuses it) are dropped, whitespace is collapsed."""
    if value is None:
        return ""
    return collapse("".join(ch if ch.isprintable() else " " for ch in str(value)))


def integer(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def rate(value) -> Decimal | None:
    """An annual percentage like 19.99 or "19.99%"; None when unreadable."""
    try:
        number = Decimal(repr(float(str(value).strip().rstrip("%"))))
    except (TypeError, ValueError, InvalidOperation):
        return None
    return number.quantize(Decimal("0.001")) if number.is_finite() and 0 <= number < 1000 else None


def real_money(value) -> Decimal | None:
    """A REAL column as exact cents: 199.99999999999997 -> 200.00 (float noise, not data)."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP)
    except (TypeError, ValueError, InvalidOperation):
        return None
    return amount if amount.is_finite() and abs(amount) < Decimal("10000000000") else None


def legacy_date(text) -> date | None:
    for fmt in ("iso", "dmy"):
        try:
            return parse_date(str(text), fmt)
        except (ValueError, TypeError):
            continue
    return None


def flag(value) -> bool:
    """The old app's is_active: 1/0, sometimes NULL (meaning yes)."""
    return True if value is None else bool(integer(value) if integer(value) is not None else value)
