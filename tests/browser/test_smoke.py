"""Every page in a real browser: Chromium at a desktop and a phone width.

A live server on 127.0.0.1 with its own throwaway SQLite database; one signed-in
person with a little of everything (transactions, owners, a rule, an import), and
an admin. Every GET page in the URL map is visited, so a page added later is
visited too: a page whose URL takes an argument no sample fills fails here until
one does. The admin pages (under /admin) are visited signed in as the admin, the
others as the person.

Each visit must answer 200 with no console error, no failed request, nothing
wider than the screen at 390 px, and no serious or critical accessibility
problem found by axe-core (vendored in tests/data). A failing page leaves a
screenshot behind (the path is in the failure message).

Chromium is Debian's (/usr/bin/chromium); Playwright's own download is not used.
Without it the test is skipped, except under CI, where that is a failure.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from homeledger import create_app, tenancy
from homeledger.config import TestConfig
from homeledger.extensions import db
from homeledger.models import AuditLog
from homeledger.services import (
    admin_users,
    budgets,
    categories,
    commitments,
    debts,
    goals,
    import_profiles,
    imports,
    legacy_uploads,
    rules,
    sharing,
)
from homeledger.services.commitments import CommitmentInput
from homeledger.services.debts import DebtInput, PaymentInput
from homeledger.services.goals import ContributionInput, GoalInput
from homeledger.services.importing import CsvMapping
from homeledger.services.rules import RuleSpec
from tests.browser.conftest import serving
from tests.factories import DEFAULT_PASSWORD, add_transactions, category_id, make_user

DATA = Path(__file__).resolve().parents[1] / "data"
AXE = DATA / "axe-core-4.14.1" / "axe.min.js"
BANK_FILE = DATA / "bank_basic.csv"
LEGACY_SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "legacy" / "schema.sql"
WIDTHS = {"desktop": 1280, "phone": 390}
# Rules that are not pages: the API's JSON (the reading page /api/v1/docs is one),
# static files, and redirects.
NOT_PAGES = {"static", "favicon", "auth.logout"}
# Files to download, not pages to look at.
DOWNLOADS = {"admin_audit.download"}
ADMIN_PAGES = "/admin"
ADMIN = "root"
WIZARD_PAGES = "/welcome"
NEWCOMER = "robin"  # in the first-run wizard, every step saved: each step's page opens
BLOCKING = {"serious", "critical"}

pytest.importorskip("playwright.sync_api")


# --- the live server -------------------------------------------------------------------------


class Sample:
    """What the signed-in person has, so URLs with an id have one to show."""

    def __init__(self, session: Session) -> None:
        alex = make_user(session, "alex")
        start = date(2026, 1, 1)
        with tenancy.acting_as(session, alex.id):
            owners = categories.add_owners(session, ["Alex", "Sam"])
            groceries = category_id(session, "Groceries")
            rule = rules.create_rule(
                session, RuleSpec("Supermarket", "tesco", set_category_id=groceries)
            )
            csv = b"Date,Description,Amount\n2026-02-01,TESCO STORES,-42.17\n2026-02-02,PAY,900\n"
            batch = imports.commit(session, "bank.csv", csv)
            profile = import_profiles.save_profile(
                session,
                "My bank",
                CsvMapping(date="Date", description="Description", amount="Amount"),
            )
            bill = commitments.create(
                session,
                CommitmentInput(
                    name="Supermarket delivery",
                    amount=Decimal("42.17"),
                    frequency="monthly",
                    start_date=date(2026, 1, 1),
                    category_id=groceries,
                ),
            )
            # Budgets this month (the budget page's lines) and in January (the year view).
            today = date.today()
            budget_id = budgets.set_budget(
                session, today.year, today.month, groceries, Decimal("250"), owners[0].id
            )
            budgets.set_budget(session, 2026, 1, groceries, Decimal("40"))
            goal = goals.create(
                session,
                GoalInput(
                    name="Holiday",
                    target_amount=Decimal("3000"),
                    target_date=date(today.year + 1, 6, 30),
                    owner_id=owners[1].id,
                ),
            )
            contribution = goals.add_contribution(
                session, goal.id, ContributionInput(date=today, amount=Decimal("250"))
            )
            # A debt with a payment (its page, the payment's edit and delete pages, the plan).
            debt = debts.create(
                session,
                DebtInput(
                    name="Visa",
                    debt_type="credit_card",
                    current_balance=Decimal("1000.00"),
                    interest_rate=Decimal("19.99"),
                    minimum_payment=Decimal("50.00"),
                    owner_id=owners[0].id,
                ),
            )
            payment = debts.add_payment(
                session, debt.id, PaymentInput(date=date(2026, 1, 28), amount=Decimal("150.00"))
            )
            upload = legacy_uploads.upload(session, alex, "personal_finance.db", _old_file())
            session.commit()
            upload_id = upload.id
            owner_id, rule_id, batch_id, bill_id = owners[0].id, rule.id, batch.id, bill.id
            profile_id = profile.id
            goal_id, contribution_id = goal.id, contribution.id
            debt_id, payment_id = debt.id, payment.id
        ids = add_transactions(
            session,
            alex,
            [
                (start + timedelta(days=i), f"Shop {i}", f"-{i + 1}.50", "Groceries")
                for i in range(60)
            ],
        )
        # An admin whose password is their own (no temporary one to change first).
        root = make_user(session, ADMIN, role="admin")
        newcomer = make_user(session, NEWCOMER, onboarded=False, display_name="Robin")
        newcomer.onboarding_step = "complete"
        # Someone the admin invited by link (their page, and the invite's page).
        invited, invite = admin_users.create(session, root, username="sam", invite="link")
        # Alex shares their ledger with them (the remove page), and the admin shares theirs
        # with Alex (the switcher on every page, and the leave page).
        with tenancy.acting_as(session, alex.id):
            sharing.add_member(session, "sam", "editor")
        with tenancy.acting_as(session, root.id):
            sharing.add_member(session, "alex", "viewer")
        # An audit entry with long values (the log's table and the entry's page on a phone).
        entry = AuditLog.entry(
            "auth.login",
            actor_name="someone-typing-a-rather-long-username",
            outcome="failure",
            ip_address="2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            extra={"reason": "unknown_user", "device": {"name": "Phone " * 20, "token": "x"}},
        )
        session.add(entry)
        session.commit()
        entry_id = entry.id
        self.arguments = {
            "entry_id": entry_id,
            "transaction_id": ids[0],
            "rule_id": rule_id,
            "batch_id": batch_id,
            "owner_id": owner_id,
            "category_id": groceries,
            "bill_id": bill_id,
            "budget_id": budget_id,
            "goal_id": goal_id,
            "contribution_id": contribution_id,
            "debt_id": debt_id,
            "payment_id": payment_id,
            "profile_id": profile_id,
            "user_id": invited.id,
            "token": invite.token,
            "upload_id": upload_id,
            "ledger_id": root.id,
        }


def _old_file() -> bytes:
    """A small old desktop database (the shared schema, a few rows, one unreadable amount)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "personal_finance.db"
        db_file = sqlite3.connect(path)
        db_file.executescript(LEGACY_SCHEMA.read_text())
        db_file.executemany(
            "INSERT INTO transactions (date, description, amount, category, owner, type)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                ("2025-01-03", "WOOLWORTHS", "54.20", "Groceries", "Alex", "expense"),
                ("2025-01-15", "SALARY", "3,100.00", "Salary", "Sam", "income"),
                ("2025-01-20", "CAFE", "MCT", "Dining Out", "Alex", "expense"),
            ],
        )
        db_file.commit()
        db_file.close()
        return path.read_bytes()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, migrated_sqlite_template) -> Iterator[tuple[str, object]]:
    path = tmp_path_factory.mktemp("browser") / "homeledger.db"
    shutil.copyfile(migrated_sqlite_template, path)
    app = create_app(TestConfig(f"sqlite:///{path}"))
    with app.app_context():
        engine = db.engine
    with Session(engine) as session:
        sample = Sample(session)
    with serving(app) as base:
        yield base, app, sample


