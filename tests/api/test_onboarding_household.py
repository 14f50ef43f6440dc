"""The wizard's first three steps over the API, as the mobile app runs them: each GET shows
the step's values and choices, each PUT saves it and names the next step; earlier steps may
be opened again; a step not reached yet, or any step once the wizard is done, answers 409;
every bad field is refused with a 422 naming it, nothing saved, the wizard where it was."""

from __future__ import annotations

import pytest

from homeledger.models import Category, Owner
from tests.conftest import api_login, bearer
from tests.factories import make_user
from tests.household_steps import SEED_NAMES, ids, ledger, new_user, spend

URL = "/api/v1/onboarding"
PROFILE = {"display_name": "Sam", "currency": "EUR", "month_start_day": 25}


def _headers(client, username: str = "sam") -> dict[str, str]:
    return bearer(api_login(client, username).get_json()["access_token"])


def _seeds(session, user_id: int) -> list[dict]:
    return [{"id": i, "name": name} for name, i in ids(session, user_id, Category).items()]


def test_a_new_user_walks_the_three_steps(session, client):
    sam = new_user(session)
    headers = _headers(client)

    shown = client.get(f"{URL}/profile", headers=headers).get_json()
    assert shown["currency"] == "USD" and shown["month_start_day"] == 1
    assert shown["display_name"] is None
    assert {"code": "EUR", "name": "Euro"} in shown["currencies"]
    assert shown["month_start_days"] == list(range(1, 29))
    saved = client.put(f"{URL}/profile", json=PROFILE, headers=headers)
    assert saved.status_code == 200
    assert saved.get_json() == {
        "saved": "profile",
        "next_step": "owners",
        "onboarding_step": "owners",
    }
    assert ledger(session, sam.id)["profile"] == ("Sam", "EUR", 25)

    shown = client.get(f"{URL}/owners", headers=headers).get_json()
    assert shown == {"owners": [], "suggestions": ["Me", "Joint"]}
    body = {"owners": [{"name": "Me"}, {"name": "Joint"}, {"name": "Robin"}]}
    saved = client.put(f"{URL}/owners", json=body, headers=headers)
    assert saved.get_json()["next_step"] == "categories"
    shown = client.get(f"{URL}/owners", headers=headers).get_json()
    assert [o["name"] for o in shown["owners"]] == ["Me", "Joint", "Robin"]

    shown = client.get(f"{URL}/categories", headers=headers).get_json()
    assert {c["name"] for c in shown["categories"]} == SEED_NAMES
    assert shown["types"] == ["expense", "income", "transfer"]
    listed = [
        {"id": c["id"], "name": "Food" if c["name"] == "Groceries" else c["name"]}
        for c in shown["categories"]
        if c["name"] != "Insurance"
    ]
    body = {"categories": [*listed, {"name": "Pets", "type": "expense"}]}
    saved = client.put(f"{URL}/categories", json=body, headers=headers)
    assert saved.get_json() == {
        "saved": "categories",
        "next_step": "data",
        "onboarding_step": "data",
    }

    after = ledger(session, sam.id)
    assert set(after["categories"]) == SEED_NAMES - {"Groceries", "Insurance"} | {"Food", "Pets"}
    assert after["owners"] == {"Me": True, "Joint": True, "Robin": True}
    assert after["step"] == "data"


def test_going_back_saves_again_and_leads_forward_without_losing_the_place(session, client):
    sam = new_user(session, step="categories", owners=["Me"])
    headers = _headers(client)

    assert client.get(f"{URL}/profile", headers=headers).status_code == 200
    saved = client.put(f"{URL}/profile", json=PROFILE, headers=headers).get_json()
    assert saved == {"saved": "profile", "next_step": "owners", "onboarding_step": "categories"}
    me = ids(session, sam.id, Owner)["Me"]
    body = {"owners": [{"id": me, "name": "Sam"}, {"name": "Joint"}]}
    saved = client.put(f"{URL}/owners", json=body, headers=headers).get_json()
    assert saved == {"saved": "owners", "next_step": "categories", "onboarding_step": "categories"}

    assert ledger(session, sam.id)["owners"] == {"Sam": True, "Joint": True}
    assert ledger(session, sam.id)["profile"] == ("Sam", "EUR", 25)


