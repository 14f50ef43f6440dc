"""A brand-new household member, in a real browser, from the admin's invite link to an
overview of the month they imported: every step of the first-run wizard, with a small
bank file through the import preview, going back once on the way. Walked at a desktop
and at a phone width; nothing may be wider than the phone's screen."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homeledger import create_app, tenancy
from homeledger.config import TestConfig
from homeledger.extensions import db
from homeledger.models import Budget, Category, Owner, Transaction, User, UserSettings
from homeledger.services import admin_users
from tests.browser.conftest import Tab, serving
from tests.factories import make_user

pytest.importorskip("playwright.sync_api")

TODAY = date(2026, 11, 20)
NEW_PASSWORD = "a walk through the wizard at dawn"
BANK_FILE = (
    "Date,Description,Amount\n"
    "2026-10-01,SALARY ACME PTY LTD,4200.00\n"
    "2026-10-03,RENT OCTOBER,-1650.00\n"
    "2026-10-09,SUPERMARKET,-182.40\n"
    "2026-10-17,SUPERMARKET,-96.15\n"
    "2026-10-24,ELECTRICITY,-121.30\n"
)
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def wizard_server(tmp_path, migrated_sqlite_template) -> Iterator[tuple[str, object, str]]:
    path = tmp_path / "homeledger.db"
    shutil.copyfile(migrated_sqlite_template, path)
    app = create_app(TestConfig(f"sqlite:///{path}"))
    app.config["TODAY"] = TODAY
    with app.app_context():
        engine = db.engine
    with Session(engine) as session:
        root = make_user(session, "root", role="admin")
        _, invite = admin_users.create(
            session, root, username="jordan", invite="link", display_name="J"
        )
        session.commit()
    with serving(app) as base:
        yield base, engine, invite.token


@pytest.mark.parametrize("device", list(WIDTHS))
def test_an_invited_person_walks_the_wizard_to_the_month_they_imported(
    wizard_server, browser, device, tmp_path
):
    base, engine, token = wizard_server
    context = browser.new_context(viewport={"width": WIDTHS[device], "height": 900})
    context.set_default_timeout(10_000)
    walk = Tab(context.new_page(), base, WIDTHS[device])
    page = walk.page
    try:
        # The invite: a password of their own, then straight into the wizard.
        page.goto(f"{base}/invite/{token}")
        page.fill("input[name=new_password]", NEW_PASSWORD)
        page.fill("input[name=confirm]", NEW_PASSWORD)
        walk.press("Set my password and sign in")
        walk.at("/welcome/profile")

        # 1. Profile.
        page.fill("input[name=display_name]", "Jordan Lee")
        page.select_option("select[name=currency]", "EUR")
        page.select_option("select[name=month_start_day]", "1")
        walk.press("Continue")
        walk.at("/welcome/owners")

        # 2. Household: "Me" and "Joint" are suggested; a partner is added.
        assert page.get_by_label("Name of owner 1").count() == 0  # none saved yet
        names = page.locator("input[name$='-name']")
        assert [names.nth(i).input_value() for i in range(2)] == ["Me", "Joint"]
        names.nth(2).fill("Sam")
        walk.press("Continue")
        walk.at("/welcome/categories")

        # Back to the profile once: it kept what was typed, and leads forward again.
        page.get_by_role("link", name="Your profile").click()
        walk.at("/welcome/profile")
        assert page.input_value("input[name=display_name]") == "Jordan Lee"
        walk.press("Continue")
        walk.at("/welcome/owners")
        walk.press("Continue")
        walk.at("/welcome/categories")

        # 3. Categories: the universal ones are ticked; one is dropped, one added.
        page.get_by_label("Keep Entertainment").uncheck()
        page.locator("[aria-label^='New category']").first.fill("Pets")
        walk.press("Continue")
        walk.at("/welcome/data")

        # 4. Data: the bank file through the import's preview, then back to the wizard.
        page.get_by_role("button", name="Import a file").click()
        walk.at("/imports")
        assert page.get_by_test_id("wizard-banner").is_visible()
        bank = tmp_path / "bank.csv"
        bank.write_text(BANK_FILE)
        page.set_input_files("input[type=file]", str(bank))
        walk.press("Preview")
        walk.press("Import 5 transactions")
        walk.at("/imports/batches")
        page.get_by_role("button", name="Back to setup: continue with your data").click()
        walk.at("/welcome/data")
        assert "5 transactions" in page.get_by_test_id("ledger-holds").inner_text()
        page.get_by_label("Import a file").check()
        walk.press("Continue")
        walk.at("/welcome/budget")

        # 5. A first budget for October: no earlier history, so a split of an income.
        assert "October 2026" in page.locator("main").inner_text()
        page.fill("input[name=monthly_income]", "4200")
        walk.press("Suggest a split")
        housing = page.get_by_label("Housing", exact=True)
        assert housing.input_value() == "1260.00"  # 30 % of 4,200
        housing.fill("1650")
        walk.press("Save and continue")
        walk.at("/welcome/complete")

        # All set: Finish opens the overview of the imported month.
        assert "EUR" in page.locator("main").inner_text()
        walk.press("Finish")
        walk.at("/")
        assert "month=2026-10" in page.url
        overview = page.locator("main").inner_text()
        assert "October 2026" in overview
        assert "4,200.00" in overview  # the month's income, in the chosen currency's style
        assert page.get_by_role("link", name="Transactions").count() >= 1  # the full menu
        page.screenshot(path=str(tmp_path / f"overview-{device}.png"), full_page=True)
    finally:
        context.close()
    assert walk.problems == []

    with Session(engine) as session:
        jordan = session.scalars(select(User).where(User.username == "jordan")).one()
        assert jordan.onboarding_step == "done"
        with tenancy.acting_as(session, jordan.id):
            assert session.scalars(select(UserSettings.currency)).one() == "EUR"
            assert sorted(session.scalars(select(Owner.name))) == ["Joint", "Me", "Sam"]
            active = set(session.scalars(select(Category.name).where(Category.is_active)))
            assert "Pets" in active and "Entertainment" not in active
            assert session.scalar(select(func.count()).select_from(Transaction)) == 5
            housing = session.scalars(
                select(Budget.amount)
                .join(Category, Budget.category_id == Category.id)
                .where(Category.name == "Housing", Budget.year == 2026, Budget.month == 10)
            ).one()
            assert str(housing) == "1650.00"
