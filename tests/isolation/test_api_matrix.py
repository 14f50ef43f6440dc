"""Every API route of the URL map tried by B (with a bearer token) against A's ledger, and
with no token at all; and every JSON body sent with fields that would move a row into
A's ledger or raise B.

B calls every route that takes an id with A's ids and a body that would do the route's
work (404; admin routes 403, as B is no admin), every list, report and export, and
searches that would find A's rows: none of A's names, words or totals, and A's rows,
sign-ins, tokens and grants are unchanged. Without a token every route but ``PUBLIC``
answers 401. A route added later is tried here with no change to this file; one whose
URL variable A has no sample row for fails the test by name (tenants.no_sample).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from homeledger.models import User
from tests.conftest import api_login, bearer, web_login
from tests.factories import make_user
from tests.isolation.tenants import (
    B_NAME,
    Tenants,
    a_markers_in,
    changed,
    fill,
    no_sample,
    seed,
    snapshot,
    variables,
)
from tests.shared_ledgers import BANK_FILE, MONTH, NEXT_MONTH, TODAY

# Routes that take no token, and why; they too must show nothing of A's.
PUBLIC = {
    "api-docs.openapi_json": "the API's description",
    "api-docs.openapi_redoc": "the page that shows the API's description",
    "api_health.health": "whether the server and its database answer",
    "api_auth.login": "signing in: the password is the credential",
    "api_auth.refresh": "a new access token: the refresh token is the credential",
}
# Admin routes answer B (no admin) 403 instead of 404: the whole area is closed to B.
ADMIN = "api_admin_"
# The first-run wizard's steps answer someone past it (B) 409 "onboarding_finished".
WIZARD = "api_onboarding."
# Routes that end B's token: tried last.
LAST = ("api_auth.logout",)
# What a list needs in its query string to answer 200.
QUERIES = {
    "api_budgets.month": f"month={MONTH}",
    "api_budgets.year": f"year={TODAY.year}",
    "api_budget_advice.recommendations": f"month={MONTH}",
    "api_debts.delete_debt": "confirm=true",
    "api_me_data.export": "format=json",
}


# Fields that would write into A's ledger or raise B, added to every JSON body B sends.
def mass_assigned(a_id: int) -> dict[str, object]:
    return {
        "user_id": a_id,
        "ledger": a_id,
        "ledger_user_id": a_id,
        "role": "owner",
        "is_admin": True,
        "is_active": True,
    }


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    rule: str
    json_fields: frozenset[str]  # the fields its JSON body takes (empty: none)

    @property
    def takes_id(self) -> bool:
        return bool(variables(self.rule))


def routes(app, client) -> list[Route]:
    """Every API route and method, reads before writes, sign-out last."""
    document = client.get("/api/v1/openapi.json").get_json()
    spec, schemas = document["paths"], document["components"]["schemas"]
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operation = spec.get(path, {}).get(method.lower(), {})
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            schema = (body or {}).get("schema", {})
            if "$ref" in schema:
                schema = schemas[schema["$ref"].rpartition("/")[2]]
            fields = frozenset(schema.get("properties", {})) if body else frozenset()
            found.append(Route(rule.endpoint, method, rule.rule, fields))
    return sorted(found, key=lambda r: (r.endpoint in LAST, r.method != "GET", r.rule))


def api_rules(app) -> list:
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")]


def bodies(ids: dict[str, object], targets: dict[str, object]) -> dict[str, dict]:
    """What each write is sent: a request that does its work on the rows ``ids`` names
    (a merge: into a row of ``targets``')."""
    today = TODAY.isoformat()
    return {
        "api_ledger.create_transaction": {"date": today, "description": "New", "amount": "-1"},
        "api_ledger.edit_transaction": {"description": "Changed"},
        "api_ledger.bulk_edit": {"ids": [ids["transaction_id"]], "category_id": None},
        "api_ledger.create_category": {"name": "New category", "type": "expense"},
        "api_ledger.update_category": {"name": "Renamed"},
        "api_ledger.merge_category": {"target_id": targets["other_category_id"]},
        "api_ledger.create_owner": {"name": "New owner"},
        "api_ledger.update_owner": {"name": "Renamed"},
        "api_ledger.merge_owner": {"target_id": targets["other_owner_id"]},
        "api_ledger.create_rule": {"name": "New rule", "pattern": "x"},
        "api_ledger.replace_rule": {"name": "Renamed", "pattern": "y"},
        "api_ledger.apply_rules": {"only_uncategorised": True, "dry_run": True},
        "api_imports.save_profile": {
            "name": "New mapping",
            "mapping": {"date": "D", "description": "P", "amount": "A"},
        },
        "api_budgets.set_budget": {
            "month": MONTH,
            "category_id": ids["category_id"],
            "amount": "12.00",
        },
        "api_budgets.copy": {"from": MONTH, "to": NEXT_MONTH},
        "api_budget_advice.apply_recommendations": {"month": MONTH, "category_ids": []},
        "api_budget_advice.sync_commitments": {"month": MONTH, "dry_run": True},
        "api_commitments.create_commitment": {
            "name": "New bill",
            "amount": "10.00",
            "frequency": "monthly",
            "due_day": 5,
        },
        "api_commitments.edit_commitment": {"name": "Renamed"},
        "api_debts.create_debt": {"name": "New debt", "current_balance": "100.00"},
        "api_debts.edit_debt": {"name": "Renamed"},
        "api_debts.add_payment": {"date": today, "amount": "1.00"},
        "api_debts.edit_payment": {"amount": "2.00"},
        "api_goals.create_goal": {"name": "New goal", "target_amount": "100.00"},
        "api_goals.edit_goal": {"name": "Renamed"},
        "api_goals.add_contribution": {"date": today, "amount": "1.00"},
        "api_sharing.add_member": {"username": "dee", "role": "editor"},
        "api_sharing.change_member": {"role": "editor"},
        "api_me_settings.patch_settings": {"currency": "EUR"},
        "api_me.change_password": {"current_password": "wrong", "new_password": "x" * 20},
        "api_me_data.delete_data": {"confirm": "not-me"},
        "api_onboarding.join": {"ledger_id": ids["ledger_id"]},
        "api_onboarding.put_data": {"choice": "empty"},
        "api_onboarding.put_profile": {
            "currency": "EUR",
            "display_name": "Renamed",
            "month_start_day": 1,
        },
        "api_onboarding.put_owners": {"owners": []},
        "api_onboarding.put_categories": {"categories": []},
        "api_onboarding.save_budget_step": {"month": MONTH, "budgets": []},
        "api_admin_users.create_user": {"username": "newbie", "invite": "link"},
        "api_admin_users.update_user": {"role": "admin"},
        "api_admin_users.reissue": {"invite": "link"},
        "api_auth.logout": {},
    }


UPLOADS = {
    "api_imports.preview": ("file", BANK_FILE, "bank.csv"),
    "api_imports.commit": ("file", BANK_FILE, "bank.csv"),
    "api_legacy_uploads.upload": ("file", b"SQLite format 3\x00", "personal_finance.db"),
    "api_me_data.import_export": ("file", b"{}", "export.json"),
}


def request_for(route: Route, ids: dict[str, object], sent: dict[str, dict], extra: dict):
    """The URL and what goes with it: ``sent``'s body (plus ``extra``) or a file."""
    url = fill(route.rule, ids)
    if route.endpoint in QUERIES:
        url = f"{url}?{QUERIES[route.endpoint]}"
    if route.endpoint in UPLOADS:
        field, data, name = UPLOADS[route.endpoint]
        return url, {"data": {field: (io.BytesIO(data), name)}}
    if route.json_fields or route.endpoint in sent:
        return url, {"json": sent.get(route.endpoint, {}) | extra}
    return url, {}


def _call(client, route: Route, url: str, headers: dict, kwargs: dict):
    answer = client.open(url, method=route.method, headers=headers, **kwargs)
    return answer, answer.get_data(as_text=True)


def token_of(client, username: str) -> dict[str, str]:
    return bearer(api_login(client, username).get_json()["access_token"])


def test_b_reaches_nothing_of_a_through_the_api(app, client, session):
    tenants = seed(session)
    assert web_login(app.test_client(), "zanzibar7731").status_code == 302  # A's browser
    a_token = token_of(client, "zanzibar7731")  # A's device
    every = routes(app, client)
    assert no_sample(api_rules(app), tenants.ids) == []
    headers = token_of(client, "bea")
    sent = bodies(tenants.ids, tenants.b_ids)
    before = snapshot(session, tenants)
    wrong, tried = [], set()
    for route in every:
        url, kwargs = request_for(route, tenants.ids, sent, {})
        answer, text = _call(client, route, url, headers, kwargs)
        tried.add((route.endpoint, route.method))
        said = f"{route.method} {url} ({route.endpoint}): {answer.status_code} {text[:200]}"
        admin = route.endpoint.startswith(ADMIN)
        if answer.status_code >= 500:
            wrong.append(said)
        elif route.takes_id:
            if answer.status_code != (403 if admin else 404):
                wrong.append(f"{said}, not {403 if admin else 404}")
        elif route.method == "GET" and route.endpoint.startswith(WIZARD):
            if answer.status_code not in (200, 409):
                wrong.append(said)
        elif route.method == "GET" and answer.status_code != (403 if admin else 200):
            wrong.append(said)
        if marks := a_markers_in(text):
            wrong.append(f"{said}: shows A's {marks}")
        wrote = route.method != "GET" and answer.status_code < 400
        if wrote and (moved := changed(before, snapshot(session, tenants))):
            wrong.append(f"{said}: changed A's {moved}")
            before = snapshot(session, tenants)
    if moved := changed(before, snapshot(session, tenants)):
        wrong.append(f"after the walk, A's {moved} changed")
    assert not wrong, "\n".join(wrong)
    untried = {(r.endpoint, r.method) for r in every} - tried
    assert not untried, f"routes the matrix did not try: {sorted(untried)}"
    assert len(tried) > 100
    own = client.get("/api/v1/transactions", headers=a_token)
    assert own.status_code == 200 and "Zanzibar-A-7731 payee" in own.get_data(as_text=True)
    wrong = searches_as_b(client, tenants, token_of(client, "bea"))
    assert not wrong, "\n".join(wrong)


def searches_as_b(client, tenants: Tenants, headers: dict) -> list[str]:
    """B's searches and exports: B's rows, none of A's."""
    ids, wrong = tenants.ids, []
    for url in (
        "/api/v1/transactions?search=anzibar",
        "/api/v1/transactions?search=7731",
        f"/api/v1/transactions?category_id={ids['category_id']}",
        f"/api/v1/transactions?owner_id={ids['owner_id']}",
        "/api/v1/analytics/top-payees",
        "/api/v1/me/export?format=json",
        "/api/v1/me/export?format=csv",
    ):
        answer = client.get(url, headers=headers)
        text = answer.get_data(as_text=True)
        if answer.status_code >= 500 or a_markers_in(text):
            wrong.append(f"{url}: {answer.status_code} {a_markers_in(text)}")
        if "export" in url and B_NAME not in text:
            wrong.append(f"{url}: B's own rows are not in it")
    return wrong


def test_without_a_token_every_route_answers_401(app, client, session):
    tenants = seed(session)
    sent = bodies(tenants.ids, tenants.b_ids)
    wrong, public = [], set()
    for route in routes(app, client):
        url, kwargs = request_for(route, tenants.ids, sent, {})
        answer, text = _call(client, route, url, {}, kwargs)
        said = f"{route.method} {url} ({route.endpoint}): {answer.status_code}"
        if route.endpoint in PUBLIC:
            public.add(route.endpoint)
            if answer.status_code >= 500:
                wrong.append(said)
        elif answer.status_code != 401:
            wrong.append(f"{said}, not 401")
        if marks := a_markers_in(text):
            wrong.append(f"{said}: shows A's {marks}")
    assert not wrong, "\n".join(wrong)
    assert public == set(PUBLIC)


def test_fields_naming_a_ledger_or_a_role_are_refused_in_every_json_body(app, client, session):
    """B's own rows, valid bodies, plus ``mass_assigned``: refused with a 422 naming only
    those fields (the body was otherwise valid), or, where a route takes such a field as
    its own, that field's own check; nothing of A's changes and B stays a plain user."""
    tenants = seed(session)
    headers = token_of(client, "bea")
    newcomer = make_user(session, "newcomer", onboarded=False)
    newcomer.onboarding_step = "budget"  # every step of the wizard open to them
    session.commit()
    in_wizard = token_of(client, "newcomer")
    extra = mass_assigned(tenants.a.id)
    sent = bodies(tenants.b_ids, tenants.b_ids)
    before = snapshot(session, tenants)
    wrong, refused = [], []
    for route in routes(app, client):
        if not route.json_fields or route.endpoint in PUBLIC or route.endpoint in LAST:
            continue
        url, kwargs = request_for(route, tenants.b_ids, sent, extra)
        wizard = route.endpoint.startswith(WIZARD)
        answer, text = _call(client, route, url, in_wizard if wizard else headers, kwargs)
        said = f"{route.method} {url} ({route.endpoint}): {answer.status_code} {text[:300]}"
        error = (answer.get_json(silent=True) or {}).get("error", {})
        named = set(error.get("fields", {}))
        if route.endpoint.startswith(ADMIN):
            if answer.status_code != 403:
                wrong.append(said)
        elif answer.status_code == 422 and named and named <= set(extra):
            refused.append(route.endpoint)
        else:
            wrong.append(f"{said}: not refused by the added fields alone")
    assert not wrong, "\n".join(wrong)
    assert len(refused) > 30
    assert changed(before, snapshot(session, tenants)) == []
    session.expire_all()
    b = session.get(User, tenants.b.id)
    assert (b.role, b.is_active) == ("user", True)
