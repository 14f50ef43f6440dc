"""A shared ledger tried on every API route of the URL map: a viewer reads every list and
every row of the shared ledger and every write is refused (403 ``read_only``, audited)
with nothing written; someone with no grant who names the ledger in ``X-Ledger-Id`` gets
404 everywhere and sees nothing of it; a removed member's live token loses the ledger on
its next request; an editor's writes say who made them. A route added later is tried
here with no change to this file, or the test says which route it cannot try."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import Budget, Transaction
from tests.conftest import api_login, bearer
from tests.shared_ledgers import (
    BANK_FILE,
    GENERIC_BODY,
    MARKS,
    MONTH,
    NEXT_MONTH,
    SAM_PRIVATE,
    TODAY,
    Household,
    audit_entries,
    make_household,
    marks_in,
    rows_of,
    share,
    unshare,
    url_for_rule,
)

IGNORED_METHODS = {"HEAD", "OPTIONS"}
LEDGER_HEADER = "X-Ledger-Id"
# Routes that take no token: nothing of any ledger behind them.
PUBLIC = {
    "api-docs.openapi_json",
    "api-docs.openapi_redoc",
    "api_health.health",
    "api_auth.login",
    "api_auth.refresh",
}
# Routes that change who is signed in or a membership: tried last, in this order, as they
# end the token or the grant the other requests need.
LAST = ("leave", "api_auth.logout")
# Ledger routes that take a POST but write nothing: what a file would bring in.
READS_BY_POST = {"api_imports.preview"}
# Lists and rows that must show the shared ledger's data: endpoint -> what it shows.
SHOWS = {
    "api_ledger.list_transactions": "transaction",
    "api_ledger.get_transaction": "transaction",
    "api_ledger.list_categories": "category",
    "api_ledger.list_owners": "owner",
    "api_ledger.list_rules": "rule",
    "api_commitments.list_commitments": "bill",
    "api_commitments.get_commitment": "bill",
    "api_debts.list_debts": "debt",
    "api_debts.get_debt": "debt",
    "api_goals.list_goals": "goal",
    "api_goals.get_goal": "goal",
    "api_imports.list_batches": "batch",
    "api_imports.list_profiles": "profile",
    "api_legacy_uploads.list_uploads": "upload",
    "api_legacy_uploads.get_upload": "upload",
    "api_budgets.month": "category",
}


@pytest.fixture
def household(session) -> Household:
    return make_household(session)


def _token(client, username: str) -> dict[str, str]:
    return bearer(api_login(client, username).get_json()["access_token"])


def _bodies(h: Household) -> dict:
    """What each write route is sent: a request that would change the ledger if allowed."""
    s = h.seeded

    def upload(data: bytes, name: str):
        return lambda: {"data": {"file": (io.BytesIO(data), name)}}

    def body(value: dict):
        return lambda: {"json": value}

    return {
        "api_ledger.create_transaction": body(
            {"date": TODAY.isoformat(), "description": "Not allowed", "amount": "-1.00"}
        ),
        "api_ledger.edit_transaction": body({"description": "Changed"}),
        "api_ledger.bulk_edit": body({"ids": [s.linked_transaction], "category_id": s.category}),
        "api_ledger.create_category": body({"name": "Not allowed", "type": "expense"}),
        "api_ledger.update_category": body({"name": "Renamed"}),
        "api_ledger.merge_category": body({"target_id": s.other_category}),
        "api_ledger.create_owner": body({"name": "Not allowed"}),
        "api_ledger.update_owner": body({"name": "Renamed"}),
        "api_ledger.merge_owner": body({"target_id": s.other_owner}),
        "api_ledger.create_rule": body(
            {"name": "Not allowed", "pattern": "x", "set_category_id": s.category}
        ),
        "api_ledger.replace_rule": body(
            {"name": "Renamed", "pattern": "quokka", "set_owner_id": s.owner}
        ),
        "api_ledger.apply_rules": body({"only_uncategorised": True, "dry_run": False}),
        "api_imports.preview": upload(BANK_FILE, "bank.csv"),
        "api_imports.commit": upload(BANK_FILE, "bank.csv"),
        "api_imports.save_profile": body(
            {"name": "Not allowed", "mapping": {"date": "D", "description": "P", "amount": "A"}}
        ),
        "api_legacy_uploads.upload": upload(h.old_file, "personal_finance.db"),
        "api_budgets.set_budget": body(
            {"month": MONTH, "category_id": s.category, "amount": "350.00"}
        ),
        "api_budgets.copy": body({"from": MONTH, "to": NEXT_MONTH}),
        "api_budget_advice.apply_recommendations": body(
            {"month": MONTH, "category_ids": [s.category]}
        ),
        "api_budget_advice.sync_commitments": body({"month": MONTH, "dry_run": False}),
        "api_commitments.create_commitment": body(
            {"name": "Not allowed", "amount": "10.00", "frequency": "monthly", "due_day": 5}
        ),
        "api_commitments.edit_commitment": body({"name": "Renamed"}),
        "api_debts.create_debt": body({"name": "Not allowed", "current_balance": "100.00"}),
        "api_debts.edit_debt": body({"name": "Renamed"}),
        "api_debts.add_payment": body({"date": TODAY.isoformat(), "amount": "10.00"}),
        "api_debts.edit_payment": body({"amount": "20.00"}),
        "api_goals.create_goal": body({"name": "Not allowed", "target_amount": "100.00"}),
        "api_goals.edit_goal": body({"name": "Renamed"}),
        "api_goals.add_contribution": body({"date": TODAY.isoformat(), "amount": "5.00"}),
    }


# What a route needs in its query string to do its work.
QUERIES = {
    "api_budgets.month": f"month={MONTH}",
    "api_budgets.year": f"year={TODAY.year}",
    "api_budget_advice.recommendations": f"month={MONTH}",
    "api_debts.delete_debt": "confirm=true",  # its payments go with it
}


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    rule: str
    chooses_ledger: bool  # the OpenAPI operation takes X-Ledger-Id
    generic: dict  # GENERIC_BODY's fields its JSON body takes


def _routes(app, client) -> list[Route]:
    """Every API route and method that needs a token, in the order to try them: reads,
    then writes, the ones that end the token or the grant last."""
    document = client.get("/api/v1/openapi.json").get_json()
    spec, schemas = document["paths"], document["components"]["schemas"]
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint in PUBLIC:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - IGNORED_METHODS):
            operation = spec.get(path, {}).get(method.lower(), {})
            chooses = any(
                p.get("in") == "header" and p.get("name") == LEDGER_HEADER
                for p in operation.get("parameters", [])
            )
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            schema = (body or {}).get("schema", {})
            if "$ref" in schema:
                schema = schemas[schema["$ref"].rpartition("/")[2]]
            fields = schema.get("properties", {})
            generic = {name: value for name, value in GENERIC_BODY.items() if name in fields}
            found.append(Route(rule.endpoint, method, rule.rule, chooses, generic))

    def order(route: Route) -> tuple:
        last = next((n for n, word in enumerate(LAST) if word in route.rule + route.endpoint), -1)
        return (last, route.method != "GET", not route.chooses_ledger, route.rule, route.method)

    return sorted(found, key=order)


def _url(route: Route, ids: dict[str, object]) -> str | None:
    """The route's URL with Alex's rows' ids; None if it has a variable we have no id for."""
    url = url_for_rule(route.rule, ids)
    if url is None or route.endpoint not in QUERIES:
        return url
    return f"{url}?{QUERIES[route.endpoint]}"


