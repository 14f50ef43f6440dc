"""Before the first-run wizard is finished nothing else is reachable, tried on every route
of the URL map: every page leads to the wizard (sign-out, password and the wizard itself
excepted) and every API endpoint answers 403 ``onboarding_required`` (who-am-I, the
password, sign-out and the wizard's own endpoints excepted), except that getting data in
is open while the wizard is at its ``data`` step. A route added later is checked here
with no change to this file."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from homeledger import tenancy
from homeledger.models import AuditLog, Transaction, User
from tests.conftest import api_login, bearer, csrf_token_from, web_login
from tests.factories import make_user

IGNORED_METHODS = {"HEAD", "OPTIONS"}
# Pages a person in the wizard may open at any step.
OPEN_PAGES = {"auth.logout", "auth.change_password", "static", "favicon"}
OPEN_PAGE_BLUEPRINTS = {"onboarding", "invites", "auth"}  # auth: sign-in pages, signed out
# API endpoints a person in the wizard may call at any step, and the public ones.
OPEN_API = {
    "api_me.me",
    "api_me.change_password",
    "api_auth.logout",
    "api-docs.openapi_json",
    "api-docs.openapi_redoc",
    "api_health.health",
    "api_auth.login",
    "api_auth.refresh",
}
DATA_STEP_PAGES = {"imports", "import_undo", "legacy_upload"}
DATA_STEP_API = {"api_imports", "api_legacy_uploads"}
# A body that would create something if it got through: a transaction, an owner, a budget.
TEMPTING = {
    "date": "2026-11-01",
    "description": "Should not exist",
    "amount": "-12.50",
    "name": "Intruder",
    "month": "2026-11",
    "category_id": 1,
}


def _routes(app, *, api: bool):
    """(endpoint, blueprint, method, url) of every route of one kind, ids filled with 1."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") != api:
            continue
        url = re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule)
        blueprint = rule.endpoint.rpartition(".")[0]
        for method in sorted(rule.methods - IGNORED_METHODS):
            found.append((rule.endpoint, blueprint, method, url))
    return found


def _at_step(session, username: str, step: str) -> None:
    user = session.scalars(select(User).where(User.username == username)).one()
    user.onboarding_step = step
    session.commit()


def _counts(session, user_id: int) -> tuple[int, int]:
    with tenancy.acting_as(session, user_id):
        rows = session.scalar(select(func.count()).select_from(Transaction))
    return rows, session.scalar(select(func.count()).select_from(AuditLog))


@pytest.fixture
def newcomer(session):
    return make_user(session, "newcomer", onboarded=False)


@pytest.mark.parametrize("step", ["profile", "data", "complete"])
def test_every_page_leads_to_the_wizard_until_it_is_finished(app, session, newcomer, step):
    _at_step(session, "newcomer", step)
    client = app.test_client()
    assert web_login(client, "newcomer").status_code == 302
    csrf = csrf_token_from(client.get("/account/password").get_data(as_text=True))
    before = _counts(session, newcomer.id)
    wrong, tried = [], 0
    for endpoint, blueprint, method, url in _routes(app, api=False):
        if endpoint in OPEN_PAGES or blueprint in OPEN_PAGE_BLUEPRINTS:
            continue
        if step != "profile" and blueprint in DATA_STEP_PAGES:
            continue  # open from the data step on
        answer = client.open(
            url, method=method, data={**TEMPTING, "csrf_token": csrf}, headers={"X-CSRFToken": csrf}
        )
        answer.close()
        tried += 1
        if answer.status_code != 302 or not answer.headers["Location"].endswith("/welcome"):
            wrong.append(f"{method} {url}: {answer.status_code} {answer.headers.get('Location')}")
    assert wrong == []
    assert tried > 60  # the scan really saw the ledger's pages
    session.expire_all()
    assert _counts(session, newcomer.id)[0] == before[0]  # nothing was written


def test_the_wizard_opens_at_the_step_reached_and_the_overview_leads_there(app, session, newcomer):
    _at_step(session, "newcomer", "categories")
    client = app.test_client()
    landing = web_login(client, "newcomer")
    assert client.get(landing.headers["Location"]).headers["Location"].endswith("/welcome")
    assert client.get("/welcome").headers["Location"].endswith("/welcome/categories")
    # The menu is only the wizard and signing out; the password page stays open.
    page = client.get("/account/password")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Setting up" in html and "Sign out" in html and 'href="/transactions' not in html


def test_an_abandoned_wizard_resumes_where_it_stopped_after_signing_out(app, session, auth):
    make_user(session, "alex", onboarded=False)
    _at_step(session, "alex", "data")
    auth.login()
    assert auth.logout().status_code == 302
    landing = auth.login()
    client = auth._client
    assert client.get(landing.headers["Location"]).headers["Location"].endswith("/welcome")
    assert client.get("/welcome").headers["Location"].endswith("/welcome/data")
    assert client.get("/welcome/data").status_code == 200


