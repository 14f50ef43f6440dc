"""GET/PATCH /api/v1/me/settings: the settings as saved, every bad field named with nothing
changed, and nothing but the editable fields settable (never the role or the username)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import AuditLog, User, UserSettings
from tests.conftest import api_login, bearer
from tests.factories import make_user

URL = "/api/v1/me/settings"


@pytest.fixture
def alex(session):
    return make_user(session, "alex", email="alex@example.com", display_name="Alex")


@pytest.fixture
def headers(client, alex):
    return bearer(api_login(client, "alex").get_json()["access_token"])


def _stored(session, user_id: int) -> dict:
    session.expire_all()
    user = session.get(User, user_id)
    with tenancy.acting_as(session, user_id):
        row = session.scalars(select(UserSettings)).one()
        return {
            "display_name": user.display_name,
            "email": user.email,
            "currency": row.currency,
            "month_start_day": row.month_start_day,
            "locale": row.locale,
            "username": user.username,
            "role": user.role,
        }


def test_the_settings_are_read(client, headers):
    answer = client.get(URL, headers=headers)
    assert answer.status_code == 200
    assert answer.get_json() == {
        "display_name": "Alex",
        "email": "alex@example.com",
        "currency": "USD",
        "month_start_day": 1,
        "locale": "en",
        "username": "alex",
        "role": "user",
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"display_name": "Alex K."}, {"display_name": "Alex K."}),
        ({"display_name": None}, {"display_name": None}),
        ({"display_name": ""}, {"display_name": None}),
        ({"email": "Alex.K@Example.org"}, {"email": "Alex.K@Example.org"}),
        ({"email": None}, {"email": None}),
        ({"currency": "EUR"}, {"currency": "EUR"}),
        ({"currency": "jpy"}, {"currency": "JPY"}),
        ({"month_start_day": 28}, {"month_start_day": 28}),
        ({"locale": "en-GB"}, {"locale": "en-GB"}),
        (
            {"currency": "GBP", "month_start_day": 15, "locale": "en-GB"},
            {"currency": "GBP", "month_start_day": 15, "locale": "en-GB"},
        ),
        ({}, {}),
    ],
)
def test_a_patch_saves_what_it_sends_and_answers_the_new_settings(
    session, client, headers, alex, body, expected
):
    before = _stored(session, alex.id)
    answer = client.patch(URL, json=body, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {**before, **expected}
    assert _stored(session, alex.id) == {**before, **expected}
    assert client.get(URL, headers=headers).get_json() == {**before, **expected}


@pytest.mark.parametrize(
    ("body", "bad"),
    [
        ({"display_name": "x" * 101}, {"display_name"}),
        ({"display_name": "a\u0007b"}, {"display_name"}),
        ({"display_name": 5}, {"display_name"}),
        ({"email": "nobody"}, {"email"}),
        ({"email": 12}, {"email"}),
        ({"currency": "XYZ"}, {"currency"}),
        ({"currency": None}, {"currency"}),
        ({"month_start_day": 29}, {"month_start_day"}),
        ({"month_start_day": 0}, {"month_start_day"}),
        ({"month_start_day": "5"}, {"month_start_day"}),
        ({"month_start_day": True}, {"month_start_day"}),
        ({"month_start_day": 1.5}, {"month_start_day"}),
        ({"locale": "tlh"}, {"locale"}),
        ({"locale": ["en"]}, {"locale"}),
        (
            {
                "display_name": 7,
                "email": "x@",
                "currency": "EURO",
                "month_start_day": "first",
                "locale": None,
            },
            {"display_name", "email", "currency", "month_start_day", "locale"},
        ),
        ({"currency": "EUR", "month_start_day": 31}, {"month_start_day"}),
    ],
)
def test_bad_fields_are_each_named_and_nothing_changes(session, client, headers, alex, body, bad):
    before = _stored(session, alex.id)
    answer = client.patch(URL, json=body, headers=headers)
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == bad
    assert _stored(session, alex.id) == before


@pytest.mark.parametrize(
    "body",
    [
        {"role": "admin"},
        {"is_active": False},
        {"user_id": 2},
        {"username": "root"},
        {"id": 9},
        {"password_hash": "x"},
        {"must_change_password": False},
        {"currency": "EUR", "role": "admin"},
    ],
)
def test_only_the_editable_fields_can_be_set(session, client, headers, alex, body):
    before = _stored(session, alex.id)
    answer = client.patch(URL, json=body, headers=headers)
    assert answer.status_code == 422
    refused = set(answer.get_json()["error"]["fields"])
    assert refused == set(body) - {"currency"}
    assert _stored(session, alex.id) == before
    session.expire_all()
    assert session.get(User, alex.id).is_active


def test_an_email_another_account_uses_is_refused(session, client, headers, alex):
    make_user(session, "sam", email="sam@example.com")
    answer = client.patch(URL, json={"email": "SAM@example.com"}, headers=headers)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"] == {"email": "is already used by another account"}
    assert _stored(session, alex.id)["email"] == "alex@example.com"


def test_one_persons_settings_are_not_anothers(session, client, headers, alex):
    make_user(session, "sam")
    sam = bearer(api_login(client, "sam").get_json()["access_token"])
    client.patch(URL, json={"currency": "EUR", "display_name": "Sam"}, headers=sam)
    assert client.get(URL, headers=headers).get_json()["currency"] == "USD"
    assert _stored(session, alex.id)["display_name"] == "Alex"


def test_a_change_is_audited_by_field_names(session, client, headers, alex):
    client.patch(URL, json={"email": "a2@example.com", "month_start_day": 5}, headers=headers)
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "settings.update")).one()
    assert entry.actor_id == alex.id
    assert entry.extra_data == {"fields": ["email", "month_start_day"]}


def test_without_a_token_nothing_is_read_or_changed(client, alex):
    assert client.get(URL).status_code == 401
    assert client.patch(URL, json={"currency": "EUR"}).status_code == 401


def test_the_settings_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    path = spec["paths"]["/api/v1/me/settings"]
    assert {"get", "patch"} <= set(path)
    assert {"200", "401", "422"} <= set(path["patch"]["responses"])
    schemas = spec["components"]["schemas"]
    patch = next(s for name, s in schemas.items() if name.startswith("SettingsPatch"))
    assert set(patch["properties"]) == {
        "display_name",
        "email",
        "currency",
        "month_start_day",
        "locale",
    }
    assert patch["properties"]["month_start_day"]["type"] == "integer"
    assert "EUR" in patch["properties"]["currency"]["enum"]
