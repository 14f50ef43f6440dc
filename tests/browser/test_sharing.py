"""Two partners in two browsers, at a desktop and a phone width: Alex shares the ledger
with Sam as an editor on the sharing page; Sam switches to Alex's ledger with the
switcher in the navigation and records a transaction there; Alex opens it and sees that
Sam entered it. No console error, nothing wider than the screen."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger import create_app, tenancy
from homeledger.config import TestConfig
from homeledger.extensions import db
from homeledger.models import LedgerMember, Transaction
from homeledger.services import categories, profile
from homeledger.services.profile import ProfileChange
from tests.browser.conftest import Tab, serving
from tests.factories import DEFAULT_PASSWORD, add_transactions, make_user

pytest.importorskip("playwright.sync_api")

TODAY = date(2026, 11, 20)
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def household(tmp_path, migrated_sqlite_template) -> Iterator[tuple[str, object]]:
    """A live server with Alex (pounds, owners Alex and Sam, one transaction) and Sam
    (a ledger of their own), who share nothing yet."""
    path = tmp_path / "homeledger.db"
    shutil.copyfile(migrated_sqlite_template, path)
    app = create_app(TestConfig(f"sqlite:///{path}"))
    app.config["TODAY"] = TODAY
    with app.app_context():
        engine = db.engine
    with Session(engine) as session:
        alex = make_user(session, "alex", display_name="Alex")
        make_user(session, "sam", display_name="Sam")
        with tenancy.acting_as(session, alex.id):
            profile.update(session, alex, ProfileChange(currency="GBP"))
            categories.add_owners(session, ["Alex", "Sam"])
            session.commit()
        add_transactions(session, alex, [(date(2026, 11, 2), "Council tax", "-120.00", None)])
    with serving(app) as base:
        yield base, engine


class Person(Tab):
    """One person's browser, signed in."""

    def __init__(self, browser, base: str, width: int, username: str) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.context.set_default_timeout(10_000)
        super().__init__(self.context.new_page(), base, width, username)
        self.goto("/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEFAULT_PASSWORD)
        self.press("Sign in")
        self.at("/")

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.at(path.split("?")[0])

    def main(self) -> str:
        return self.page.locator("main").inner_text()


@pytest.mark.parametrize("device", list(WIDTHS))
def test_alex_shares_with_sam_who_adds_a_transaction_alex_sees_was_theirs(
    household, browser, device, tmp_path
):
    base, engine = household
    width = WIDTHS[device]
    alex = Person(browser, base, width, "alex")
    sam = Person(browser, base, width, "sam")
    try:
        # Sam has one ledger: no switcher, their own named.
        assert sam.page.get_by_test_id("ledger-switch").count() == 0
        assert sam.page.get_by_test_id("acting-ledger").inner_text() == "Your ledger"

        # Alex shares the ledger with Sam as an editor, on the sharing page.
        alex.goto("/settings/sharing")
        assert "You have not shared this ledger with anyone yet." in alex.main()
        alex.page.get_by_label("Username").fill("sam")
        alex.page.get_by_label("Editor", exact=False).check()
        alex.press("Share the ledger")
        alex.at("/settings/sharing")
        assert "Sam can now use this ledger as editor" in alex.main()
        assert alex.page.get_by_test_id("member-sam").is_visible()
        alex.page.screenshot(path=str(tmp_path / f"sharing-{device}.png"), full_page=True)

        # Sam's next page has the switcher; Sam switches to Alex's ledger.
        sam.goto("/")
        switch = sam.page.get_by_test_id("ledger-switch")
        assert switch.is_visible()  # outside the menu, which folds on a phone
        sam.page.get_by_label("Ledger", exact=True).select_option(label="Alex's ledger (editor)")
        sam.press("Switch")
        sam.at("/")
        chosen = sam.page.locator("#ledger-choice option:checked").inner_text()
        assert chosen == "Alex's ledger (editor)"
        sam.goto("/transactions")
        assert "Council tax" in sam.main() and "-£120.00" in sam.main()

        # Sam records a transaction in Alex's ledger.
        sam.press("New transaction")  # a link that looks like a button
        sam.at("/transactions/new")
        sam.page.get_by_label("Date").fill("2026-11-18")
        sam.page.get_by_label("Amount").fill("-31.50")
        sam.page.get_by_label("Description").fill("Hardware store")
        sam.press("Save")
        sam.at("/transactions")
        assert "Hardware store" in sam.main()

        # Alex opens it: Sam entered it.
        alex.goto("/transactions")
        alex.page.get_by_role("link", name="Edit Hardware store", exact=False).click()
        alex.page.wait_for_load_state()
        assert "/transactions/" in alex.page.url and alex.page.url.split("?")[0].endswith("/edit")
        assert alex.page.get_by_test_id("attribution").inner_text() == "Entered by Sam."
        alex.at(alex.page.url.split("?")[0].removeprefix(base))
    finally:
        alex.context.close()
        sam.context.close()
    assert alex.problems + sam.problems == []

    with Session(engine) as session:
        grant = session.scalars(select(LedgerMember)).one()
        assert grant.role == "editor"
        with tenancy.acting_as(session, grant.ledger_user_id):
            row = session.scalars(
                select(Transaction).where(Transaction.description == "Hardware store")
            ).one()
        assert row.created_by_id == grant.member_id and str(row.amount) == "-31.50"