@pytest.mark.parametrize(
    ("at", "step"),
    [("profile", "owners"), ("profile", "categories"), ("owners", "categories")],
)
def test_a_step_not_reached_yet_answers_409_and_saves_nothing(session, client, at, step):
    sam = new_user(session, step=at)
    headers = _headers(client)
    before = ledger(session, sam.id)
    bodies = {"owners": {"owners": [{"name": "Me"}]}, "categories": {"categories": []}}

    for answer in (
        client.get(f"{URL}/{step}", headers=headers),
        client.put(f"{URL}/{step}", json=bodies[step], headers=headers),
    ):
        assert answer.status_code == 409
        error = answer.get_json()["error"]
        assert error["code"] == "step_not_reached"
        assert error["onboarding_step"] == at
    assert ledger(session, sam.id) == before


def test_a_user_at_owners_cannot_save_categories_yet(session, client):
    sam = new_user(session, step="owners")
    headers = _headers(client)

    body = {"categories": [{"name": "Only this"}]}
    answer = client.put(f"{URL}/categories", json=body, headers=headers)

    assert answer.status_code == 409
    assert set(ledger(session, sam.id)["categories"]) == SEED_NAMES


@pytest.mark.parametrize(
    ("step", "body"),
    [
        ("profile", PROFILE),
        ("owners", {"owners": [{"name": "Me"}]}),
        ("categories", {"categories": [{"name": "Only this"}]}),
    ],
)
def test_after_the_wizard_every_step_answers_409_onboarding_finished(session, client, step, body):
    done = make_user(session, "sam")  # past the wizard
    headers = _headers(client)
    before = ledger(session, done.id)

    for answer in (
        client.get(f"{URL}/{step}", headers=headers),
        client.put(f"{URL}/{step}", json=body, headers=headers),
    ):
        assert answer.status_code == 409
        assert answer.get_json()["error"]["code"] == "onboarding_finished"
    assert ledger(session, done.id) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**PROFILE, "currency": "XYZ"}, "currency"),
        ({**PROFILE, "month_start_day": 31}, "month_start_day"),
        ({**PROFILE, "month_start_day": "25"}, "month_start_day"),
        ({**PROFILE, "display_name": "x" * 101}, "display_name"),
        ({"display_name": "Sam", "currency": "EUR"}, "month_start_day"),
    ],
)
def test_a_bad_profile_is_refused_naming_the_field(session, client, body, field):
    sam = new_user(session)
    headers = _headers(client)
    before = ledger(session, sam.id)

    answer = client.put(f"{URL}/profile", json=body, headers=headers)

    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "validation_error"
    assert field in answer.get_json()["error"]["fields"]
    assert ledger(session, sam.id) == before  # nothing saved, still at profile


def test_an_empty_display_name_clears_it(session, client):
    sam = new_user(session)
    headers = _headers(client)
    client.put(f"{URL}/profile", json=PROFILE, headers=headers)

    client.put(f"{URL}/profile", json={**PROFILE, "display_name": ""}, headers=headers)

    assert ledger(session, sam.id)["profile"] == (None, "EUR", 25)


@pytest.mark.parametrize(
    ("owners", "field", "words"),
    [
        ([{"name": "Me"}, {"name": ""}], "owners.1.name", "required"),
        ([{"name": "x" * 65}], "owners.0.name", "64"),
        ([{"name": "Me"}, {"name": "me"}], "owners.1.name", "listed twice"),
        ([{"id": 987_654, "name": "Me"}], "owners.0.id", "not one of your owners"),
        ([{"id": "one", "name": "Me"}], "owners.0.id", ""),
        ([], "owners", "at least one"),
    ],
)
def test_a_bad_owner_list_is_refused_naming_the_row(session, client, owners, field, words):
    sam = new_user(session, step="owners", owners=["Sam", "Kim"])
    headers = _headers(client)
    before = ledger(session, sam.id)

    answer = client.put(f"{URL}/owners", json={"owners": owners}, headers=headers)

    assert answer.status_code == 422
    fields = answer.get_json()["error"]["fields"]
    assert field in fields and words in fields[field]
    assert ledger(session, sam.id) == before


