"""A debt's and a goal's name of 100 characters without a space, and a long lender: the
lists and the delete questions stay as wide as the screen, on a desktop and on a phone."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from homeledger import create_app, tenancy
from homeledger.config import TestConfig
from homeledger.extensions import db
from homeledger.services import debts, goals
from homeledger.services.debts import DebtInput
from homeledger.services.goals import GoalInput
from tests.browser.conftest import serving
from tests.factories import DEFAULT_PASSWORD, make_user

pytest.importorskip("playwright.sync_api")

NAME = "W" * 100


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, migrated_sqlite_template):
    path = tmp_path_factory.mktemp("long-names") / "homeledger.db"
    shutil.copyfile(migrated_sqlite_template, path)
    app = create_app(TestConfig(f"sqlite:///{path}"))
    with app.app_context():
        engine = db.engine
    with Session(engine) as session:
        alex = make_user(session, "alex")
        with tenancy.acting_as(session, alex.id):
            debt = debts.create(
                session,
                DebtInput(
                    name=NAME,
                    lender="L" * 100,
                    debt_type="loan",
                    current_balance=Decimal("50000"),
                    interest_rate=Decimal("100"),
                    minimum_payment=Decimal("1"),
                ),
            )
            goal = goals.create(
                session,
                GoalInput(name=NAME, target_amount=Decimal("100"), current_amount=Decimal("250")),
            )
            session.commit()
            ids = debt.id, goal.id
    with serving(app) as base:
        yield base, ids


@pytest.mark.parametrize("width", [1280, 390])
def test_long_names_stay_on_the_screen(live_server, browser, width):
    base, (debt_id, goal_id) = live_server
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(base + "/login")
        page.fill("input[name=username]", "alex")
        page.fill("input[name=password]", DEFAULT_PASSWORD)
        with page.expect_navigation():
            page.click("main form [type=submit]")
        too_wide = {}
        for path in ("/debts", f"/debts/{debt_id}/delete", "/goals", f"/goals/{goal_id}/delete"):
            page.goto(base + path)
            for panel in page.locator("details:not([open]) > summary").all():
                if panel.is_visible():
                    panel.click()  # the chart's figures, as a table
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                too_wide[path] = wide
        assert too_wide == {}
    finally:
        context.close()