def _call(client, route: Route, url: str, headers: dict, bodies: dict):
    make = bodies.get(route.endpoint)
    kwargs = make() if make else ({"json": route.generic} if route.generic else {})
    return client.open(url, method=route.method, headers=headers, **kwargs)


def test_a_viewer_reads_everything_and_every_write_is_refused(app, client, session, household):
    h = household
    share(session, h.alex, h.sam, "viewer")
    headers = _token(client, "sam") | {LEDGER_HEADER: str(h.alex.id)}
    ids, bodies = h.ids(), _bodies(h)
    before = rows_of(session, h.alex.id)
    wrong, refused, seen, tried = [], [], set(), 0
    for route in _routes(app, client):
        url = _url(route, ids)
        if url is None:
            wrong.append(f"{route.method} {route.rule}: no id for its variables")
            continue
        answer = _call(client, route, url, headers, bodies)
        tried += 1
        text = answer.get_data(as_text=True)
        body = answer.get_json(silent=True)
        code = (body or {}).get("error", {}).get("code") if isinstance(body, dict) else None
        said = f"{route.method} {url} ({route.endpoint}): {answer.status_code} {code or ''}"
        if answer.status_code >= 500:
            wrong.append(said)
        elif not route.chooses_ledger or "leave" in route.rule:
            # About Sam himself (his settings, data, sign-in, the wizard, admin work,
            # giving up his grant): his own ledger, whatever the header says.
            if marks := marks_in(text):
                wrong.append(f"{said}: shows the shared ledger's {marks}")
        elif route.method == "GET":
            if answer.status_code != 200:
                wrong.append(said)
            elif route.endpoint in SHOWS and MARKS[SHOWS[route.endpoint]] not in text:
                wrong.append(f"{said}: does not show {MARKS[SHOWS[route.endpoint]]!r}")
            if SAM_PRIVATE in text:
                wrong.append(f"{said}: shows Sam's own ledger")
            seen.add(route.endpoint)
        elif route.endpoint in READS_BY_POST:
            if answer.status_code != 200:
                wrong.append(said)
        elif answer.status_code == 403 and code in ("read_only", "owner_required"):
            if code == "read_only":
                refused.append(f"{route.method} {url.partition('?')[0]}")
        else:
            wrong.append(f"{said}: not refused")
        if route.method != "GET" and rows_of(session, h.alex.id) != before:
            wrong.append(f"{said}: changed the shared ledger")
            before = rows_of(session, h.alex.id)
    assert not wrong, "\n".join(wrong)
    assert tried > 85
    assert len(refused) >= 35
    assert set(SHOWS) <= seen  # the lists this file names are still there
    audited = audit_entries(
        session, "ledger.write_refused", actor_id=h.sam.id, ledger_user_id=h.alex.id
    )
    assert sorted(entry.extra_data["request"] for entry in audited) == sorted(refused)
    assert {entry.outcome for entry in audited} == {"refused"}


