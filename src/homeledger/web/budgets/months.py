"""The month (or year) a budget page is about: shared with the overview in web/months.py."""

from __future__ import annotations

from homeledger.web.months import Month, MonthChoice, checked, month_choice, this_month

__all__ = ["Month", "MonthChoice", "checked", "month_choice", "this_month"]
