"""The main forms, posted by B with fields that would write into A's ledger or raise B
(``user_id``, ``ledger``, ``ledger_user_id``, ``role``, ``is_active``, ``is_admin``): the
fields are ignored, the row lands in B's own ledger, A's rows are unchanged and B is
still a plain, active user. A role no member can have is refused."""

from __future__ import annotations

from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import LedgerMember, Transaction, User
from tests.factories import make_user
from tests.isolation.tenants import a_markers_in, changed, seed, snapshot
from tests.isolation.test_web_matrix import signed_in
from tests.shared_ledgers import MONTH, TODAY, rows_of


def _forms(ids: dict[str, object]) -> list[tuple[str, str, dict[str, str]]]:
    """(URL, the table a row is added to or None for an edit, a valid form) in B's ledger."""
    today = TODAY.isoformat()
    goal, debt = ids["goal_id"], ids["debt_id"]
    return [
        ("/transactions/new", "transactions", {"date": today, "description": "B", "amount": "-2"}),
        (
            f"/transactions/{ids['transaction_id']}/edit",
            None,
            {"date": today, "description": "Edited by B", "amount": "-3.00"},
        ),
        ("/settings/categories", "categories", {"name": "B new", "type": "expense"}),
        ("/settings/owners", "owners", {"name": "B new owner"}),
        (
            "/settings/rules/new",
            "rules",
            {
                "name": "B rule",
                "match_type": "contains",
                "pattern": "zz",
                "priority": "100",
                "set_category": str(ids["category_id"]),
            },
        ),
        (
            "/budgets/new",
            "budgets",
            {"month": MONTH, "category": str(ids["other_category_id"]), "amount": "5.00"},
        ),
        (
            "/bills/new",
            "commitments",
            {"name": "B bill", "amount": "9.00", "frequency": "monthly", "due_day": "3"},
        ),
        (
            "/debts/new",
            "debts",
            {"name": "B loan", "debt_type": "other", "current_balance": "90", "interest_rate": "0"},
        ),
        ("/goals/new", "savings_goals", {"name": "B goal", "target_amount": "80.00"}),
        (
            f"/goals/{goal}/contributions",
            "goal_contributions",
            {"date": today, "direction": "in", "amount": "1.00"},
        ),
        (f"/debts/{debt}/payments/new", "debt_payments", {"date": today, "amount": "1.00"}),
        ("/settings", None, {"currency": "EUR", "month_start_day": "1", "locale": "en"}),
    ]


def test_fields_naming_a_ledger_or_a_role_are_ignored_in_the_main_forms(app, session):
    tenants = seed(session)
    a = tenants.a.id
    client, csrf = signed_in(app, "bea")
    extra = {
        "user_id": str(a),
        "ledger": str(a),
        "ledger_user_id": str(a),
        "role": "owner",
        "is_active": "y",
        "is_admin": "y",
        "csrf_token": csrf,
    }
    before = snapshot(session, tenants)
    wrong = []
    counts = rows_of(session, tenants.b.id)
    for url, table, form in _forms(tenants.b_ids):
        answer = client.post(url, data=form | extra)
        text = answer.get_data(as_text=True)
        counts, was = rows_of(session, tenants.b.id), counts
        grown = {name for name, n in counts.items() if n != was[name]}
        if answer.status_code != 302:
            wrong.append(f"POST {url}: {answer.status_code}, not saved")
        elif table is not None and grown != {table}:
            wrong.append(f"POST {url}: B's {sorted(grown)} changed, not {table}")
        if a_markers_in(text):
            wrong.append(f"POST {url}: shows A's {a_markers_in(text)}")
    assert not wrong, "\n".join(wrong)
    assert changed(before, snapshot(session, tenants)) == []
    with tenancy.acting_as(session, tenants.b.id):
        edited = session.get(Transaction, tenants.b_ids["transaction_id"])
        assert edited.description == "Edited by B"
    session.rollback()
    session.expire_all()
    b = session.get(User, tenants.b.id)
    assert (b.role, b.is_active) == ("user", True)

    # Sharing B's ledger with a role no member can have is refused, naming it.
    eve = make_user(session, "eve")
    for role in ("owner", "admin"):
        answer = client.post(
            "/settings/sharing",
            data={"username": "eve", "role": role, "ledger_user_id": str(tenants.a.id)}
            | {"csrf_token": csrf},
        )
        assert answer.status_code == 400, role
        assert "Choose editor or viewer." in answer.get_data(as_text=True)
    grants = session.scalars(select(LedgerMember).where(LedgerMember.member_id == eve.id)).all()
    assert grants == []
    assert changed(before, snapshot(session, tenants)) == []
