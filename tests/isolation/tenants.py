"""Two households that must never meet: A, with one row of every kind, each carrying words
and amounts no page could show by chance, and B, with a small ledger of their own. What
the cross-tenant matrices of this package seed, look for and compare.

A is ``zanzibar7731``: every name of theirs holds "Zanzibar-A-7731" and every amount is
one of ``AMOUNTS`` (77xx.yy), so a page that shows any of A's rows, names or totals shows
one of ``A_MARKERS``. C (``okapi7731``) is a member of A's ledger, so the member routes
have an id to try. B is ``bea``; B's rows say "Kalahari-B-4412", so a list can be shown
to work for B while showing nothing of A's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

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
    LedgerMember,
    LegacyUpload,
    Owner,
    RefreshToken,
    Rule,
    SavingsGoal,
    Transaction,
    User,
    WebSession,
)
from homeledger.services.importing.csv_mapping import CsvMapping
from homeledger.services.ledger_tables import ledger_tables
from homeledger.services.periods import budget_month_containing
from tests.factories import make_user
from tests.shared_ledgers import share

A_NAME = "Zanzibar-A-7731"
A_ACCOUNT = "ACCT-A-7731"
B_NAME = "Kalahari-B-4412"
# Every amount of A's, once each: the spending, the income, then the plans.
AMOUNTS = {
    "spent": "7731.19",
    "earned": "7742.37",
    "budget": "7753.41",
    "bill": "7764.53",
    "debt": "7775.61",
    "payment": "7786.17",
    "goal": "7797.29",
    "contribution": "7708.31",
}


def _formatted(amount: str) -> tuple[str, str]:
    """As the API writes it ("7731.19") and as a page does ("7,731.19")."""
    whole, cents = amount.split(".")
    return amount, f"{int(whole):,}.{cents}"


# Looked for case-insensitively: A's names (and usernames), account, and amounts.
A_MARKERS = (
    "zanzibar",
    "okapi7731",
    A_ACCOUNT.lower(),
    *(shown for amount in AMOUNTS.values() for shown in _formatted(amount)),
)


def a_markers_in(text: str) -> list[str]:
    """Which of A's words and amounts ``text`` shows."""
    lowered = text.lower()
    return [mark for mark in A_MARKERS if mark in lowered]


@dataclass(frozen=True)
class Tenants:
    a: User
    b: User
    c: User  # a member of A's ledger
    ids: dict[str, object]  # A's rows, by the URL map's variable names
    b_ids: dict[str, object]  # B's own, likewise


def seed(session: Session) -> Tenants:
    """A with one row of every kind, shared with C as an editor; B with the same of their
    own (named "Kalahari-B-4412"), shared with D. Committed."""
    a = make_user(
        session,
        "zanzibar7731",
        display_name=f"{A_NAME} Person",
        email="zanzibar7731@example.org",
    )
    b = make_user(session, "bea")
    c = make_user(session, "okapi7731", display_name="Okapi-C-7731")
    d = make_user(session, "dee")
    a_ids = fill_ledger(session, a, A_NAME, A_ACCOUNT, AMOUNTS)
    b_ids = fill_ledger(session, b, B_NAME, "ACCT-B-4412", {kind: "44.12" for kind in AMOUNTS})
    share(session, a, c, "editor")
    share(session, b, d, "viewer")
    entry = session.scalars(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1)).one()
    common = {"entry_id": entry, "filename": "favicon.svg"}
    # A person: A's member C (sharing, admin); a ledger: A's; an audit entry.
    a_ids |= common | {"user_id": c.id, "member_id": c.id, "ledger_id": a.id}
    a_ids["token"] = "no-such-invite-7731"  # invites are one-time secrets; see PUBLIC
    b_ids |= common | {"user_id": d.id, "member_id": d.id, "ledger_id": b.id}
    return Tenants(a, b, c, a_ids, b_ids)