def _pages(app, sample: Sample) -> list[str]:
    """Every GET page of the URL map, with the sample's ids filled in."""
    paths, unfilled = set(), []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in NOT_PAGES | DOWNLOADS:
                continue
            if rule.rule.startswith("/api/") and rule.endpoint != "api-docs.openapi_redoc":
                continue
            missing = [a for a in rule.arguments if a not in sample.arguments]
            if missing:
                unfilled.append(f"{rule.rule} (needs {', '.join(missing)})")
                continue
            values = {a: sample.arguments[a] for a in rule.arguments}
            paths.add(url_for(rule.endpoint, **values))
    assert not unfilled, f"pages with no sample to show: {unfilled}"
    return sorted(paths)


# --- the browser -----------------------------------------------------------------------------


class Visit:
    """One tab that notes everything that goes wrong while a page loads."""

    def __init__(self, page, base: str) -> None:
        self.page, self.base, self.problems = page, base, []
        page.on(
            "console",
            lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"),
        )
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        page.on("requestfailed", self._failed)
        page.on(
            "response",
            lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"),
        )

    def _failed(self, request) -> None:
        # Leaving a page cancels what it was still fetching (its icon, say): not a failure.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def sign_in(self, username: str = "alex", lands: str = "/") -> None:
        self.page.context.clear_cookies()  # whoever was signed in before is not any more
        self.page.goto(self.base + "/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEFAULT_PASSWORD)
        with self.page.expect_navigation():
            self.page.click("main form [type=submit]")
        self.page.wait_for_load_state()
        assert self.page.url == self.base + lands, f"signing in did not reach {lands}"

    def check(self, path: str, width: int) -> list[str]:
        self.problems = []
        response = self.page.goto(self.base + path, wait_until="load")
        if response is None or response.status != 200:
            self.problems.append(f"status {response.status if response else 'none'}")
        return self.look(path, width)

    def check_posted(self, start: str, send, width: int) -> list[str]:
        """The page a form on ``start`` leads to (``send`` fills and sends it)."""
        self.page.goto(self.base + start)
        self.problems = []
        with self.page.expect_navigation() as navigation:
            send(self.page)
        response = navigation.value
        if response is None or response.status != 200:
            self.problems.append(f"status {response.status if response else 'none'}")
        return self.look(self.page.url, width)

    def look(self, path: str, width: int) -> list[str]:
        if path.endswith("/docs"):  # the API reading page renders after load
            self.page.wait_for_selector(".api-content", timeout=10_000)
        wide = self.page.evaluate("document.documentElement.scrollWidth")
        if width < 500 and wide > width:
            self.problems.append(f"{wide} px wide on a {width} px screen")
        self.problems += self.accessibility()
        return self.problems

    def accessibility(self) -> list[str]:
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text())
        violations = self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
        )
        return [
            f"axe {v['impact']}: {v['id']} ({v['help']}) at {v['where']}"
            for v in violations
            if v["impact"] in BLOCKING
        ]