def test_someone_without_a_grant_gets_404_everywhere_and_sees_nothing(
    app, client, session, household
):
    h = household
    share(session, h.alex, h.sam, "editor")  # someone else's grant opens nothing for Kim
    headers = _token(client, "kim") | {LEDGER_HEADER: str(h.alex.id)}
    ids, bodies = h.ids() | {"user_id": h.kim.id, "member_id": h.sam.id}, _bodies(h)
    before = rows_of(session, h.alex.id)
    wrong, chose = [], 0
    for route in _routes(app, client):
        url = _url(route, ids)
        if url is None:
            wrong.append(f"{route.method} {route.rule}: no id for its variables")
            continue
        answer = _call(client, route, url, headers, bodies)
        text = answer.get_data(as_text=True)
        said = f"{route.method} {url} ({route.endpoint}): {answer.status_code}"
        if route.chooses_ledger:
            chose += 1
            if answer.status_code != 404:
                wrong.append(said)
        elif answer.status_code >= 500:
            wrong.append(said)
        if marks := marks_in(text):
            wrong.append(f"{said}: shows the shared ledger's {marks}")
        if route.method != "GET" and rows_of(session, h.alex.id) != before:
            wrong.append(f"{said}: changed the shared ledger")
            before = rows_of(session, h.alex.id)
    assert not wrong, "\n".join(wrong)
    assert chose > 60
    assert audit_entries(session, "ledger.write", ledger_user_id=h.alex.id) == []