def test_getting_data_in_opens_once_the_wizard_reaches_the_data_step(app, session, newcomer):
    client = app.test_client()
    assert web_login(client, "newcomer").status_code == 302
    _at_step(session, "newcomer", "categories")
    assert client.get("/imports").status_code == 302
    assert client.get("/settings/legacy").status_code == 302
    _at_step(session, "newcomer", "data")
    page = client.get("/imports")
    assert page.status_code == 200
    assert 'data-testid="wizard-banner"' in page.get_data(as_text=True)
    assert client.get("/settings/legacy").status_code == 200
    assert client.get("/transactions").status_code == 302  # the rest stays closed
    # Back from the budget to the data step: its import pages are still there.
    _at_step(session, "newcomer", "budget")
    assert client.get("/imports").status_code == 200
    assert client.get("/imports/batches").status_code == 200
    assert client.get("/budgets").status_code == 302


def test_a_finished_wizard_sends_its_pages_to_the_overview(app, session, newcomer):
    _at_step(session, "newcomer", "done")
    client = app.test_client()
    assert web_login(client, "newcomer").status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/welcome").headers["Location"].endswith("/")


def test_a_temporary_password_comes_before_the_wizard(app, session):
    make_user(session, "temp", onboarded=False, must_change_password=True)
    client = app.test_client()
    web_login(client, "temp")
    # The wizard itself is behind the password change, like everything else.
    assert client.get("/welcome").headers["Location"].endswith("/account/password")
    assert client.get("/welcome/profile").headers["Location"].endswith("/account/password")


@pytest.mark.parametrize("step", ["profile", "owners", "data", "budget", "complete"])
def test_every_api_endpoint_answers_onboarding_required_until_done(app, session, newcomer, step):
    _at_step(session, "newcomer", step)
    client = app.test_client()
    token = bearer(api_login(client, "newcomer").get_json()["access_token"])
    before = _counts(session, newcomer.id)
    wrong, tried = [], 0
    for endpoint, blueprint, method, url in _routes(app, api=True):
        if endpoint in OPEN_API or blueprint == "api_onboarding":
            continue
        if step in ("data", "budget", "complete") and blueprint in DATA_STEP_API:
            continue  # open from the data step on
        answer = client.open(url, method=method, headers=token, json=TEMPTING)
        tried += 1
        body = answer.get_json(silent=True) or {}
        code = body.get("error", {}).get("code")
        if answer.status_code != 403 or code != "onboarding_required":
            wrong.append(f"{method} {url}: {answer.status_code} {code}")
        elif step not in body["error"]["message"]:
            wrong.append(f"{method} {url}: the message does not name the step")
    assert wrong == []
    assert tried > 60
    session.expire_all()
    assert _counts(session, newcomer.id)[0] == before[0]


def test_the_api_says_where_the_wizard_stands(app, session, newcomer):
    _at_step(session, "newcomer", "owners")
    client = app.test_client()
    signed_in = api_login(client, "newcomer").get_json()
    assert signed_in["user"]["onboarding_required"] is True
    token = bearer(signed_in["access_token"])
    me = client.get("/api/v1/me", headers=token).get_json()
    assert (me["onboarding_required"], me["onboarding_step"]) == (True, "owners")
    status = client.get("/api/v1/onboarding", headers=token).get_json()
    assert status["onboarding_step"] == "owners"
    assert [(s["key"], s["reachable"]) for s in status["steps"]] == [
        ("profile", True),
        ("owners", True),
        ("categories", False),
        ("data", False),
        ("budget", False),
    ]


def test_import_endpoints_open_once_the_wizard_reaches_the_data_step(app, session, newcomer):
    client = app.test_client()
    token = bearer(api_login(client, "newcomer").get_json()["access_token"])
    assert client.get("/api/v1/imports", headers=token).status_code == 403
    _at_step(session, "newcomer", "data")
    assert client.get("/api/v1/imports", headers=token).status_code == 200
    assert client.get("/api/v1/legacy-uploads", headers=token).status_code == 200
    assert client.get("/api/v1/transactions", headers=token).status_code == 403
    _at_step(session, "newcomer", "complete")
    assert client.get("/api/v1/imports", headers=token).status_code == 200


def test_signed_out_visitors_of_any_wizard_page_are_sent_to_sign_in(app):
    client = app.test_client()
    urls = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("onboarding."):
            url = urls.build(rule.endpoint, dict.fromkeys(rule.arguments, 1))
            if "GET" in rule.methods:
                answer = client.get(url)
            else:  # with the form's token, so that the app's CSRF check lets it through
                login = client.get("/login").get_data(as_text=True)
                token = login.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
                answer = client.post(url, data={"csrf_token": token})
            assert answer.status_code == 302, url
            assert "/login" in answer.headers["Location"], url


def test_complete_is_refused_until_every_step_is_saved_then_everything_opens(
    app, session, newcomer
):
    client = app.test_client()
    token = bearer(api_login(client, "newcomer").get_json()["access_token"])
    early = client.post("/api/v1/onboarding/complete", headers=token)
    assert early.status_code == 409
    assert early.get_json()["error"]["onboarding_step"] == "profile"
    _at_step(session, "newcomer", "complete")
    done = client.post("/api/v1/onboarding/complete", headers=token)
    assert done.status_code == 200
    assert done.get_json()["user"]["onboarding_required"] is False
    assert done.get_json()["landing_month"] is None  # nothing imported
    assert client.get("/api/v1/transactions", headers=token).status_code == 200
    assert client.post("/api/v1/onboarding/complete", headers=token).status_code == 200
    session.expire_all()
    actions = session.scalars(select(AuditLog.action).where(AuditLog.ledger_user_id == newcomer.id))
    assert list(actions).count("onboarding.complete") == 1
