"""A household with a row in every ledger table, for the export, import and delete tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.demo import build_demo_household
from homeledger.models import (
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
from homeledger.services.importing.csv_mapping import CsvMapping
from homeledger.services.ledger_tables import ledger_tables

TODAY = date(2026, 11, 26)


def fill_household(session: Session, user: User, *, demo: bool = True) -> None:
    """A year of the demo household (or, ``demo=False``, one row of each plan), and the
    rows the demo leaves out: a rule that set a transaction's category, an import that
    skipped a rule, a saved CSV mapping, an old desktop file's upload, and a debt payment
    made by a transaction."""
    with tenancy.acting_as(session, user.id):
        if demo:
            build_demo_household(session, seed=11, years=1, today=TODAY)
        else:
            _one_of_each_plan(session)
        groceries = session.scalars(select(Category.id).where(Category.name == "Groceries")).one()
        sam = session.scalars(select(Owner.id).where(Owner.name == "Sam")).one()
        rule = Rule(name="Shop", pattern="shop", set_category_id=groceries, set_owner_id=sam)
        gone = Rule(name="Broken", pattern="(", match_type="regex", is_active=False)
        session.add_all([rule, gone])
        session.flush()
        batch = ImportBatch(
            source="csv",
            filename="bank.csv",
            file_sha256="ab" * 32,
            row_count=2,
            summary={"skipped_rules": [{"id": gone.id, "name": "Broken", "reason": "bad"}]},
        )
        session.add(batch)
        session.flush()
        paid = Transaction(
            date=date(2026, 11, 2),
            description="SHOP & CO — “café” =1+1",
            amount=Decimal("-1234.56"),
            category_id=groceries,
            owner_id=sam,
            rule_id=rule.id,
            import_batch_id=batch.id,
            account="Joint",
            notes="line one\nline two",
            bank_id="FIT-1",
            fingerprint="f" * 64,
            review_reason="check me",
        )
        session.add(paid)
        session.flush()
        card = session.scalars(select(Debt).order_by(Debt.id)).first()
        session.add(
            DebtPayment(
                debt_id=card.id,
                date=paid.date,
                amount=Decimal("1234.56"),
                balance_after=card.current_balance,
                transaction_id=paid.id,
            )
        )
        mapping = CsvMapping(date="Date", description="Payee", amount="Amt").to_dict()
        session.add(ImportProfile(name="My bank", mapping=mapping))
        session.add(
            LegacyUpload(
                filename="personal_finance.db",
                file_sha256="cd" * 32,
                size=3,
                data=b"\x00\x01\xff",
                dry_run_report={"counts": {"transactions": {"read": 1, "written": 1}}},
                applied_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
                applied_report={"counts": {"transactions": {"read": 1, "written": 1}}},
            )
        )
        session.flush()
    session.commit()


def _one_of_each_plan(session: Session) -> None:
    sam = Owner(name="Sam")
    session.add(sam)
    session.flush()
    groceries = session.scalars(select(Category.id).where(Category.name == "Groceries")).one()
    goal = SavingsGoal(name="Holiday", target_amount=Decimal("3000.00"), owner_id=sam.id)
    session.add_all(
        [
            Budget(year=2026, month=11, category_id=groceries, amount=Decimal("400.00")),
            Commitment(name="Rent", amount=Decimal("1800.00"), frequency="monthly", due_day=1),
            Debt(name="Card", current_balance=Decimal("900.00"), interest_rate=Decimal("19.990")),
            goal,
        ]
    )
    session.flush()
    session.add(GoalContribution(goal_id=goal.id, date=TODAY, amount=Decimal("50.00")))
    session.add(
        Transaction(date=TODAY, description="Pay", amount=Decimal("2500.00"), owner_id=sam.id)
    )


def counts(session: Session, user_id: int) -> dict[str, int]:
    with tenancy.acting_as(session, user_id):
        return {
            t.name: session.scalar(select(func.count()).select_from(t.table))
            for t in ledger_tables()
        }


def canonical(session: Session, user_id: int) -> dict[str, list[dict]]:
    """Every row of a ledger without its ids: each reference as the position (by id) of the
    row it names, so two ledgers holding the same data compare equal."""
    with tenancy.acting_as(session, user_id):
        raw = {
            t.name: session.execute(select(t.table).order_by(t.table.c.id)).mappings().all()
            for t in ledger_tables()
        }
    position = {name: {row["id"]: n for n, row in enumerate(rows)} for name, rows in raw.items()}
    result = {}
    for table in ledger_tables():
        rows = []
        for row in raw[table.name]:
            values = {k: v for k, v in row.items() if k not in ("id", "user_id")}
            for column in table.people:  # who entered a row: the ledger's owner, or who
                if values[column] == user_id:
                    values[column] = "the ledger's owner"
            for column, target in table.references.items():
                if values[column] is not None:
                    values[column] = ("→", target, position[target][values[column]])
            rows.append(values)
        result[table.name] = rows
    for batch in result["import_batches"]:
        for skipped in (batch["summary"] or {}).get("skipped_rules", []):
            skipped["id"] = position["rules"].get(skipped["id"])
    return result


def sums(session: Session, user_id: int) -> dict:
    """Transaction totals by category, owner and month, and overall, in the ledger's names."""
    month = func.substr(cast(Transaction.date, String), 1, 7)
    with tenancy.acting_as(session, user_id):
        grouped = session.execute(
            select(Category.name, Owner.name, month, func.sum(Transaction.amount), func.count())
            .select_from(Transaction)
            .outerjoin(Category, Transaction.category_id == Category.id)
            .outerjoin(Owner, Transaction.owner_id == Owner.id)
            .group_by(Category.name, Owner.name, month)
        ).all()
        total = session.scalar(select(func.sum(Transaction.amount)))
    return {"total": total, "groups": sorted(tuple(map(str, row)) for row in grouped)}
