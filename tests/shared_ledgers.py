"""Ledgers shared between people, for the sharing tests: grants made through the service
as the owner would make them, and a ledger with one of every kind of row to try the
pages and endpoints on."""

from __future__ import annotations

import functools
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.models import (
    AuditLog,
    Budget,
    Category,
    Commitment,
    Debt,
    DebtPayment,
    GoalContribution,
    ImportBatch,
    ImportProfile,
    LegacyUpload,
    Owner,
    Rule,
    SavingsGoal,
    Transaction,
    User,
)
from homeledger.services import legacy_uploads, sharing
from homeledger.services.importing.csv_mapping import CsvMapping
from homeledger.services.ledger_tables import count_rows
from homeledger.services.periods import budget_month_containing
from tests.factories import add_transactions, make_user
from tests.legacy_sample import make_old_file


def share(session: Session, owner: User, member: User, role: str) -> None:
    """``owner`` shares their ledger with ``member`` as ``role``, committed."""
    with tenancy.acting_as(session, owner.id):
        sharing.add_member(session, member.username, role)
    session.commit()


def unshare(session: Session, owner: User, member: User) -> None:
    with tenancy.acting_as(session, owner.id):
        sharing.remove_member(session, member.id)
    session.commit()


def rows_of(session: Session, ledger_id: int) -> dict[str, int]:
    """How many rows of each table the ledger holds, read afresh."""
    session.expire_all()
    with tenancy.acting_as(session, ledger_id):
        found = count_rows(session)
    session.rollback()
    return found


def audit_entries(session: Session, action: str, **where) -> list[AuditLog]:
    """Every audit entry of ``action`` (and the columns ``where`` names), oldest first."""
    session.expire_all()
    statement = select(AuditLog).where(AuditLog.action == action)
    for column, value in where.items():
        statement = statement.where(getattr(AuditLog, column) == value)
    return list(session.scalars(statement.order_by(AuditLog.id)))


# What the matrices of tests/web and tests/api send: this month and the next, a small bank
# file, and a body for a route they do not know (what a new sharing or ledger form might
# send; the API's cut to the fields its OpenAPI operation takes).
TODAY = date.today()
MONTH = f"{TODAY:%Y-%m}"
NEXT_MONTH = f"{TODAY.year + TODAY.month // 12}-{TODAY.month % 12 + 1:02d}"
BANK_FILE = b"Date,Description,Amount\n2024-03-01,SALARY ACME,2450.00\n2024-03-02,TESCO,-42.17\n"
GENERIC_BODY = {
    "username": "kim",
    "role": "editor",
    "name": "Intruder",
    "date": TODAY.isoformat(),
    "description": "Intruder",
    "amount": "-1.00",
    "month": MONTH,
}


