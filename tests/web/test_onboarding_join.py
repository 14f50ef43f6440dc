"""A partner added to a household's ledger before their first sign-in can go straight
there instead of setting up a ledger of their own: on the wizard's first page, and over
the API (``POST /api/v1/onboarding/join``)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import AuditLog, User
from homeledger.services import onboarding, sharing
from homeledger.services.errors import NotFound
from tests.conftest import api_login, bearer, web_login
from tests.factories import add_transactions, make_user


@pytest.fixture
def household(session):
    """Alex's ledger with one transaction, shared with Sam, who has not set up yet; and
    Kim, another newcomer, with whom nothing is shared."""
    alex = make_user(session, "alex", display_name="Alex")
    add_transactions(session, alex, [(date(2026, 11, 2), "RENT NOVEMBER", "-1650.00", None)])
    sam = make_user(session, "sam", onboarded=False)
    make_user(session, "kim", onboarded=False)
    with tenancy.acting_as(session, alex.id):
        sharing.add_member(session, "sam", "editor")
    session.commit()
    return alex, sam


def _step(session, username: str) -> str:
    session.expire_all()
    return session.scalars(select(User.onboarding_step).where(User.username == username)).one()


def test_the_first_step_offers_the_shared_ledger_and_opening_it_finishes_setup(
    client, session, household
):
    alex, _ = household
    web_login(client, "sam")
    page = client.get("/welcome/profile")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Alex has shared their ledger with you" in text
    token = text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]

    opened = client.post(f"/welcome/join/{alex.id}", data={"csrf_token": token})

    assert opened.status_code == 302 and opened.headers["Location"].endswith("/")
    overview = client.get("/transactions")
    assert overview.status_code == 200
    assert "RENT NOVEMBER" in overview.get_data(as_text=True)  # Alex's ledger, as Sam
    assert _step(session, "sam") == "done"
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "onboarding.join")).one()
    assert (entry.actor_id, entry.ledger_user_id) == (household[1].id, alex.id)


def test_a_ledger_not_shared_with_the_newcomer_cannot_be_joined(client, session, household):
    alex, _ = household
    web_login(client, "kim")
    page = client.get("/welcome/profile").get_data(as_text=True)
    assert 'data-testid="join-shared"' not in page  # nothing offered: nothing was shared
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]

    refused = client.post(f"/welcome/join/{alex.id}", data={"csrf_token": token})

    assert refused.status_code == 404
    assert _step(session, "kim") == "profile"
    assert client.get("/transactions").headers["Location"].endswith("/welcome")


def test_joining_without_the_form_token_changes_nothing(client, session, household):
    alex, _ = household
    web_login(client, "sam")
    assert client.post(f"/welcome/join/{alex.id}").status_code == 400
    assert _step(session, "sam") == "profile"


def test_the_mobile_app_is_offered_the_shared_ledger_and_opens_it(client, session, household):
    alex, _ = household
    sam_token = bearer(api_login(client, "sam").get_json()["access_token"])
    status = client.get("/api/v1/onboarding", headers=sam_token).get_json()
    assert status["shared_ledgers"] == [
        {
            "id": alex.id,
            "owner": "alex",
            "owner_name": "Alex",
            "role": "editor",
            "title": "Alex's ledger",
        }
    ]
    kim_token = bearer(api_login(client, "kim").get_json()["access_token"])
    assert client.get("/api/v1/onboarding", headers=kim_token).get_json()["shared_ledgers"] == []

    refused = client.post("/api/v1/onboarding/join", headers=kim_token, json={"ledger_id": alex.id})
    assert refused.status_code == 404
    assert _step(session, "kim") == "profile"
    assert (
        client.post("/api/v1/onboarding/join", headers=sam_token, json={"ledger_id": "x"})
    ).status_code == 422

    joined = client.post("/api/v1/onboarding/join", headers=sam_token, json={"ledger_id": alex.id})

    assert joined.status_code == 200, joined.get_json()
    body = joined.get_json()
    assert body["ledger"]["id"] == alex.id and body["user"]["onboarding_required"] is False
    rows = client.get("/api/v1/transactions", headers={**sam_token, "X-Ledger-Id": str(alex.id)})
    assert [t["description"] for t in rows.get_json()["items"]] == ["RENT NOVEMBER"]
    assert client.get("/api/v1/transactions", headers=sam_token).get_json()["items"] == []


@pytest.mark.parametrize("ledger_id", [2**31, 10**30, 0, -1])
def test_a_ledger_id_out_of_the_id_range_is_refused_not_a_server_error(
    client, session, household, ledger_id
):
    sam_token = bearer(api_login(client, "sam").get_json()["access_token"])

    refused = client.post(
        "/api/v1/onboarding/join", headers=sam_token, json={"ledger_id": ledger_id}
    )

    assert refused.status_code in (404, 422), refused.get_json()
    assert _step(session, "sam") == "profile"
    with pytest.raises(NotFound):
        onboarding.join_shared(session, household[1], ledger_id)