def fill_ledger(
    session: Session, user: User, name: str, account: str, amounts: dict[str, str]
) -> dict[str, int]:
    """One row of every kind in ``user``'s ledger, named after ``name``; their ids, by
    the URL map's variable names. Committed."""
    today = date.today()
    with tenancy.acting_as(session, user.id):
        month = budget_month_containing(today, 1)
        category = Category(name=f"{name} treats", type="expense", color="#773119")
        owner = Owner(name=f"{name} owner")
        partner = Owner(name=f"{name} partner")
        session.add_all([category, owner, partner])
        session.flush()
        rule = Rule(name=f"{name} rule", pattern=name.lower(), set_category_id=category.id)
        batch = ImportBatch(
            source="csv",
            filename=f"{name}.csv",
            file_sha256=f"{user.id:064x}",
            row_count=1,
            summary={"skipped_rules": []},
        )
        session.add_all([rule, batch])
        session.flush()
        spent = Transaction(
            date=today,
            description=f"{name} payee",
            amount=-Decimal(amounts["spent"]),
            category_id=category.id,
            owner_id=owner.id,
            import_batch_id=batch.id,
            account=account,
            notes=f"{name} note",
        )
        earned = Transaction(
            date=today, description=f"{name} salary", amount=Decimal(amounts["earned"])
        )
        budget = Budget(
            year=month.year,
            month=month.month,
            category_id=category.id,
            amount=Decimal(amounts["budget"]),
        )
        bill = Commitment(
            name=f"{name} rent",
            amount=Decimal(amounts["bill"]),
            frequency="monthly",
            due_day=1,
            category_id=category.id,
        )
        debt = Debt(
            name=f"{name} card",
            current_balance=Decimal(amounts["debt"]),
            interest_rate=Decimal("17.731"),
            minimum_payment=Decimal("77.31"),
        )
        goal = SavingsGoal(
            name=f"{name} holiday",
            target_amount=Decimal(amounts["goal"]),
            current_amount=Decimal(amounts["contribution"]),
        )
        profile = ImportProfile(
            name=f"{name} mapping",
            mapping=CsvMapping(date="Date", description="Payee", amount="Amt").to_dict(),
        )
        upload = LegacyUpload(
            filename=f"{name}.db",
            file_sha256=f"{user.id + 1000:064x}",
            size=3,
            data=b"\x00\x01\xff",
            dry_run_report={
                "counts": {
                    "transactions": {
                        "read": 1,
                        "written": 1,
                        "flagged": 0,
                        "skipped": 0,
                        "already_present": 0,
                    }
                }
            },
        )
        session.add_all([spent, earned, budget, bill, debt, goal, profile, upload])
        session.flush()
        payment = DebtPayment(
            debt_id=debt.id,
            date=today,
            amount=Decimal(amounts["payment"]),
            balance_after=Decimal(amounts["debt"]),
        )
        contribution = GoalContribution(
            goal_id=goal.id, date=today, amount=Decimal(amounts["contribution"])
        )
        session.add_all([payment, contribution])
        session.flush()
        ids = {
            "transaction_id": spent.id,
            "category_id": category.id,
            "owner_id": owner.id,
            "rule_id": rule.id,
            "batch_id": batch.id,
            "profile_id": profile.id,
            "upload_id": upload.id,
            "budget_id": budget.id,
            "commitment_id": bill.id,
            "bill_id": bill.id,
            "debt_id": debt.id,
            "payment_id": payment.id,
            "goal_id": goal.id,
            "contribution_id": contribution.id,
            # Somewhere to merge the category and the owner into.
            "other_category_id": session.scalars(
                select(Category.id).where(Category.name == "Groceries")
            ).one(),
            "other_owner_id": partner.id,
        }
    session.commit()
    return ids


def _rows(session: Session, model, *where) -> list[tuple]:
    columns = model.__table__.columns
    statement = select(*columns).where(*where).order_by(*model.__table__.primary_key.columns)
    return [tuple(row) for row in session.execute(statement)]


def snapshot(session: Session, tenants: Tenants) -> dict[str, list[tuple]]:
    """Every row of A's ledger (read as A), and A's sign-ins, tokens, grants and account."""
    session.expire_all()
    found = {}
    with tenancy.acting_as(session, tenants.a.id):
        for table in ledger_tables():
            found[table.name] = _rows(session, table.model)
    session.rollback()
    a = tenants.a.id
    found["web_sessions"] = _rows(session, WebSession, WebSession.user_id == a)
    found["refresh_tokens"] = _rows(session, RefreshToken, RefreshToken.user_id == a)
    found["ledger_members"] = _rows(session, LedgerMember, LedgerMember.ledger_user_id == a)
    found["users"] = _rows(session, User, User.id.in_([a, tenants.c.id]))
    session.rollback()
    return found


def changed(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    """The tables whose rows differ."""
    return [name for name in before if before[name] != after.get(name)]


VARIABLE = re.compile(r"<(?:[\w()]+:)?(\w+)>")


def variables(rule: str) -> list[str]:
    return VARIABLE.findall(rule)


def fill(rule: str, ids: dict[str, object]) -> str:
    return VARIABLE.sub(lambda m: str(ids[m.group(1)]), rule)


def no_sample(rules, ids: dict[str, object]) -> list[str]:
    """Route-methods with a variable A has no sample row for: the matrix cannot try them,
    so they fail the test, by name, until the seed gains one."""
    return [
        f"{method} {rule.rule} ({rule.endpoint}): no A-owned sample for <{name}>"
        for rule in rules
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        for name in variables(rule.rule)
        if name not in ids
    ]
