"""The mobile app's first run, end to end over the API: the admin creates the account with
a temporary password, the person signs in, changes it, and walks every step of the wizard
with a small bank file; then every ledger endpoint opens at the month imported."""

from __future__ import annotations

import io

from tests.conftest import api_login, bearer
from tests.factories import make_user

NEW_PASSWORD = "a walk through the wizard at dawn"
BANK_FILE = (
    b"Date,Description,Amount\n"
    b"2026-10-01,SALARY ACME PTY LTD,4200.00\n"
    b"2026-10-03,RENT OCTOBER,-1650.00\n"
    b"2026-10-09,SUPERMARKET,-182.40\n"
)


def _ok(answer, status: int = 200) -> dict:
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def test_a_new_person_walks_the_wizard_over_the_api(app, session, client):
    make_user(session, "root", role="admin")
    admin = bearer(_ok(api_login(client, "root"))["access_token"])
    created = _ok(
        client.post(
            "/api/v1/admin/users",
            headers=admin,
            json={"username": "jordan", "invite": "password"},
        ),
        201,
    )

    # Sign in with the temporary password: the password comes first, then the wizard.
    temporary = created["invite"]["temporary_password"]
    signed_in = _ok(api_login(client, "jordan", temporary))
    assert signed_in["user"]["onboarding_required"] is True
    first = bearer(signed_in["access_token"])
    refused = client.get("/api/v1/onboarding", headers=first)
    assert refused.get_json()["error"]["code"] == "password_change_required"
    changed = _ok(
        client.post(
            "/api/v1/me/password",
            headers=first,
            json={"current_password": temporary, "new_password": NEW_PASSWORD},
        )
    )
    me = bearer(changed["access_token"])
    shown = _ok(client.get("/api/v1/me", headers=me))
    assert (shown["onboarding_required"], shown["onboarding_step"]) == (True, "profile")
    assert client.get("/api/v1/transactions", headers=me).status_code == 403

    # 1-3: profile, household, categories; a bad value first, refused by name.
    bad = client.put(
        "/api/v1/onboarding/profile",
        headers=me,
        json={"display_name": "Jordan", "currency": "EUR", "month_start_day": 31},
    )
    assert bad.status_code == 422 and "month_start_day" in bad.get_json()["error"]["fields"]
    step = _ok(
        client.put(
            "/api/v1/onboarding/profile",
            headers=me,
            json={"display_name": "Jordan", "currency": "EUR", "month_start_day": 1},
        )
    )
    assert step["next_step"] == "owners"
    owners = _ok(client.get("/api/v1/onboarding/owners", headers=me))
    assert owners["suggestions"] == ["Me", "Joint"]
    step = _ok(
        client.put(
            "/api/v1/onboarding/owners",
            headers=me,
            json={"owners": [{"name": "Me"}, {"name": "Joint"}, {"name": "Sam"}]},
        )
    )
    assert step["next_step"] == "categories"
    listed = _ok(client.get("/api/v1/onboarding/categories", headers=me))["categories"]
    assert len(listed) == 13
    kept = [{"id": c["id"], "name": c["name"]} for c in listed if c["name"] != "Entertainment"]
    step = _ok(
        client.put(
            "/api/v1/onboarding/categories",
            headers=me,
            json={"categories": [*kept, {"name": "Pets", "type": "expense"}]},
        )
    )
    assert step["next_step"] == "data"

    # 4: the bank file through the import endpoints, open at this step.
    imported = client.post(
        "/api/v1/imports",
        headers=me,
        data={"file": (io.BytesIO(BANK_FILE), "bank.csv")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 201, imported.get_json()
    step = _ok(client.put("/api/v1/onboarding/data", headers=me, json={"choice": "import"}))
    assert step["next_step"] == "budget"
    assert client.get("/api/v1/budgets", headers=me).status_code == 403  # still closed

    # 5: a first budget for October, from a starter split of the income.
    offered = _ok(client.get("/api/v1/onboarding/budget?monthly_income=4200", headers=me))
    assert (offered["month"], offered["source"]) == ("2026-10", "starter")
    lines = [
        {"category_id": line["category_id"], "amount": line["amount"]} for line in offered["lines"]
    ]
    step = _ok(
        client.put(
            "/api/v1/onboarding/budget", headers=me, json={"month": "2026-10", "budgets": lines}
        )
    )
    assert (step["next_step"], step["onboarding_step"]) == ("complete", "complete")
    assert client.get("/api/v1/transactions", headers=me).status_code == 403  # not yet

    done = _ok(client.post("/api/v1/onboarding/complete", headers=me))
    assert done["landing_month"] == "2026-10"
    assert done["user"]["onboarding_required"] is False
    rows = _ok(client.get("/api/v1/transactions", headers=me))
    assert len(rows["items"]) == 3
    month = _ok(client.get("/api/v1/budgets?month=2026-10", headers=me))
    housing = next(line for line in month["lines"] if line["category"] == "Housing")
    assert housing["budgeted"] == "1260.00"