def test_a_header_that_names_no_ledger_of_the_callers_is_404(client, session, household):
    h = household
    share(session, h.alex, h.sam, "viewer")
    headers = _token(client, "sam")
    for named in ("abc", "", "0", "-1", "1.0", "99999999999999999999", "Ⅻ", str(h.kim.id)):
        answer = client.get("/api/v1/transactions", headers=headers | {LEDGER_HEADER: named})
        text = answer.get_data(as_text=True)
        assert answer.status_code == 404, named
        assert answer.get_json()["error"]["message"].startswith("No such ledger")
        assert not marks_in(text) and SAM_PRIVATE not in text
    spaced = client.get("/api/v1/transactions", headers=headers | {LEDGER_HEADER: f" {h.alex.id} "})
    assert spaced.status_code == 200 and MARKS["transaction"] in spaced.get_data(as_text=True)


def _descriptions(answer) -> list[str]:
    body = answer.get_json()
    rows = body["items"] if isinstance(body, dict) else body
    return [row["description"] for row in rows]


def test_a_removed_members_live_token_loses_the_ledger_on_its_next_request(
    client, session, household
):
    h = household
    share(session, h.alex, h.sam, "editor")
    token = _token(client, "sam")
    chosen = token | {LEDGER_HEADER: str(h.alex.id)}
    listed = client.get("/api/v1/transactions", headers=chosen)
    assert listed.status_code == 200 and MARKS["transaction"] in _descriptions(listed)
    ledgers = client.get("/api/v1/ledgers", headers=token)
    if ledgers.status_code != 404:  # the endpoint the issue fixes, once it exists
        listed = {ledger["id"]: (ledger["owner"], ledger["role"]) for ledger in ledgers.get_json()}
        assert listed == {h.sam.id: ("sam", "owner"), h.alex.id: ("alex", "editor")}

    unshare(session, h.alex, h.sam)
    before = rows_of(session, h.alex.id), rows_of(session, h.sam.id)
    for method, url, body in (
        ("GET", "/api/v1/transactions", None),
        ("GET", f"/api/v1/transactions/{h.seeded.transaction}", None),
        ("POST", "/api/v1/transactions", {"date": TODAY.isoformat(), "amount": "-9.00"}),
        ("DELETE", f"/api/v1/transactions/{h.seeded.transaction}", None),
    ):
        answer = client.open(url, method=method, headers=chosen, json=body)
        assert answer.status_code == 404, (method, url)
        assert not marks_in(answer.get_data(as_text=True))
    assert (rows_of(session, h.alex.id), rows_of(session, h.sam.id)) == before
    # Without the header the same token is Sam's own ledger, as before.
    own = client.get("/api/v1/transactions", headers=token)
    assert own.status_code == 200 and _descriptions(own) == [SAM_PRIVATE]
    ledgers = client.get("/api/v1/ledgers", headers=token)
    if ledgers.status_code != 404:
        assert [ledger["id"] for ledger in ledgers.get_json()] == [h.sam.id]


