"""GET /api/v1/admin/audit-logs: filters, keyset pages like the transaction list, refusals."""

from __future__ import annotations

import base64
import json

import pytest

from tests.audit_entries import seed
from tests.conftest import api_login, bearer

URL = "/api/v1/admin/audit-logs"


@pytest.fixture
def log(session, client):
    seeded = seed(session)
    seeded.headers = bearer(api_login(client, "root").get_json()["access_token"])
    return seeded


def _walk(client, headers, **params) -> list[dict]:
    items, cursor = [], None
    while True:
        answer = client.get(URL, headers=headers, query_string={**params, "cursor": cursor or ""})
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        assert set(body) == {"items", "next_cursor", "previous_cursor"}
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def test_pages_walk_the_whole_log_newest_first(log, client, session):
    items = _walk(client, log.headers, limit=9)
    assert [i["id"] for i in items] == [r.id for r in log.all(session)]
    assert len(items) > 60


def test_the_default_page_is_fifty_and_the_limit_at_most_two_hundred(log, client):
    body = client.get(URL, headers=log.headers).get_json()
    assert len(body["items"]) == 50 and body["next_cursor"] and body["previous_cursor"] is None
    assert (
        len(client.get(URL, headers=log.headers, query_string={"limit": 200}).get_json()["items"])
        > 60
    )


def test_an_item_has_every_field(log, client, session):
    item = next(
        i
        for i in _walk(client, log.headers, actor_id=log.sam.id, action="auth.logout")
        if i["details"]
    )
    assert set(item) == {
        "id",
        "created_at",
        "actor_id",
        "actor_name",
        "ledger_user_id",
        "action",
        "outcome",
        "ip_address",
        "details",
    }
    assert item["actor_id"] == log.sam.id and item["actor_name"] == "sam"
    assert item["action"] == "auth.logout"
    assert item["created_at"].startswith("2026-") and item["created_at"].endswith("+00:00")
    assert item["ip_address"].startswith("10.0.0.")
    assert item["details"]["password"] == "[redacted]"


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"actor_id": "alex"}, lambda r, ids: r.actor_id == ids["alex"]),
        ({"ledger_id": "sam"}, lambda r, ids: r.ledger_user_id == ids["sam"]),
        ({"action": "auth.login"}, lambda r, ids: r.action == "auth.login"),
        ({"action": "auth."}, lambda r, ids: r.action.startswith("auth.")),
        ({"outcome": "failure"}, lambda r, ids: r.outcome == "failure"),
        (
            {"from": "2026-03-10", "to": "2026-03-20"},
            lambda r, ids: "2026-03-10" <= r.created_at.date().isoformat() <= "2026-03-20",
        ),
    ],
)
def test_each_filter_narrows(log, client, session, params, keep):
    ids = {"alex": log.alex.id, "sam": log.sam.id}
    query = {k: ids.get(v, v) for k, v in params.items()}
    expected = [r.id for r in log.all(session) if keep(r, ids)]
    assert 0 < len(expected) < len(log.all(session))
    assert [i["id"] for i in _walk(client, log.headers, limit=7, **query)] == expected


def _cursor(parts) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"actor_id": "abc"}, "actor_id"),
        ({"actor_id": "0"}, "actor_id"),
        ({"ledger_id": str(2**70)}, "ledger_id"),
        ({"outcome": "maybe"}, "outcome"),
        ({"action": "a" * 65}, "action"),
        ({"action": "auth\nlogin"}, "action"),
        ({"action": "a*b"}, "action"),
        ({"from": "2026-13-01"}, "from"),
        ({"to": "soon"}, "to"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "to"),
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"cursor": "garbage"}, "cursor"),
        ({"cursor": _cursor(["newest", "2026-03-01T00:00:00", 4])}, "cursor"),
        ({"cursor": _cursor(["newest", "2026-03-01T00:00:00+00:00", 2**70])}, "cursor"),
        ({"cursor": _cursor(["date_desc", "2026-03-01", 4])}, "cursor"),
        ({"cursor": _cursor({"a": 1})}, "cursor"),
        ({"cursor": "x" * 501}, "cursor"),
    ],
)
def test_bad_parameters_are_422_naming_the_field(log, client, params, field):
    answer = client.get(URL, headers=log.headers, query_string=params)
    assert answer.status_code == 422, answer.get_json()
    assert field in answer.get_json()["error"]["fields"]


def test_a_cursor_under_another_filter_reads_that_filters_entries(log, client):
    first = client.get(URL, headers=log.headers, query_string={"limit": 5}).get_json()
    # The same cursor under another filter reads that filter's entries after the position.
    other = client.get(
        URL,
        headers=log.headers,
        query_string={"cursor": first["next_cursor"], "outcome": "failure"},
    )
    assert other.status_code == 200
    assert {i["outcome"] for i in other.get_json()["items"]} == {"failure"}


def test_non_admins_get_403_admin_required_and_nobody_401(session, client):
    seed(session)
    alex = bearer(api_login(client, "alex").get_json()["access_token"])
    answer = client.get(URL, headers=alex, query_string={"outcome": "nonsense"})
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "admin_required"
    answer = client.get(URL)
    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "auth_required"


def test_the_endpoint_is_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"][URL]["get"]
    assert {"200", "401", "403", "422"} <= set(operation["responses"])
    names = {p["name"] for p in operation["parameters"]}
    assert {"actor_id", "ledger_id", "action", "outcome", "from", "to", "limit", "cursor"} <= names