def test_owners_not_listed_go_and_one_in_use_is_only_made_inactive(session, client):
    sam = new_user(session, step="owners", owners=["Sam", "Kim", "Lee"])
    spend(session, sam.id, owner="Kim")
    headers = _headers(client)
    shown = client.get(f"{URL}/owners", headers=headers).get_json()["owners"]
    sam_row = next(o for o in shown if o["name"] == "Sam")

    body = {"owners": [{"id": sam_row["id"], "name": "Samuel"}, {"name": "Joint"}]}
    assert client.put(f"{URL}/owners", json=body, headers=headers).status_code == 200

    assert ledger(session, sam.id)["owners"] == {"Samuel": True, "Joint": True, "Kim": False}
    shown = client.get(f"{URL}/owners", headers=headers).get_json()["owners"]
    assert [o["name"] for o in shown] == ["Samuel", "Joint"]


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ([{"name": "groceries"}], "categories.13.name", "“groceries” is listed twice"),
        ([{"name": "  "}], "categories.13.name", "required"),
        ([{"name": "Pets", "type": "savings"}], "categories.13.type", "must be one of"),
        ([{"name": "Pets", "color": "blue"}], "categories.13.color", "colour"),
        ([{"id": 987_654, "name": "Pets"}], "categories.13.id", "not one of your categories"),
    ],
)
def test_a_bad_category_list_is_refused_naming_the_row(session, client, extra, field, words):
    sam = new_user(session, step="categories")
    headers = _headers(client)
    before = ledger(session, sam.id)

    body = {"categories": [*_seeds(session, sam.id), *extra]}
    answer = client.put(f"{URL}/categories", json=body, headers=headers)

    assert answer.status_code == 422
    fields = answer.get_json()["error"]["fields"]
    assert field in fields and words in fields[field]
    assert ledger(session, sam.id) == before


def test_a_category_list_without_an_expense_is_refused(session, client):
    sam = new_user(session, step="categories")
    headers = _headers(client)
    before = ledger(session, sam.id)
    salary = ids(session, sam.id, Category)["Salary"]

    body = {"categories": [{"id": salary, "name": "Salary"}]}
    answer = client.put(f"{URL}/categories", json=body, headers=headers)

    assert answer.status_code == 422
    assert "expense" in answer.get_json()["error"]["fields"]["categories"]
    assert ledger(session, sam.id) == before


def test_a_category_in_use_is_made_inactive_and_a_type_may_change(session, client):
    sam = new_user(session, step="categories")
    spend(session, sam.id, category="Dining Out")
    headers = _headers(client)
    listed = [
        {**row, "type": "income"} if row["name"] == "Transfers" else row
        for row in _seeds(session, sam.id)
        if row["name"] not in ("Dining Out", "Health")
    ]

    answer = client.put(f"{URL}/categories", json={"categories": listed}, headers=headers)

    assert answer.status_code == 200
    shown = ledger(session, sam.id)["categories"]
    assert shown["Dining Out"] == ("expense", False)
    assert "Health" not in shown
    assert shown["Transfers"] == ("income", True)
    shown = client.get(f"{URL}/categories", headers=headers).get_json()["categories"]
    assert "Dining Out" not in {c["name"] for c in shown}


def test_the_steps_are_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for step in ("profile", "owners", "categories"):
        for method in ("get", "put"):
            responses = paths[f"/api/v1/onboarding/{step}"][method]["responses"]
            assert {"200", "409", "422"} <= set(responses)