def test_an_editors_writes_say_who_made_them(client, session, household):
    h = household
    share(session, h.alex, h.sam, "editor")
    chosen = _token(client, "sam") | {LEDGER_HEADER: str(h.alex.id)}
    created = client.post(
        "/api/v1/transactions",
        headers=chosen,
        json={"date": TODAY.isoformat(), "description": "Sam's coffee", "amount": "-3.20"},
    )
    assert created.status_code == 201, created.get_json()
    changed = client.put(
        "/api/v1/budgets",
        headers=chosen,
        json={"month": MONTH, "category_id": h.seeded.category, "amount": "333.00"},
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["id"] == h.seeded.budget

    session.expire_all()
    with tenancy.acting_as(session, h.alex.id):
        row = session.get(Transaction, created.get_json()["id"])
        assert (row.description, row.created_by_id, row.updated_by_id) == (
            "Sam's coffee",
            h.sam.id,
            None,
        )
        budget = session.get(Budget, h.seeded.budget)
        assert (str(budget.amount), budget.created_by_id, budget.updated_by_id) == (
            "333.00",
            h.alex.id,
            h.sam.id,
        )
        assert (
            session.scalars(select(Transaction.id).where(Transaction.user_id == h.sam.id)).all()
            == []
        )
    session.rollback()
    entries = audit_entries(session, "ledger.write")
    assert [(e.actor_id, e.ledger_user_id) for e in entries] == [(h.sam.id, h.alex.id)] * 2
    assert entries[0].extra_data == {"added": {"transactions": 1}}
    assert (
        sum(
            entries[1].extra_data.get(change, {}).get("budgets", 0)
            for change in ("added", "changed")
        )
        == 1
    )


def test_an_editor_brings_in_an_old_file_and_the_audit_names_the_ledger(client, session, household):
    h = household
    share(session, h.alex, h.sam, "editor")
    chosen = _token(client, "sam") | {LEDGER_HEADER: str(h.alex.id)}
    uploaded = client.post(
        "/api/v1/legacy-uploads",
        headers=chosen,
        data={"file": (io.BytesIO(h.old_file), "personal_finance.db")},
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    before = rows_of(session, h.alex.id)["transactions"]
    applied = client.post(
        f"/api/v1/legacy-uploads/{uploaded.get_json()['id']}/apply", headers=chosen
    )
    assert applied.status_code == 200, applied.get_json()
    assert rows_of(session, h.alex.id)["transactions"] > before
    assert rows_of(session, h.sam.id)["transactions"] == 1  # Sam's own ledger untouched
    for action in ("legacy.upload", "legacy.apply"):
        [entry] = audit_entries(session, action, actor_id=h.sam.id)
        assert entry.ledger_user_id == h.alex.id, action
    written = audit_entries(session, "ledger.write", actor_id=h.sam.id, ledger_user_id=h.alex.id)
    assert sum(e.extra_data.get("added", {}).get("transactions", 0) for e in written) == (
        rows_of(session, h.alex.id)["transactions"] - before
    )


def test_me_is_always_the_callers_own_ledger_whatever_the_header_says(client, session, household):
    """An editor of Alex's ledger, naming it in X-Ledger-Id: the export, the settings and
    "delete all my data" are Sam's own."""
    h = household
    share(session, h.alex, h.sam, "editor")
    chosen = _token(client, "sam") | {LEDGER_HEADER: str(h.alex.id)}
    alex_before = rows_of(session, h.alex.id)
    exported = client.get("/api/v1/me/export?format=json", headers=chosen)
    text = exported.get_data(as_text=True)
    assert exported.status_code == 200 and SAM_PRIVATE in text and not marks_in(text)
    settings = client.patch("/api/v1/me/settings", headers=chosen, json={"currency": "EUR"})
    assert settings.status_code == 200, settings.get_json()
    deleted = client.post("/api/v1/me/delete-data", headers=chosen, json={"confirm": "sam"})
    assert deleted.status_code == 200, deleted.get_json()
    assert rows_of(session, h.alex.id) == alex_before
    assert rows_of(session, h.sam.id)["transactions"] == 0
    alex_settings = client.get("/api/v1/me/settings", headers=_token(client, "alex"))
    assert alex_settings.get_json()["currency"] != "EUR"
    assert [e.ledger_user_id for e in audit_entries(session, "data.delete")] == [h.sam.id]
    # Sam's grant is still there: the shared ledger is still his to use.
    assert client.get("/api/v1/transactions", headers=chosen).status_code == 200
