"""How pages write money and dates for a person: the ledger's currency and locale.

The API always speaks ISO dates and plain decimals; these are for pages only.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

_SYMBOLS = {"USD": "$", "AUD": "$", "CAD": "$", "NZD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Languages by how they write a day as digits; English spells the month (unambiguous).
_DOTTED = {"de", "da", "fi", "nb", "nn", "no", "ru", "pl", "cs", "sk", "uk", "tr", "ro", "is"}
_SLASHED = {"fr", "es", "it", "pt", "nl", "el", "ca", "ga", "vi", "id", "ms"}
_YEAR_FIRST = {"ja", "zh"}
_MONTH_FIRST_REGIONS = {"US", "PH", "FM", "MH", "PW"}


def format_money(amount: Decimal, currency: str = "USD") -> str:
    """``-1234.5`` in AUD -> ``-$1,234.50``; unknown currencies show their code."""
    symbol = _SYMBOLS.get(currency, currency + " ")
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(amount):,.2f}"


def format_date(day: date | datetime, locale: str = "en") -> str:
    """A day as people of the ledger's locale write it.

    ``en-US`` -> ``Mar 15, 2026``; other English -> ``15 Mar 2026``; ``de`` -> ``15.03.2026``;
    ``fr`` -> ``15/03/2026``; ``ja`` -> ``2026/03/15``; anything else -> ISO ``2026-03-15``.
    """
    if isinstance(day, datetime):
        day = day.date()
    language, _, region = (locale or "en").replace("_", "-").partition("-")
    language, region = language.lower(), region.upper()[:2]
    if language == "en":
        month = _MONTHS[day.month - 1]
        if region in _MONTH_FIRST_REGIONS:
            return f"{month} {day.day}, {day.year}"
        return f"{day.day} {month} {day.year}"
    if language in _DOTTED:
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    if language in _SLASHED:
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    if language in _YEAR_FIRST:
        return f"{day.year}/{day.month:02d}/{day.day:02d}"
    return day.isoformat()
