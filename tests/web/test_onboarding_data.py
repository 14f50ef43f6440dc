"""The wizard's data step in the browser: the four ways in, what the ledger holds, each
choice saved, the import and old-file pages open while the wizard is at this step."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import User, UserSettings
from tests.conftest import AuthActions, csrf_token_from
from tests.factories import add_transactions, make_user
from tests.legacy.test_upload_pages import _apply as apply_old_file
from tests.legacy.test_upload_pages import _upload as upload_old_file
from tests.legacy_sample import make_old_file
from tests.web.test_import_pages import MARCH
from tests.web.test_import_pages import _confirm as confirm_import
from tests.web.test_import_pages import _upload as upload_import

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def old_file(tmp_path_factory) -> tuple[bytes, dict]:
    return make_old_file(tmp_path_factory.mktemp("legacy"))


@pytest.fixture
def wizard_app(fresh_app):
    """The app with its clock pinned (the sample data is dated from it)."""
    fresh_app.config["TODAY"] = TODAY
    return fresh_app


@pytest.fixture
def browser(wizard_app):
    return wizard_app.test_client()


def at_step(session, browser, step: str, username: str = "alex") -> User:
    user = make_user(session, username, onboarded=False)
    user.onboarding_step = step
    session.commit()
    AuthActions(browser).login(username)
    return user


@pytest.fixture
def alex(session, browser):
    return at_step(session, browser, "data")


def _choose(browser, choice: str | None):
    token = csrf_token_from(browser.get("/welcome/data").get_data(as_text=True))
    form = {"csrf_token": token} | ({"choice": choice} if choice is not None else {})
    return browser.post("/welcome/data", data=form)


def _step(session, user) -> str:
    session.expire_all()
    return session.get(User, user.id).onboarding_step


def test_the_page_explains_the_four_ways_in_and_what_the_ledger_holds(browser, alex):
    page = browser.get("/welcome/data")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert 'aria-current="step">4. Get your data in<' in html
    for label in (
        "Import a file",
        "Upload your old desktop file",
        "Load sample data to explore",
        "Start empty",
    ):
        assert f"<strong>{label}</strong>" in html
    assert len(re.findall(r'<input[^>]*name="choice"[^>]*type="radio"', html)) == 4
    assert 'href="/imports"' in html and 'href="/settings/legacy"' in html
    assert "No transactions yet." in html


def test_start_empty_goes_on_to_the_budget(session, browser, alex):
    saved = _choose(browser, "empty")

    assert saved.status_code == 302 and saved.headers["Location"] == "/welcome/budget"
    assert _step(session, alex) == "budget"
    # Back to the step: the choice made is the one ticked.
    html = browser.get("/welcome/data").get_data(as_text=True)
    assert re.search(r'<input [^>]*checked[^>]*value="empty"', html)


def test_continue_without_a_choice_stays_on_the_step(session, browser, alex):
    refused = _choose(browser, None)

    assert refused.status_code == 400
    assert "Choose one way to start." in refused.get_data(as_text=True)
    assert _step(session, alex) == "data"


def test_import_is_refused_until_a_file_is_imported_here_in_the_wizard(session, browser, alex):
    refused = _choose(browser, "import")
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "Import a file first." in html and 'aria-invalid="true"' in html
    assert _step(session, alex) == "data"

    # The import pages are open while the wizard is at this step.
    preview = upload_import(browser, "march.csv", MARCH)
    assert preview.status_code == 200
    committed = confirm_import(browser, preview.get_data(as_text=True))
    assert committed.headers["Location"] == "/imports/batches"
    batches = browser.get("/imports/batches").get_data(as_text=True)
    assert "Back to setup" in batches and 'href="/welcome/data"' in batches

    page = browser.get("/welcome/data").get_data(as_text=True)
    assert "4 transactions" in page and "Files imported: 1." in page
    saved = _choose(browser, "import")
    assert saved.status_code == 302 and saved.headers["Location"] == "/welcome/budget"
    # Past the data step the import pages stay open (back to the step finds them); the
    # rest of the ledger still leads to the wizard until it is finished.
    assert browser.get("/imports").status_code == 200
    closed = browser.get("/transactions")
    assert closed.status_code == 302 and closed.headers["Location"] == "/welcome"


@pytest.mark.parametrize("path", ["/imports", "/imports/batches", "/settings/legacy"])
def test_getting_data_in_is_closed_before_the_data_step(session, browser, path):
    at_step(session, browser, "profile")

    answer = browser.get(path)

    assert answer.status_code == 302 and answer.headers["Location"] == "/welcome"


def test_the_step_is_not_open_before_it_is_reached(session, browser):
    user = at_step(session, browser, "owners")

    token = csrf_token_from(browser.get("/account/password").get_data(as_text=True))
    posted = browser.post("/welcome/data", data={"csrf_token": token, "choice": "empty"})
    for answer in (browser.get("/welcome/data"), posted):
        assert answer.status_code == 302
        assert answer.headers["Location"] == "/welcome/owners"
    assert _step(session, user) == "owners"


def test_sample_data_keeps_the_currency_and_month_start(session, browser, alex):
    with tenancy.acting_as(session, alex.id):
        row = session.scalars(select(UserSettings)).one()
        row.currency, row.month_start_day = "EUR", 15
        session.commit()

    saved = _choose(browser, "sample")

    # The sample household brings budgets: the budget step is skipped.
    assert saved.status_code == 302 and saved.headers["Location"] == "/welcome/complete"
    html = browser.get("/welcome/data").get_data(as_text=True)
    assert re.search(r"[\d,]+ transactions,\s+from", html)
    with tenancy.acting_as(session, alex.id):
        session.expire_all()
        kept = session.scalars(select(UserSettings)).one()
        assert (kept.currency, kept.month_start_day) == ("EUR", 15)


def test_sample_data_is_refused_into_a_ledger_with_transactions(session, browser, alex):
    add_transactions(session, alex, [(TODAY, "Coffee", "-3.50", None)])

    refused = _choose(browser, "sample")

    assert refused.status_code == 400
    assert "The ledger already has transactions." in refused.get_data(as_text=True)
    assert _step(session, alex) == "data"


def test_the_old_desktop_file_inside_the_wizard(session, browser, alex, old_file):
    assert "old desktop file" in _choose(browser, "legacy").get_data(as_text=True)

    uploaded = upload_old_file(browser, old_file[0])
    assert uploaded.status_code == 302
    upload_id = int(uploaded.headers["Location"].rsplit("/", 1)[1])
    report = browser.get(f"/settings/legacy/{upload_id}").get_data(as_text=True)
    assert "Nothing is in your ledger yet" in report and "continue-setup" not in report
    assert _choose(browser, "legacy").status_code == 400  # checked is not brought in

    applied = apply_old_file(browser, upload_id)
    assert applied.status_code == 302
    report = browser.get(f"/settings/legacy/{upload_id}").get_data(as_text=True)
    assert 'data-testid="continue-setup"' in report
    page = browser.get("/welcome/data").get_data(as_text=True)
    assert "Old desktop files brought in: 1." in page

    saved = _choose(browser, "legacy")

    # The old file brought budgets: the budget step is skipped, the wizard can finish.
    assert saved.status_code == 302 and saved.headers["Location"] == "/welcome/complete"
    assert _step(session, alex) == "complete"
