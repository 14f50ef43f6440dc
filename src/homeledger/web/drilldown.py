"""Links from a figure to its rows: the transaction list under the same filter.

Every dashboard and analytics figure is computed from a ``TransactionFilter`` (the one the
list uses) over budgeting months; ``rows_url`` turns that filter, the months and the
figure's ``flow`` into the list's query string, so the list's totals show the figure
clicked, to the cent:

    rows_url(replace(criteria, category_ids=(group.category_id,)), march, flow="spending")

The filter's search, payee (exact), category (or uncategorised), owner (or "none": rows
without one) and account carry over.
"""

from __future__ import annotations

from flask import url_for

from homeledger.services.filters import LATEST, TransactionFilter
from homeledger.services.periods import Period


def rows_url(
    criteria: TransactionFilter,
    first: Period,
    last: Period | None = None,
    *,
    flow: str | None = None,
) -> str:
    """The transaction list of ``criteria``'s rows from ``first`` to ``last`` (a budgeting
    month, or a range of them) that make up ``flow`` (income, spending or net)."""
    last = last or first
    if first == last:
        span = {"month": f"{first.year:04d}-{first.month:02d}"}
    else:
        last_day = min(last.last_day, LATEST)  # a December 2199 that ends in 2200
        span = {"date_from": first.start.isoformat(), "date_to": last_day.isoformat()}
    if criteria.payee is not None and not criteria.payee.strip():
        raise ValueError("a blank payee is no filter: the list would show every row")
    if len(criteria.category_ids) > 1:
        raise ValueError("the transaction list filters by one category at a time")
    category = (
        str(criteria.category_ids[0])
        if criteria.category_ids
        else "none"
        if criteria.uncategorised
        else None
    )
    owner = "none" if criteria.no_owner else criteria.owner_id
    if criteria.no_owner and criteria.owner_id is not None:
        raise ValueError("the transaction list filters by one owner at a time")
    args = {
        **span,
        "search": criteria.search,
        "payee": criteria.payee,
        "category": category,
        "owner": owner,
        "account": criteria.account,
        "amount_min": criteria.amount_min,
        "amount_max": criteria.amount_max,
        "flow": flow or criteria.flow,
    }
    return url_for("transactions.index", **{k: v for k, v in args.items() if v is not None})
