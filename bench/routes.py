"""What the end-to-end benchmark requests: every web page and every API read of the URL
map (as tests/isolation walks it), with the heavy household's own ids in id routes,
and a few variants worth their own line (a deep transactions page, five years of
analytics, a search).

A route added later is measured with no change here; one whose URL variable has no
sample id is listed in the report as not measured, by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, text

from homeledger.services import keyset
from homeledger.services.periods import add_months

# Pages that are not the signed-in household's: public, a one-time secret, a file.
SKIPPED = {
    "static": "the app's own files",
    "favicon": "a redirect to a static file",
    "invites.accept": "an invite link: a one-time token, not a household's page",
    "api-docs.openapi_redoc": "a static page that loads the API's description",
}
_VARIABLE = re.compile(r"<(?:[\w()]+:)?(\w+)>")


@dataclass(frozen=True)
class Case:
    label: str  # what the table shows: the route, or a variant's name
    url: str
    api: bool
    method: str = "GET"

    @property
    def kind(self) -> str:
        return "api" if self.api else "web"


def month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def sample_ids(connection: Connection, heavy: int, member: int) -> dict[str, object]:
    """The heavy household's rows by the URL map's variable names (read as the owner of
    the schema, who sees every ledger: each query names the ledger)."""

    def one(query: str, **params) -> int:
        return connection.execute(text(query), {"h": heavy, **params}).scalar_one()

    debt = one(
        "SELECT debt_id FROM debt_payments WHERE user_id = :h GROUP BY debt_id"
        " ORDER BY count(*) DESC, debt_id LIMIT 1"
    )
    goal = one(
        "SELECT goal_id FROM goal_contributions WHERE user_id = :h GROUP BY goal_id"
        " ORDER BY count(*) DESC, goal_id LIMIT 1"
    )
    bill = one("SELECT min(id) FROM commitments WHERE user_id = :h")
    return {
        "transaction_id": one(
            "SELECT id FROM transactions WHERE user_id = :h ORDER BY date DESC, id DESC"
            " LIMIT 1 OFFSET 10"
        ),
        "category_id": one("SELECT id FROM categories WHERE user_id = :h AND name = 'Groceries'"),
        "owner_id": one("SELECT min(id) FROM owners WHERE user_id = :h"),
        "rule_id": one("SELECT min(id) FROM rules WHERE user_id = :h"),
        "batch_id": one("SELECT min(id) FROM import_batches WHERE user_id = :h"),
        "profile_id": one("SELECT min(id) FROM import_profiles WHERE user_id = :h"),
        "upload_id": one("SELECT min(id) FROM legacy_uploads WHERE user_id = :h"),
        "budget_id": one("SELECT max(id) FROM budgets WHERE user_id = :h"),
        "commitment_id": bill,
        "bill_id": bill,
        "debt_id": debt,
        "payment_id": one(
            "SELECT max(id) FROM debt_payments WHERE user_id = :h AND debt_id = :d", d=debt
        ),
        "goal_id": goal,
        "contribution_id": one(
            "SELECT max(id) FROM goal_contributions WHERE user_id = :h AND goal_id = :g", g=goal
        ),
        "user_id": member,
        "member_id": member,
        "ledger_id": heavy,
        "entry_id": one("SELECT max(id) FROM audit_logs"),
    }


def deep_cursor(connection: Connection, heavy: int, rows_from_end: int = 50) -> str:
    """A next-page cursor ``rows_from_end`` rows before the end of the newest-first list:
    what following "next" about 2,000 times would reach."""
    day, row_id = connection.execute(
        text(
            "SELECT date, id FROM transactions WHERE user_id = :h ORDER BY date ASC, id ASC"
            " LIMIT 1 OFFSET :n"
        ),
        {"h": heavy, "n": rows_from_end},
    ).one()
    if isinstance(day, str):  # SQLite
        day = date.fromisoformat(day)
    return keyset.encode("date_desc", "date", day, row_id)


def _queries(this_month: tuple[int, int]) -> dict[str, str]:
    """What a read needs in its query string to answer 200."""
    month = month_text(*this_month)
    return {
        "api_budgets.month": f"month={month}",
        "api_budgets.year": f"year={this_month[0]}",
        "api_budget_advice.recommendations": f"month={month}",
        "api_me_data.export": "format=json",
    }


def read_cases(app, ids: dict[str, object], this_month: tuple[int, int], cursor: str):
    """(cases, not measured: route -> why): every GET of the URL map, web pages first,
    then the variants."""
    queries = _queries(this_month)
    cases, missing = [], {}
    for rule in sorted(
        app.url_map.iter_rules(), key=lambda r: (r.rule.startswith("/api/"), r.rule)
    ):
        if "GET" not in rule.methods:
            continue
        if rule.endpoint in SKIPPED:
            missing[rule.rule] = SKIPPED[rule.endpoint]
            continue
        names = _VARIABLE.findall(rule.rule)
        if absent := [name for name in names if name not in ids]:
            missing[rule.rule] = f"no sample id for {', '.join(absent)}"
            continue
        url = _VARIABLE.sub(lambda m: str(ids[m.group(1)]), rule.rule)
        if rule.endpoint in queries:
            url = f"{url}?{queries[rule.endpoint]}"
        cases.append(Case(rule.rule, url, rule.rule.startswith("/api/")))
    return cases + variants(ids, this_month, cursor), missing


def five_years_of(this_month: tuple[int, int]) -> str:
    """The query string of the 60 months ending with this one."""
    return f"from={month_text(*add_months(*this_month, -59))}&to={month_text(*this_month)}"


def variants(ids: dict[str, object], this_month: tuple[int, int], cursor: str) -> list[Case]:
    """Lines of their own: the deep page next to the first, five years of analytics."""
    last = month_text(*add_months(*this_month, -1))
    five_years = five_years_of(this_month)
    return [
        Case("/transactions (deep: 50 rows from the end)", f"/transactions?cursor={cursor}", False),
        Case("/transactions?search=coles", "/transactions?search=coles", False),
        Case(
            f"/transactions?month=(last)&category={ids['category_id']}",
            f"/transactions?month={last}&category={ids['category_id']}",
            False,
        ),
        Case("/?month=(last month)", f"/?month={last}", False),
        Case("/analytics (5 years)", f"/analytics?{five_years}", False),
        Case("/analytics/income (5 years)", f"/analytics/income?{five_years}", False),
        Case("/analytics/payees (5 years)", f"/analytics/payees?{five_years}", False),
        Case(
            "/api/v1/transactions (deep: 50 rows from the end)",
            f"/api/v1/transactions?cursor={cursor}",
            True,
        ),
        Case("/api/v1/transactions?limit=200", "/api/v1/transactions?limit=200", True),
        Case(
            "/api/v1/analytics/spending-by-category (5 years)",
            f"/api/v1/analytics/spending-by-category?{five_years}",
            True,
        ),
        Case(
            "/api/v1/analytics/income-statement (5 years)",
            f"/api/v1/analytics/income-statement?{five_years}",
            True,
        ),
    ]


def heaviest(this_month: tuple[int, int]) -> dict[str, str]:
    """The pages whose SQL is written out by hand (raw_sql.py) and replayed as captured."""
    return {
        "overview": "/",
        "transactions": "/transactions",
        "analytics": "/analytics",
        "analytics (5 years)": f"/analytics?{five_years_of(this_month)}",
    }


# What wrk loads.
THROUGHPUT = {"overview": "/", "API transactions": "/api/v1/transactions"}
