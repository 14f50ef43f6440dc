"""How the debt pages write a rate, a due day, a plan's month and a debt's state."""

from __future__ import annotations

from decimal import Decimal

from homeledger.services.debts import DEBT_TYPE_LABELS
from homeledger.web.formats import format_money
from homeledger.web.forms import current_ledger

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def percent(rate: Decimal | None) -> str:
    """``19.990`` -> ``19.99%``; ``24.000`` -> ``24%``."""
    return f"{(rate or Decimal(0)).normalize():f}%"


def ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def month_words(month: str | None) -> str:
    """A plan's ``2026-06`` as the ledger's language writes a month: ``Jun 2026`` in
    English, else as it is (unambiguous everywhere)."""
    if not month:
        return "—"
    ledger = current_ledger()
    if ledger is not None and not (ledger.locale or "en").lower().startswith("en"):
        return month
    year, number = month.split("-")
    return f"{_MONTHS[int(number) - 1]} {year}"


def warning(item, names: dict, currency: str) -> str:
    """A plan's warning in the ledger's money: what is wrong with which debt."""
    name = names[item.debt_id].name if item.debt_id in names else f"Debt {item.debt_id}"
    if item.kind != "interest_not_covered":
        return f"{name}: never paid off at these payments; after 50 years it is still owed."
    interest = format_money(item.interest, currency)
    if not item.minimum:
        return f"{name} has no minimum payment, so " + (
            f"nothing covers its interest ({interest} a month)."
            if item.interest
            else "only extra money pays it off."
        )
    return (
        f"{name}: the minimum payment ({format_money(item.minimum, currency)}) does not cover "
        f"the monthly interest ({interest}); at minimum payments the balance never falls."
    )


def state(debt) -> str:
    if not debt.is_active:
        return "Paused"
    return "Paid off" if debt.current_balance == 0 else "Active"


def type_label(debt) -> str:
    return DEBT_TYPE_LABELS.get(debt.debt_type, debt.debt_type)


def template_words() -> dict:
    return {
        "percent": percent,
        "ordinal": ordinal,
        "month_words": month_words,
        "plan_warning": warning,
        "debt_state": state,
        "debt_type": type_label,
    }
