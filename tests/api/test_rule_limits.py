"""Slow regular expressions over the API: refused when saved, reported when skipped."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import Category, Rule, User
from tests.conftest import api_user

STALLING = r"^(a|aa)+$"
ROWS = b"Date,Description,Amount\n" + b"".join(
    f"2024-03-0{n},{'a' * 40}b,-{n}.00\n".encode() for n in range(1, 4)
)


@pytest.fixture
def alex(session, client):
    return api_user(session, client, "alex")


@pytest.fixture
def stalling_rule(session, alex) -> int:
    """A rule saved before patterns were checked; its id."""
    user_id = session.scalars(select(User.id).where(User.username == "alex")).one()
    with tenancy.acting_as(session, user_id):
        shopping = session.scalars(select(Category.id).where(Category.name == "Shopping")).one()
        rule = Rule(name="old a's", pattern=STALLING, match_type="regex", set_category_id=shopping)
        session.add(rule)
        session.commit()
        return rule.id


def _upload(client, headers, path):
    data = {"file": (io.BytesIO(ROWS), "a.csv")}
    return client.post(path, headers=headers, data=data, content_type="multipart/form-data")


def _only_skipped(body, rule_id):
    (skipped,) = body["skipped_rules"]
    assert (skipped["id"], skipped["name"]) == (rule_id, "old a's")
    assert "timed out" in skipped["reason"]
    return skipped


def test_a_pattern_that_may_take_exponential_time_is_a_422_naming_the_pattern(client, alex):
    shopping = next(
        c["id"]
        for c in client.get("/api/v1/categories", headers=alex).get_json()
        if c["name"] == "Shopping"
    )
    rule = {"name": "a's", "match_type": "regex", "set_category_id": shopping}

    refused = client.post("/api/v1/rules", headers=alex, json={**rule, "pattern": STALLING})
    ordinary = client.post("/api/v1/rules", headers=alex, json={**rule, "pattern": "^(a|b)c"})

    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"]["pattern"].startswith(
        "may take exponential time: a repeated group"
    )
    assert ordinary.status_code == 201


def test_a_rule_that_times_out_is_named_in_previews_imports_and_rule_runs(
    client, alex, stalling_rule
):
    preview = _upload(client, alex, "/api/v1/imports/preview").get_json()
    committed = _upload(client, alex, "/api/v1/imports")
    listed = client.get("/api/v1/imports", headers=alex).get_json()
    dry_run = client.post("/api/v1/rules/apply", headers=alex, json={"dry_run": True})
    applied = client.post("/api/v1/rules/apply", headers=alex, json={"dry_run": False})

    _only_skipped(preview, stalling_rule)
    assert committed.status_code == 201
    batch = committed.get_json()
    assert batch["row_count"] == 3
    assert batch["summary"]["skipped_rules"] == [_only_skipped(batch, stalling_rule)]
    _only_skipped(listed[0], stalling_rule)
    assert dry_run.get_json()["changed"] == 0
    _only_skipped(dry_run.get_json(), stalling_rule)
    _only_skipped(applied.get_json(), stalling_rule)


def test_the_openapi_document_describes_skipped_rules(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for name in ("ImportPreview", "ImportBatch", "RulesApplied"):
        field = schemas[name]["properties"]["skipped_rules"]
        assert field["type"] == "array" and "too slow" in field["description"]
    assert set(schemas["SkippedRule"]["properties"]) == {"id", "name", "reason"}
