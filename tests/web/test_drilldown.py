"""A figure's link to its rows: the transaction list's query for the same filter."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from homeledger.services.filters import TransactionFilter
from homeledger.services.periods import budget_month
from homeledger.web.drilldown import rows_url

MARCH = budget_month(2026, 3, 15)  # 15 March to 14 April
MAY = budget_month(2026, 5, 15)


def _query(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    assert parts.path == "/transactions"
    return {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_one_month_is_the_lists_month_and_a_range_its_exact_dates(app):
    with app.test_request_context():
        assert _query(rows_url(TransactionFilter(), MARCH, flow="spending")) == {
            "month": "2026-03",
            "flow": "spending",
        }
        assert _query(rows_url(TransactionFilter(), MARCH, MAY)) == {
            "date_from": date(2026, 3, 15).isoformat(),
            "date_to": date(2026, 6, 14).isoformat(),
        }


def test_category_owner_and_account_carry_over(app):
    criteria = TransactionFilter(category_ids=(7,), owner_id=3, account="Card & Co")
    with app.test_request_context():
        assert _query(rows_url(criteria, MARCH, flow="net")) == {
            "month": "2026-03",
            "category": "7",
            "owner": "3",
            "account": "Card & Co",
            "flow": "net",
        }
        uncategorised = _query(rows_url(TransactionFilter(uncategorised=True), MARCH))
        assert uncategorised["category"] == "none"


def test_more_than_one_category_cannot_be_one_list(app):
    with app.test_request_context(), pytest.raises(ValueError, match="one category"):
        rows_url(TransactionFilter(category_ids=(1, 2)), MARCH)


def test_no_owner_a_payee_and_a_search_carry_over(app):
    criteria = TransactionFilter(no_owner=True, payee="Corner  shop", search="milk")
    with app.test_request_context():
        assert _query(rows_url(criteria, MARCH, flow="spending")) == {
            "month": "2026-03",
            "owner": "none",
            "payee": "Corner  shop",
            "search": "milk",
            "flow": "spending",
        }
        with pytest.raises(ValueError, match="one owner"):
            rows_url(TransactionFilter(no_owner=True, owner_id=3), MARCH)


def test_an_amount_range_carries_over(app):
    """The budget dashboard lists money out of an income category: its rows and no others."""
    criteria = TransactionFilter(category_ids=(7,), amount_max=Decimal("-0.01"))
    with app.test_request_context():
        query = _query(rows_url(criteria, MARCH))
    assert query == {"month": "2026-03", "category": "7", "amount_max": "-0.01"}
