"""The savings goal pages: the list with its bars and chart (or what to do when empty), add
and edit with every bad field named, a goal's page in words, putting money in and taking it
out, removing a contribution and deleting a goal after their questions, and nobody else's
goal. Today is Friday 27 November 2026 on these pages."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import GoalContribution, SavingsGoal
from homeledger.services import goals
from homeledger.services.goals import ContributionInput, GoalInput
from tests.conftest import csrf_token_from
from tests.factories import make_user


@pytest.fixture(autouse=True)
def november_27th(app):
    app.config["TODAY"] = date(2026, 11, 27)


@pytest.fixture
def alex(session):
    return make_user(session, "alex")


@pytest.fixture
def signed_in(client, auth, alex):
    auth.login("alex")
    return client


def _goal(session, user, contributions=(), **fields) -> int:
    with tenancy.acting_as(session, user.id):
        goal_id = goals.create(session, GoalInput(**fields)).id
        for day, amount in contributions:
            goals.add_contribution(
                session, goal_id, ContributionInput(date=day, amount=Decimal(amount))
            )
        session.commit()
    return goal_id


@pytest.fixture
def holiday(session, alex) -> int:
    """8,000.00 by 15 March 2027; 6,000.00 opening, 750.00 put in in October: 6,750.00."""
    return _goal(
        session,
        alex,
        [(date(2026, 10, 5), "750.00")],
        name="Holiday in Japan",
        target_amount=Decimal("8000"),
        current_amount=Decimal("6000"),
        target_date=date(2027, 3, 15),
    )


def _rows(session, user, model) -> list:
    session.expire_all()
    with tenancy.acting_as(session, user.id):
        return list(session.scalars(select(model).order_by(model.id)))


def _html(response) -> str:
    return response.get_data(as_text=True)


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", _html(response)).split())


def _csrf(client, path: str = "/goals/new") -> str:
    return csrf_token_from(_html(client.get(path)))


# --- the list -----------------------------------------------------------------------------


def test_an_empty_ledger_says_to_add_the_first_goal(signed_in):
    page = signed_in.get("/goals")
    assert page.status_code == 200
    assert "Add your first goal" in _text(page) and 'href="/goals/new"' in _html(page)
    assert "data-chart" not in _html(page)


def test_the_list_shows_progress_what_is_needed_and_the_chart(session, signed_in, alex, holiday):
    _goal(
        session,
        alex,
        name="Bike",
        target_amount=Decimal("500"),
        current_amount=Decimal("560"),
        is_active=False,
    )
    page = signed_in.get("/goals")
    html, text = _html(page), _text(page)
    assert page.status_code == 200
    assert "Holiday in Japan" in text and "$6,750.00" in text and "$8,000.00" in text
    assert "84 %" in text and "$312.50" in text  # 1,250.00 over December to March
    assert "Behind" in text  # 250.00 a month lately
    assert '<progress value="84.37" max="100"' in html
    assert "112 %" in text and '<progress value="100" max="100"' in html  # capped bar
    assert "Reached" in text and "Paused" in text
    assert 'data-chart="goals-chart-data"' in html
    assert '"labels": ["Holiday in Japan", "Bike"]' in html and '"100"' in html


# --- add and edit -------------------------------------------------------------------------


def test_a_bad_target_is_named_and_nothing_is_written(session, signed_in, alex):
    response = signed_in.post(
        "/goals/new",
        data={
            "csrf_token": _csrf(signed_in),
            "name": "Car",
            "target_amount": "0",
            "current_amount": "-5",
            "target_date": "",
            "owner": "",
            "is_active": "y",
        },
    )
    assert response.status_code == 400
    html = _html(response)
    assert re.search(r'id="target_amount-error"[^>]*>Must be more than 0', html)
    assert re.search(r'id="current_amount-error"[^>]*>Must be at least 0', html)
    assert _rows(session, alex, SavingsGoal) == []


def test_adding_and_correcting_a_goal(session, signed_in, alex):
    response = signed_in.post(
        "/goals/new",
        data={
            "csrf_token": _csrf(signed_in),
            "name": "Emergency fund",
            "target_amount": "15,000",
            "current_amount": "1,250.50",
            "target_date": "2027-12-31",
            "is_active": "y",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/goals"
    (goal,) = _rows(session, alex, SavingsGoal)
    assert (goal.target_amount, goal.current_amount) == (Decimal("15000.00"), Decimal("1250.50"))
    form = signed_in.get(f"/goals/{goal.id}/edit")
    assert "corrects what is saved without adding a contribution" in _text(form)
    signed_in.post(
        f"/goals/{goal.id}/edit",
        data={
            "csrf_token": csrf_token_from(_html(form)),
            "name": "Emergency fund",
            "target_amount": "15000",
            "current_amount": "1300",
        },
    )
    (goal,) = _rows(session, alex, SavingsGoal)
    assert goal.current_amount == Decimal("1300.00") and goal.is_active is False
    assert _rows(session, alex, GoalContribution) == []


# --- a goal's page and its contributions --------------------------------------------------


def test_a_goals_page_says_what_to_save_and_how_it_is_going(signed_in, holiday):
    text = _text(signed_in.get(f"/goals/{holiday}"))
    assert "Save $312.50 a month from December to reach $8,000.00 by March 2027." in text
    assert (
        "You have put in $250.00 a month on average over the last three months "
        "(August to October 2026): behind , $62.50 a month short." in text
    )
    assert "Put in" in text and "5 Oct 2026" in text


def test_a_passed_target_date_says_what_is_missing(session, signed_in, alex):
    goal_id = _goal(
        session,
        alex,
        name="Sofa",
        target_amount=Decimal("2000"),
        current_amount=Decimal("800"),
        target_date=date(2026, 9, 1),
    )
    text = _text(signed_in.get(f"/goals/{goal_id}"))
    assert "The target date (1 Sep 2026) has passed; $1,200.00 is still missing." in text


def test_putting_money_in_and_taking_it_out(session, signed_in, alex, holiday):
    page = f"/goals/{holiday}"
    html = _html(signed_in.get(page))
    assert re.search(r"<input[^>]*id=\"date\"[^>]*value=\"2026-11-27\"", html)  # today
    sent = {"csrf_token": csrf_token_from(html), "date": "2026-11-20"}
    response = signed_in.post(
        f"{page}/contributions", data={**sent, "direction": "in", "amount": "312.50"}
    )
    assert response.status_code == 302 and response.headers["Location"] == page
    assert "$7,062.50 saved of $8,000.00" in _text(signed_in.get(page))
    response = signed_in.post(
        f"{page}/contributions", data={**sent, "direction": "out", "amount": "62.50"}
    )
    text = _text(signed_in.get(page))
    assert "$7,000.00 saved of $8,000.00" in text and "Taken out" in text
    assert [c.amount for c in _rows(session, alex, GoalContribution)] == [
        Decimal("750.00"),
        Decimal("312.50"),
        Decimal("-62.50"),
    ]
    too_much = signed_in.post(
        f"{page}/contributions", data={**sent, "direction": "out", "amount": "7000.01"}
    )
    assert too_much.status_code == 400
    assert re.search(
        r'id="amount-error"[^>]*>Only 7000.00 is saved: take out 7000.00 at most',
        _html(too_much),
    )
    assert len(_rows(session, alex, GoalContribution)) == 3


def test_removing_a_contribution_asks_first(session, signed_in, alex, holiday):
    (row,) = _rows(session, alex, GoalContribution)
    question = f"/goals/{holiday}/contributions/{row.id}/delete"
    page = signed_in.get(question)
    assert page.status_code == 200
    assert "goes down from $6,750.00 to $6,000.00" in _text(page)
    skipped = signed_in.post(question, data={"csrf_token": csrf_token_from(_html(page))})
    assert skipped.status_code == 400 and len(_rows(session, alex, GoalContribution)) == 1
    response = signed_in.post(
        question, data={"csrf_token": csrf_token_from(_html(page)), "confirm": str(row.id)}
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/goals/{holiday}"
    assert _rows(session, alex, GoalContribution) == []
    (goal,) = _rows(session, alex, SavingsGoal)
    assert goal.current_amount == Decimal("6000.00")


# --- delete -------------------------------------------------------------------------------


def test_deleting_a_goal_needs_its_question_page(session, signed_in, alex, holiday):
    question = f"/goals/{holiday}/delete"
    page = signed_in.get(question)
    assert "Its 1 contribution goes with it" in _text(page)
    token = csrf_token_from(_html(page))
    skipped = signed_in.post(question, data={"csrf_token": token})
    assert skipped.status_code == 400 and len(_rows(session, alex, SavingsGoal)) == 1
    answer = {"csrf_token": token, "confirm": str(holiday), "confirm_count": "1"}
    response = signed_in.post(question, data=answer)
    assert response.status_code == 302
    assert _rows(session, alex, SavingsGoal) == [] == _rows(session, alex, GoalContribution)


def test_a_goal_delete_asked_before_money_was_put_in_deletes_nothing(session, signed_in, alex):
    goal_id = _goal(session, alex, name="Bike", target_amount=Decimal("900"))
    question = f"/goals/{goal_id}/delete"
    page = signed_in.get(question)
    assert "It has no contributions" in _text(page)
    with tenancy.acting_as(session, alex.id):  # meanwhile, in another tab
        goals.add_contribution(
            session, goal_id, ContributionInput(date=date(2026, 11, 2), amount=Decimal("40"))
        )
        session.commit()
    stale = signed_in.post(
        question,
        data={
            "csrf_token": csrf_token_from(_html(page)),
            "confirm": str(goal_id),
            "confirm_count": "0",
        },
    )
    assert stale.status_code == 400
    assert "Its 1 contribution goes with it" in _text(stale)
    assert len(_rows(session, alex, SavingsGoal)) == 1
    assert len(_rows(session, alex, GoalContribution)) == 1


def test_another_ledgers_goal_is_not_found(session, client, auth, alex, holiday):
    (row,) = _rows(session, alex, GoalContribution)
    make_user(session, "sam")
    auth.login("sam")
    token = _csrf(client)
    for path in (
        f"/goals/{holiday}",
        f"/goals/{holiday}/edit",
        f"/goals/{holiday}/delete",
        f"/goals/{holiday}/contributions/{row.id}/delete",
    ):
        assert client.get(path).status_code == 404
        answer = client.post(path, data={"csrf_token": token, "confirm": str(holiday)})
        assert answer.status_code in (404, 405)  # the goal's page takes no post
    response = client.post(
        f"/goals/{holiday}/contributions",
        data={"csrf_token": token, "date": "2026-11-27", "direction": "in", "amount": "5"},
    )
    assert response.status_code == 404
    assert "Holiday" not in _text(client.get("/goals"))
    assert len(_rows(session, alex, GoalContribution)) == 1