@dataclass(frozen=True)
class Seeded:
    """The ids of one row of every kind in a ledger, and the words that show them."""

    transaction: int
    category: int
    owner: int
    rule: int
    budget: int
    bill: int
    debt: int
    payment: int
    goal: int
    contribution: int
    batch: int
    profile: int
    upload: int
    linked_transaction: int  # an uncategorised spending row no debt payment came from yet
    other_category: int  # somewhere to merge the category into
    other_owner: int  # somewhere to merge the owner into
    paused_bill: int  # a bill to resume

    def ids(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# What each kind of row is called in the seeded ledger: words no other ledger has.
MARKS = {
    "transaction": "Quokka grocer",
    "category": "Quokka treats",
    "owner": "Quokkaowner",
    "rule": "Quokka rule",
    "bill": "Quokka rent",
    "debt": "Quokka card",
    "goal": "Quokka holiday",
    "batch": "quokka-bank.csv",
    "profile": "Quokka mapping",
    "upload": "quokka_finance.db",
}


def seed_ledger(session: Session, user: User, old_file: bytes | None = None) -> Seeded:
    """One row of every kind in ``user``'s ledger, dated today, all named with words from
    ``MARKS``; committed. Built by its owner. With ``old_file`` (an old desktop file), the
    upload is of that file, ready to apply."""
    today = date.today()
    with tenancy.acting_as(session, user.id):
        month = budget_month_containing(today, 1)
        category = Category(name=MARKS["category"], type="expense", color="#336699")
        owner = Owner(name=MARKS["owner"])
        partner = Owner(name="Quokka partner")
        session.add_all([category, owner, partner])
        session.flush()
        rule = Rule(
            name=MARKS["rule"], pattern="quokka", set_category_id=category.id, set_owner_id=None
        )
        batch = ImportBatch(
            source="csv",
            filename=MARKS["batch"],
            file_sha256="ab" * 32,
            row_count=1,
            summary={"skipped_rules": []},
        )
        session.add_all([rule, batch])
        session.flush()
        spent = Transaction(
            date=today,
            description=MARKS["transaction"],
            amount=Decimal("-42.50"),
            category_id=category.id,
            owner_id=owner.id,
            import_batch_id=batch.id,
            account="Joint",
        )
        loose = Transaction(date=today, description="Quokka loan payment", amount=Decimal("-75"))
        session.add_all([spent, loose])
        budget = Budget(
            year=month.year, month=month.month, category_id=category.id, amount=Decimal("300.00")
        )
        bill = Commitment(
            name=MARKS["bill"],
            amount=Decimal("1200.00"),
            frequency="monthly",
            due_day=1,
            category_id=category.id,
        )
        paused = Commitment(
            name="Quokka gym", amount=Decimal("30.00"), frequency="monthly", is_active=False
        )
        debt = Debt(
            name=MARKS["debt"],
            current_balance=Decimal("900.00"),
            interest_rate=Decimal("19.990"),
            minimum_payment=Decimal("25.00"),
        )
        goal = SavingsGoal(
            name=MARKS["goal"], target_amount=Decimal("3000.00"), current_amount=Decimal("150")
        )
        profile = ImportProfile(
            name=MARKS["profile"],
            mapping=CsvMapping(date="Date", description="Payee", amount="Amt").to_dict(),
        )
        if old_file is not None:
            upload = legacy_uploads.upload(session, user, MARKS["upload"], old_file)
        else:
            upload = LegacyUpload(
                filename=MARKS["upload"],
                file_sha256="cd" * 32,
                size=3,
                data=b"\x00\x01\xff",
                dry_run_report={"counts": {"transactions": {"read": 1, "written": 1}}},
            )
        session.add_all([budget, bill, paused, debt, goal, profile, upload])
        session.flush()
        payment = DebtPayment(
            debt_id=debt.id, date=today, amount=Decimal("50.00"), balance_after=Decimal("900")
        )
        contribution = GoalContribution(goal_id=goal.id, date=today, amount=Decimal("150.00"))
        session.add_all([payment, contribution])
        session.flush()
        seeded = Seeded(
            transaction=spent.id,
            category=category.id,
            owner=owner.id,
            rule=rule.id,
            budget=budget.id,
            bill=bill.id,
            debt=debt.id,
            payment=payment.id,
            goal=goal.id,
            contribution=contribution.id,
            batch=batch.id,
            profile=profile.id,
            upload=upload.id,
            linked_transaction=loose.id,
            other_category=session.scalars(
                select(Category.id).where(Category.name == "Groceries")
            ).one(),
            other_owner=partner.id,
            paused_bill=paused.id,
        )
    session.commit()
    return seeded


SAM_PRIVATE = "Wombat private"  # in Sam's own ledger: never on a page of Alex's
KIM_PRIVATE = "Numbat private"  # in Kim's own ledger


@dataclass
class Household:
    """Alex, whose ledger is seeded with one row of every kind; Sam, who may be given a role
    in it; Kim, who has none. Sam and Kim each have one transaction of their own."""

    alex: User
    sam: User
    kim: User
    seeded: Seeded
    old_file: bytes

    def ids(self) -> dict[str, object]:
        """Values for the URL map's variables: Alex's rows, Sam as the person, Alex's
        ledger as the ledger."""
        s = self.seeded
        return {
            "transaction_id": s.transaction,
            "category_id": s.category,
            "owner_id": s.owner,
            "rule_id": s.rule,
            "batch_id": s.batch,
            "profile_id": s.profile,
            "upload_id": s.upload,
            "budget_id": s.budget,
            "commitment_id": s.bill,
            "bill_id": s.bill,
            "debt_id": s.debt,
            "payment_id": s.payment,
            "goal_id": s.goal,
            "contribution_id": s.contribution,
            "user_id": self.sam.id,
            "member_id": self.sam.id,
            "ledger_id": self.alex.id,
            "id": self.alex.id,
            "entry_id": 1,
            "token": "not-an-invite",
            "filename": "favicon.svg",
        }


@functools.cache
def old_desktop_file() -> bytes:
    """A small old desktop file, made once per test process."""
    folder = Path(tempfile.mkdtemp(prefix="homeledger-old-file-"))
    try:
        return make_old_file(folder, transactions=100)[0]
    finally:
        shutil.rmtree(folder)


def make_household(session: Session) -> Household:
    alex, sam, kim = (make_user(session, name) for name in ("alex", "sam", "kim"))
    old_file = old_desktop_file()
    seeded = seed_ledger(session, alex, old_file)
    today = date.today()
    add_transactions(session, sam, [(today, SAM_PRIVATE, "-3.00", None)])
    add_transactions(session, kim, [(today, KIM_PRIVATE, "-4.00", None)])
    return Household(alex, sam, kim, seeded, old_file)


def url_for_rule(rule: str, ids: dict[str, object]) -> str | None:
    """``rule`` of the URL map with its variables filled from ``ids``; None if it has one
    ``ids`` does not know."""
    names = re.findall(r"<(?:[\w()]+:)?(\w+)>", rule)
    if any(name not in ids for name in names):
        return None
    return re.sub(r"<(?:[\w()]+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule)


def marks_in(text: str) -> list[str]:
    """Which of the seeded ledger's words ``text`` shows."""
    return [mark for mark in MARKS.values() if mark in text]
