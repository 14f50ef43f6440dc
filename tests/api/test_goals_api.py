"""Savings goals over the API: progress, the monthly saving still needed, contributions,
refusals and other ledgers. The API's today is 10 April 2026 throughout, so the last three
complete months are January to March and a goal due in December has 8 months left (May to
December)."""

from __future__ import annotations

from datetime import date

import pytest

import homeledger.api.goals as goals_api
from tests.conftest import api_user

URL = "/api/v1/goals"


@pytest.fixture(autouse=True)
def april_tenth(monkeypatch):
    class Fixed(date):
        @classmethod
        def today(cls):
            return date(2026, 4, 10)

    monkeypatch.setattr(goals_api, "date", Fixed)


@pytest.fixture
def alex(session, client):
    return api_user(session, client, "alex")


@pytest.fixture
def sam(session, client):
    return api_user(session, client, "sam")


def _add(client, headers, **body):
    response = client.post(URL, headers=headers, json={"name": "Holiday", **body})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _put_in(client, headers, goal_id, day, amount):
    response = client.post(
        f"{URL}/{goal_id}/contributions", headers=headers, json={"date": day, "amount": amount}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _figures(goal):
    keys = ("current_amount", "progress", "months_left", "required_monthly", "on_track")
    return tuple(goal[k] for k in keys)


def test_record_list_edit_and_delete_a_goal(client, alex):
    owner = client.post("/api/v1/owners", headers=alex, json={"name": "Jo"}).get_json()["id"]
    goal = _add(
        client,
        alex,
        target_amount="5000",
        current_amount="1250.00",
        target_date="2026-12-31",
        owner_id=owner,
    )
    expected = {
        "name": "Holiday",
        "target_amount": "5000.00",
        "current_amount": "1250.00",
        "target_date": "2026-12-31",
        "owner_id": owner,
        "is_active": True,
        "progress": 25.0,
        "missing": "3750.00",
        "reached": False,
        "months_left": 8,
        "required_monthly": "468.75",  # 3750 / 8
        "recent_average": "0.00",
        "on_track": False,
    }
    assert {k: goal[k] for k in expected} == expected
    assert goal["created_at"] and goal["id"]
    listing = client.get(URL, headers=alex).get_json()
    assert [{k: g[k] for k in expected} for g in listing] == [expected]

    edited = client.patch(
        f"{URL}/{goal['id']}", headers=alex, json={"target_date": None, "name": "Japan"}
    )
    assert edited.status_code == 200
    assert (edited.get_json()["name"], edited.get_json()["required_monthly"]) == ("Japan", None)
    assert client.patch(f"{URL}/{goal['id']}", headers=alex, json={}).status_code == 200

    assert client.delete(f"{URL}/{goal['id']}", headers=alex).status_code == 204
    assert client.get(f"{URL}/{goal['id']}", headers=alex).status_code == 404
    assert client.get(URL, headers=alex).get_json() == []


def test_a_past_target_date_needs_the_whole_missing_amount_now(client, alex):
    goal = _add(
        client, alex, target_amount="1000.00", current_amount="250", target_date="2026-01-31"
    )
    assert _figures(goal) == ("250.00", 25.0, 1, "750.00", False)


def test_a_goal_already_reached_is_on_track_and_may_pass_100_percent(client, alex):
    goal = _add(
        client, alex, target_amount="400.00", current_amount="449", target_date="2026-01-31"
    )
    assert _figures(goal) == ("449.00", 112.25, 1, "0.00", True)
    assert (goal["missing"], goal["reached"]) == ("0.00", True)
    body = client.get(f"{URL}/{goal['id']}", headers=alex).get_data(as_text=True)
    assert '"progress":112.25' in body.replace(" ", "")  # a JSON number, not a string


def test_a_goal_without_a_date_has_no_monthly_figure(client, alex):
    goal = _add(client, alex, target_amount="3000.00", current_amount="1000.00")
    assert _figures(goal) == ("1000.00", 33.33, None, None, None)  # 33.333 rounded down
    reached = _add(client, alex, name="Bike", target_amount="100.00", current_amount="100.00")
    assert _figures(reached) == ("100.00", 100.0, None, "0.00", True)


def test_contributions_raise_what_is_saved_and_removing_one_lowers_it(client, alex):
    goal = _add(client, alex, target_amount="1000.00", target_date="2026-12-31")["id"]
    _put_in(client, alex, goal, "2026-01-15", "100.00")
    february = _put_in(client, alex, goal, "2026-02-15", "100.00")
    answer = _put_in(client, alex, goal, "2026-03-15", "100.00")
    # 300 saved, 700 missing over 8 months: 87.50 a month; Jan-Mar averaged 100.00.
    assert _figures(answer) == ("300.00", 30.0, 8, "87.50", True)
    assert answer["recent_average"] == "100.00"

    listed = client.get(f"{URL}/{goal}/contributions", headers=alex).get_json()
    assert [(c["date"], c["amount"], c["goal_id"]) for c in listed] == [
        ("2026-03-15", "100.00", goal),
        ("2026-02-15", "100.00", goal),
        ("2026-01-15", "100.00", goal),
    ]
    feb_id = listed[1]["id"]
    assert "id" in february and february["id"] == goal  # the answer is the goal

    removed = client.delete(f"{URL}/{goal}/contributions/{feb_id}", headers=alex)
    assert removed.status_code == 200
    # 200 saved, 800 / 8 = 100.00 needed; 200 / 3 = 66.66 a month lately: behind.
    assert _figures(removed.get_json()) == ("200.00", 20.0, 8, "100.00", False)
    assert removed.get_json()["recent_average"] == "66.66"
    assert len(client.get(f"{URL}/{goal}/contributions", headers=alex).get_json()) == 2
    assert client.delete(f"{URL}/{goal}/contributions/{feb_id}", headers=alex).status_code == 404


def test_money_taken_out_and_a_contribution_dated_today_by_default(client, alex):
    goal = _add(client, alex, target_amount="1000.00", current_amount="500.00")["id"]
    response = client.post(f"{URL}/{goal}/contributions", headers=alex, json={"amount": "-120.00"})
    assert response.status_code == 201
    assert response.get_json()["current_amount"] == "380.00"
    listed = client.get(f"{URL}/{goal}/contributions", headers=alex).get_json()
    assert [(c["date"], c["amount"]) for c in listed] == [("2026-04-10", "-120.00")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "-500.01"}, "amount"),
        ({"amount": "0.00"}, "amount"),
        ({"amount": 10}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"amount": None}, "amount"),
        ({}, "amount"),
        ({"amount": "10.00", "date": "2026-02-30"}, "date"),
        ({"amount": "10.00", "date": None}, "date"),
        ({"amount": "10.00", "goal_id": 3}, "goal_id"),
    ],
)
def test_a_refused_contribution_writes_nothing(client, alex, body, field):
    goal = _add(client, alex, target_amount="1000.00", current_amount="500.00")["id"]
    response = client.post(f"{URL}/{goal}/contributions", headers=alex, json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert client.get(f"{URL}/{goal}", headers=alex).get_json()["current_amount"] == "500.00"
    assert client.get(f"{URL}/{goal}/contributions", headers=alex).get_json() == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"target_amount": "0.00"}, "target_amount"),
        ({"target_amount": "-10.00"}, "target_amount"),
        ({"target_amount": 1000}, "target_amount"),
        ({"target_amount": None}, "target_amount"),
        ({"current_amount": "-1.00"}, "current_amount"),
        ({"current_amount": "12.3.4"}, "current_amount"),
        ({"target_date": "someday"}, "target_date"),
        ({"owner_id": 999_999}, "owner_id"),
        ({"owner_id": 2**40}, "owner_id"),
        ({"name": None}, "name"),
        ({"is_active": "true"}, "is_active"),
        ({"progress": 50}, "progress"),
    ],
)
def test_bad_goals_are_422_naming_the_field_and_nothing_is_written(client, alex, changes, field):
    body = {"name": "Car", "target_amount": "1000.00"} | changes
    response = client.post(URL, headers=alex, json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert client.get(URL, headers=alex).get_json() == []


def test_what_is_saved_cannot_be_emptied_by_an_edit(client, alex):
    goal = _add(client, alex, target_amount="1000.00", current_amount="500.00")["id"]
    response = client.patch(f"{URL}/{goal}", headers=alex, json={"current_amount": None})
    assert response.status_code == 422
    assert "current_amount" in response.get_json()["error"]["fields"]
    assert client.get(f"{URL}/{goal}", headers=alex).get_json()["current_amount"] == "500.00"


@pytest.mark.parametrize(
    "url", [f"{URL}/2147483648", f"{URL}/99999999999999999999", f"{URL}/{{goal}}/contributions/0"]
)
def test_ids_no_goal_can_have_are_404(client, alex, url):
    goal = _add(client, alex, target_amount="10.00")["id"]
    url = url.format(goal=goal)
    for method in ("GET", "PATCH", "DELETE"):
        response = client.open(url, method=method, headers=alex, json={"name": "x"})
        assert response.status_code in (404, 405), (method, response.status_code)


def test_another_ledgers_goals_and_contributions_are_not_yours(client, alex, sam):
    sams = _add(client, sam, name="Sam's car", target_amount="9000.00")["id"]
    _put_in(client, sam, sams, "2026-03-01", "300.00")
    contribution = client.get(f"{URL}/{sams}/contributions", headers=sam).get_json()[0]["id"]
    for method, suffix, body in (
        ("GET", "", None),
        ("PATCH", "", {"name": "Mine now"}),
        ("DELETE", "", None),
        ("GET", "/contributions", None),
        ("POST", "/contributions", {"date": "2026-04-01", "amount": "10.00"}),
        ("DELETE", f"/contributions/{contribution}", None),
    ):
        response = client.open(f"{URL}/{sams}{suffix}", method=method, headers=alex, json=body)
        assert response.status_code == 404, (method, suffix, response.status_code)
    assert client.get(URL, headers=alex).get_json() == []

    mine = _add(client, alex, target_amount="100.00")["id"]
    url = f"{URL}/{mine}/contributions/{contribution}"
    assert client.delete(url, headers=alex).status_code == 404
    sams_goal = client.get(f"{URL}/{sams}", headers=sam).get_json()
    assert (sams_goal["name"], sams_goal["current_amount"]) == ("Sam's car", "300.00")
    assert len(client.get(f"{URL}/{sams}/contributions", headers=sam).get_json()) == 1
