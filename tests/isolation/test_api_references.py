"""A's ids inside B's request bodies: a row of B's pointed at A's category, owner or
transaction, a bulk edit, a merge or a budget naming one of A's. Each is refused naming
the field (422) or the row (404), and nothing is written in either ledger."""

from __future__ import annotations

from tests.isolation.tenants import a_markers_in, changed, seed, snapshot
from tests.isolation.test_api_matrix import token_of
from tests.shared_ledgers import MONTH, TODAY, rows_of


def _requests(a: dict, b: dict) -> list[tuple[str, str, dict, str]]:
    """(method, URL, body, the field named in the refusal, or "404")."""
    today = TODAY.isoformat()
    cat, owner = a["category_id"], a["owner_id"]
    return [
        ("POST", "/api/v1/transactions", {"date": today, "amount": "-1", "category_id": cat},
         "category_id"),
        ("POST", "/api/v1/transactions", {"date": today, "amount": "-1", "owner_id": owner},
         "owner_id"),
        ("PATCH", f"/api/v1/transactions/{b['transaction_id']}", {"category_id": cat},
         "category_id"),
        ("POST", "/api/v1/transactions/bulk", {"ids": [b["transaction_id"]], "category_id": cat},
         "category_id"),
        ("POST", "/api/v1/transactions/bulk", {"ids": [b["transaction_id"]], "owner_id": owner},
         "owner_id"),
        ("POST", "/api/v1/rules", {"name": "r", "pattern": "x", "set_category_id": cat},
         "set_category_id"),
        ("POST", "/api/v1/rules", {"name": "r", "pattern": "x", "set_owner_id": owner},
         "set_owner_id"),
        ("PUT", "/api/v1/budgets", {"month": MONTH, "category_id": cat, "amount": "1"},
         "category_id"),
        ("PUT", "/api/v1/budgets",
         {"month": MONTH, "category_id": b["category_id"], "amount": "1", "owner_id": owner},
         "owner_id"),
        ("POST", "/api/v1/commitments",
         {"name": "c", "amount": "1", "frequency": "monthly", "category_id": cat},
         "category_id"),
        ("POST", f"/api/v1/debts/{b['debt_id']}/payments",
         {"date": today, "amount": "1", "transaction_id": a["transaction_id"]},
         "transaction_id"),
        ("POST", f"/api/v1/categories/{b['category_id']}/merge", {"target_id": cat}, "404"),
        ("POST", f"/api/v1/owners/{b['owner_id']}/merge", {"target_id": owner}, "404"),
        ("POST", "/api/v1/budgets/recommendations/apply",
         {"month": MONTH, "category_ids": [cat]}, "category_ids"),
        ("PATCH", f"/api/v1/ledger/members/{b['user_id']}", {"owner_id": owner}, "owner_id"),
        ("POST", "/api/v1/goals", {"name": "g", "target_amount": "1", "owner_id": owner},
         "owner_id"),
        ("POST", "/api/v1/debts", {"name": "d", "current_balance": "1", "owner_id": owner},
         "owner_id"),
    ]  # fmt: skip


def test_a_rows_ids_in_b_bodies_are_refused_and_write_nothing(client, session):
    tenants = seed(session)
    headers = token_of(client, "bea")
    before, b_before = snapshot(session, tenants), rows_of(session, tenants.b.id)
    wrong = []
    for method, url, body, refusal in _requests(tenants.ids, tenants.b_ids):
        answer = client.open(url, method=method, json=body, headers=headers)
        text = answer.get_data(as_text=True)
        fields = (answer.get_json(silent=True) or {}).get("error", {}).get("fields", {})
        said = f"{method} {url} {body}: {answer.status_code} {text[:200]}"
        if refusal == "404" and answer.status_code != 404:
            wrong.append(said)
        elif refusal != "404" and (answer.status_code, set(fields)) != (422, {refusal}):
            wrong.append(f"{said}: not refused naming {refusal}")
        if a_markers_in(text):
            wrong.append(f"{said}: shows A's {a_markers_in(text)}")
    assert not wrong, "\n".join(wrong)
    assert changed(before, snapshot(session, tenants)) == []
    assert rows_of(session, tenants.b.id) == b_before