def _preview(page) -> None:
    page.set_input_files("input[type=file]", str(BANK_FILE))
    page.click("main form [type=submit]")


def _bulk_question(page) -> None:
    panel = page.locator("details:has(#bulk-category)")
    if not panel.evaluate("details => details.open"):
        panel.locator("summary").click()  # folded on a phone
    page.select_option("#bulk-category", label="Groceries")
    page.click("#bulk-apply_all")


# Pages that only a posted form leads to: (the page with the form, how to send it).
POSTED = {
    "import preview": ("/imports", _preview),
    "bulk question": ("/transactions?search=shop", _bulk_question),
}


@pytest.mark.parametrize("device", list(WIDTHS))
def test_every_page_in_a_real_browser(live_server, browser, device, tmp_path_factory):
    base, app, sample = live_server
    width = WIDTHS[device]
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    try:
        visit = Visit(context.new_page(), base)
        failures = visit.check("/login", width)  # the one page seen signed out
        failures = [f"/login: {p}" for p in failures]
        shots = tmp_path_factory.mktemp(f"screens-{device}")
        pages = _pages(app, sample)
        admin_pages = [p for p in pages if p.startswith(ADMIN_PAGES)]
        wizard_pages = [p for p in pages if p.startswith(WIZARD_PAGES) and p != WIZARD_PAGES]
        checks = [
            (path, lambda path=path: visit.check(path, width))
            for path in pages
            if path not in admin_pages and not path.startswith(WIZARD_PAGES)
        ]
        checks += [
            (name, lambda start=start, send=send: visit.check_posted(start, send, width))
            for name, (start, send) in POSTED.items()
        ]
        admin_checks = [(path, lambda path=path: visit.check(path, width)) for path in admin_pages]
        wizard_checks = [(p, lambda p=p: visit.check(p, width)) for p in wizard_pages]
        for username, lands, some_checks in (
            ("alex", "/", checks),
            (ADMIN, "/", admin_checks),
            (NEWCOMER, "/welcome/complete", wizard_checks),
        ):
            visit.sign_in(username, lands)
            for name, check in some_checks:
                problems = check()
                if problems:
                    shot = shots / (
                        name.strip("/").replace("/", "_").replace(" ", "_") or "overview"
                    )
                    visit.page.screenshot(path=f"{shot}.png", full_page=True)
                    failures += [f"{name}: {p} (screenshot {shot}.png)" for p in problems]
    finally:
        context.close()
    assert len(pages) > 10
    assert admin_pages, "no admin page was visited"
    assert len(wizard_pages) >= 6, "the wizard's steps were not visited"
    assert not failures, "\n".join(failures)
