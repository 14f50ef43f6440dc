"""Debts at the edges a client can reach: the largest balance at the highest rate."""

from __future__ import annotations

import pytest

from tests.conftest import api_user

URL = "/api/v1/debts"


@pytest.fixture
def alex(session, client):
    return api_user(session, client, "alex")


@pytest.mark.parametrize("strategy", ["avalanche", "minimum"])
def test_a_plan_of_the_largest_debt_at_100_percent_is_answered_to_the_cent(client, alex, strategy):
    body = {"name": "Loan", "current_balance": "9999999999.99", "interest_rate": "100"}
    assert client.post(URL, headers=alex, json=body).status_code == 201

    query = {"strategy": strategy, "extra": "0.01", "start": "2199-12"}
    response = client.get(f"{URL}/plan", headers=alex, query_string=query)

    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    plan = response.get_json()
    assert plan["months_to_debt_free"] is None
    assert len(plan["schedule"]) == 600
    last = plan["schedule"][-1]
    assert last["month"] == "2249-11"
    (row,) = last["payments"]
    assert [len(row[f].split(".")[1]) for f in ("interest", "payment", "balance")] == [2, 2, 2]
    assert [w["debt_id"] for w in plan["warnings"]] == [1, 1]
