"""Errors that carry more than `code` and `message` answer in the shape the OpenAPI
document gives them, so a client generated from the document can read them (found by
fuzzing: the document said a bare error, whose `error` object takes no other keys)."""

from __future__ import annotations

from datetime import date

from tests.api.fuzzing import load_schema
from tests.conftest import api_login, api_user, bearer
from tests.factories import make_user


def test_deleting_a_debt_with_payments_answers_the_documented_409(app, client, session):
    alex = api_user(session, client, "alex")
    debt = client.post(
        "/api/v1/debts", headers=alex, json={"name": "Card", "current_balance": "500.00"}
    )
    debt_id = debt.get_json()["id"]
    paid = client.post(
        f"/api/v1/debts/{debt_id}/payments",
        headers=alex,
        json={"date": date.today().isoformat(), "amount": "50.00"},
    )
    assert paid.status_code == 201, paid.get_json()

    refused = client.delete(f"/api/v1/debts/{debt_id}", headers=alex)

    assert refused.status_code == 409
    assert refused.get_json()["error"]["payment_count"] == 1
    load_schema(app)["/api/v1/debts/{debt_id}"]["DELETE"].validate_response(refused)


def test_a_wizard_step_not_reached_answers_the_documented_409(app, client, session):
    make_user(session, "robin", onboarded=False)
    robin = bearer(api_login(client, "robin").get_json()["access_token"])
    schema = load_schema(app)

    for method, path in (
        ("GET", "/api/v1/onboarding/owners"),
        ("GET", "/api/v1/onboarding/data"),
        ("GET", "/api/v1/onboarding/budget"),
        ("POST", "/api/v1/onboarding/complete"),
    ):
        refused = client.open(path, method=method, headers=robin)

        assert refused.status_code == 409, path
        error = refused.get_json()["error"]
        assert (error["code"], error["onboarding_step"]) == ("step_not_reached", "profile")
        schema[path][method].validate_response(refused)
